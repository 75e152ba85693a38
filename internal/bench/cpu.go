/*
Copyright 2026 The Security Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package bench

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// ticksPerSecond is USER_HZ, the unit of /proc/stat on Linux.
const ticksPerSecond = 100

// cpuTimes is the machine's CPU time from the first line of /proc/stat,
// summed over all CPUs.
type cpuTimes struct {
	// busy is every state except idle and iowait, in clock ticks.
	busy uint64
	// total is every state, in clock ticks.
	total uint64
}

// readCPUTimes reads /proc/stat. It reports false where that file is
// missing or has no aggregate "cpu" line.
func readCPUTimes() (cpuTimes, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}, false
	}
	return parseCPUTimes(string(b))
}

// parseCPUTimes reads the "cpu" line: user, nice, system, idle, iowait,
// irq, softirq and steal. The guest times that may follow are already
// part of user and nice.
func parseCPUTimes(stat string) (cpuTimes, bool) {
	line, _, _ := strings.Cut(stat, "\n")
	fields := strings.Fields(line)
	if len(fields) < 9 || fields[0] != "cpu" {
		return cpuTimes{}, false
	}
	var t cpuTimes
	for i, f := range fields[1:9] {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return cpuTimes{}, false
		}
		t.total += v
		if i != 3 && i != 4 {
			t.busy += v
		}
	}
	return t, true
}

// CPUUse is the machine's CPU use over one phase.
type CPUUse struct {
	// Busy is the CPU time spent outside idle and iowait, over all CPUs.
	Busy time.Duration
	// Share is Busy divided by all CPU time of the phase, from 0 to 1.
	Share float64
}

// since returns the CPU use from start to t. It is zero when t is not
// later than start, such as when reading t failed.
func (t cpuTimes) since(start cpuTimes) CPUUse {
	if t.total <= start.total || t.busy < start.busy {
		return CPUUse{}
	}
	busy := t.busy - start.busy
	return CPUUse{
		Busy:  time.Duration(busy) * time.Second / ticksPerSecond,
		Share: float64(busy) / float64(t.total-start.total),
	}
}
