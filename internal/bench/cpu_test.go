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
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

func TestParseCPUTimes(t *testing.T) {
	g := NewWithT(t)
	start, ok := parseCPUTimes("cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\n")
	g.Expect(ok).To(BeTrue())
	g.Expect(start).To(Equal(cpuTimes{busy: 160, total: 980}))

	// 150 ticks busy of 200: both CPUs 75% busy for one second.
	end, ok := parseCPUTimes("cpu  200 5 100 840 30 3 2 0 0 0\n")
	g.Expect(ok).To(BeTrue())
	use := end.since(start)
	g.Expect(use.Busy).To(Equal(1500 * time.Millisecond))
	g.Expect(use.Share).To(BeNumerically("~", 0.75, 1e-9))

	g.Expect(start.since(end)).To(Equal(CPUUse{}), "readings out of order")
	for _, bad := range []string{"", "intr 1 2 3\n", "cpu 1 2 3\n", "cpu a 5 50 800 20 3 2 0\n"} {
		_, ok := parseCPUTimes(bad)
		g.Expect(ok).To(BeFalse(), "%q", bad)
	}
}
