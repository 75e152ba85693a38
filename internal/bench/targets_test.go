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
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/emulator"
)

// inSync returns a result of n tenants whose counts meet every target.
func inSync(n int) Result {
	first := emulator.Counts{Token: 1, Discovery: 1, Get: 1, Patch: 1}
	again := emulator.Counts{Get: 1}
	return Result{
		Tenants: n, Latency: 50 * time.Millisecond, Concurrency: 32,
		Ready:       Bound(n, 32, 50*time.Millisecond),
		First:       RequestStats{Min: first, Max: first, MaxRoundTrips: 3},
		Again:       RequestStats{Min: again, Max: again},
		BaselineRSS: 30 * mib,
		PeakRSS:     30*mib + int64(n)*10*kib,
	}
}

// checkOf returns the check whose target starts with prefix.
func checkOf(checks []Check, prefix string) Check {
	for _, c := range checks {
		if strings.HasPrefix(c.Target, prefix) {
			return c
		}
	}
	return Check{Status: "no check starts with " + prefix}
}

func statusOf(checks []Check, prefix string) string {
	return checkOf(checks, prefix).Status
}

func TestBoundFormula(t *testing.T) {
	g := NewWithT(t)

	g.Expect(Bound(1000, 32, 50*time.Millisecond)).To(Equal(4687500 * time.Microsecond))
	g.Expect(Bound(100, 1, 10*time.Millisecond)).To(Equal(3 * time.Second))
	g.Expect(Bound(100, 0, 10*time.Millisecond)).To(BeZero())
}

func TestRatioOfBound(t *testing.T) {
	r := inSync(1000)
	r.Ready = 2 * r.Bound()

	NewWithT(t).Expect(r.Ratio()).To(BeNumerically("~", 2, 1e-9))
}

func TestChecksAllMet(t *testing.T) {
	checks := Checks([]Result{inSync(100), inSync(1000)})

	for _, c := range checks {
		NewWithT(t).Expect(c.Status).To(Equal(StatusMet), "%s: %s", c.Target, c.Measured)
	}
}

func TestChecksSlowReadyMissed(t *testing.T) {
	r := inSync(1000)
	r.Ready = r.Bound() * 13 / 10

	NewWithT(t).Expect(statusOf(Checks([]Result{r}), "Time to all Ready")).To(Equal(StatusMissed))
}

func TestChecksWithoutTargetSize(t *testing.T) {
	g := NewWithT(t)

	checks := Checks([]Result{inSync(100)})

	g.Expect(statusOf(checks, "Time to all Ready")).To(Equal(StatusNotMeasured))
	g.Expect(statusOf(checks, "Manager peak RSS")).To(Equal(StatusNotMeasured))
	g.Expect(statusOf(checks, "RSS growth")).To(Equal(StatusNotMeasured))
}

func TestChecksResyncWithExtraGet(t *testing.T) {
	r := inSync(100)
	r.Again.Max.Get = 2

	NewWithT(t).Expect(statusOf(Checks([]Result{r}), "In-sync resync")).To(Equal(StatusMissed))
}

func TestChecksResyncWithoutGet(t *testing.T) {
	r := inSync(100)
	r.Again.Min.Get = 0

	NewWithT(t).Expect(statusOf(Checks([]Result{r}), "In-sync resync")).To(Equal(StatusMissed))
}

func TestChecksFirstSyncFourRoundTrips(t *testing.T) {
	r := inSync(100)
	r.First.MaxRoundTrips = 4

	NewWithT(t).Expect(statusOf(Checks([]Result{r}), "First sync")).To(Equal(StatusMissed))
}

func TestChecksThrottled(t *testing.T) {
	r := inSync(100)
	r.Again.Unattributed.Throttled = 1

	NewWithT(t).Expect(statusOf(Checks([]Result{r}), "No Graph request")).To(Equal(StatusMissed))
}

func TestChecksGrowthFromSlope(t *testing.T) {
	g := NewWithT(t)
	small, large := inSync(100), inSync(1000)
	// 30 KiB per tenant between the sizes, though each is 10 KiB above its
	// own baseline.
	large.PeakRSS = small.PeakRSS + 900*30*kib
	large.BaselineRSS = large.PeakRSS - 1000*10*kib

	checks := Checks([]Result{small, large})

	g.Expect(statusOf(checks, "RSS growth")).To(Equal(StatusMissed))
	g.Expect(checkOf(checks, "RSS growth").Measured).To(HavePrefix("30.0 KiB"))
}

func TestChecksGrowthOneSize(t *testing.T) {
	checks := Checks([]Result{inSync(1000)})

	NewWithT(t).Expect(statusOf(checks, "RSS growth")).To(Equal(StatusMet))
}

func TestTableShowsCountRanges(t *testing.T) {
	g := NewWithT(t)
	r := inSync(10)
	r.Again.Max.Get = 2

	table := Table([]Result{r})

	lines := strings.Split(strings.TrimSpace(table), "\n")
	g.Expect(lines).To(HaveLen(3))
	g.Expect(lines[2]).To(HavePrefix("| 10 |"))
	g.Expect(lines[2]).To(ContainSubstring("| 1–2 / 0 / 0 |"))
}

func TestReportNamesCommandAndTargets(t *testing.T) {
	g := NewWithT(t)
	meta := Meta{
		Machine: Machine{CPUs: 2, OS: "linux", Arch: "amd64", GoVersion: "go1.27.3"},
		Date:    time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC),
		Command: "go run ./hack/bench -tenants 1000",
		Config:  Config{Latency: 50 * time.Millisecond, Concurrency: 32, KubeQPS: 50, KubeBurst: 100, CreateQPS: 500},
	}

	doc := Report([]Result{inSync(1000)}, meta)

	g.Expect(doc).To(ContainSubstring("`go run ./hack/bench -tenants 1000`"))
	g.Expect(doc).To(ContainSubstring("- Date: 2026-12-04 15:00 UTC"))
	g.Expect(doc).To(ContainSubstring("| Time to all Ready at 1000 tenants within 1.25× the bound |"))
	g.Expect(doc).To(ContainSubstring("at or above 1.33"))
}

func TestWrapWidth(t *testing.T) {
	g := NewWithT(t)

	text := wrap(strings.Repeat("word ", 40), 22)

	for _, line := range strings.Split(text, "\n") {
		g.Expect(len(line)).To(BeNumerically("<=", 22), line)
	}
	g.Expect(strings.Fields(text)).To(HaveLen(40))
}
