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
	"runtime"
	"strconv"
	"strings"
)

// Machine describes the computer a benchmark ran on.
type Machine struct {
	// CPUs is the number of logical CPUs usable by the harness.
	CPUs int
	// CPUModel is the first model name in /proc/cpuinfo, or "" when unknown.
	CPUModel string
	// MemoryBytes is MemTotal from /proc/meminfo, or 0 when unknown.
	MemoryBytes int64
	// Kernel is the kernel release, or "" when unknown.
	Kernel string
	// OS and Arch are the operating system and architecture.
	OS, Arch string
	// GoVersion is the Go version of the harness, which also built the
	// manager.
	GoVersion string
}

// ReadMachine describes this computer from the Go runtime and, on Linux,
// from /proc.
func ReadMachine() Machine {
	m := Machine{
		CPUs:      runtime.NumCPU(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
		GoVersion: runtime.Version(),
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPUModel = procField(string(b), "model name")
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		// MemTotal is in KiB, as "MemTotal:       16303580 kB".
		fields := strings.Fields(procField(string(b), "MemTotal"))
		if len(fields) > 0 {
			kib, _ := strconv.ParseInt(fields[0], 10, 64)
			m.MemoryBytes = kib * 1024
		}
	}
	return m
}

// procField returns the value of the first "key: value" line with key.
func procField(text, key string) string {
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
