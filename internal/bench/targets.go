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
	"fmt"
	"slices"
	"strings"
)

// The operator's performance targets.
const (
	// targetTenants is the fleet size at which time and memory are judged.
	targetTenants = 1000
	// targetRatio is the highest accepted ratio of the time until all Ready
	// to the bound.
	targetRatio = 1.25
	// targetPeakRSS is the highest accepted peak RSS, in bytes.
	targetPeakRSS = 64 * mib
	// targetGrowth is the RSS growth per tenant, in bytes, that must not be
	// reached.
	targetGrowth = 20 * kib
)

// Outcomes of a Check.
const (
	StatusMet         = "met"
	StatusMissed      = "missed"
	StatusNotMeasured = "not measured"
)

// Check is one performance target and how the results compare with it.
type Check struct {
	// Target states the target.
	Target string
	// Measured states the measured values the status is based on.
	Measured string
	// Status is StatusMet, StatusMissed or StatusNotMeasured.
	Status string
}

// Checks compares the results with each target.
func Checks(results []Result) []Check {
	return []Check{
		checkReadyTime(results),
		checkFirstSync(results),
		checkResync(results),
		checkPeakRSS(results),
		checkGrowth(results),
		checkThrottling(results),
	}
}

func status(ok bool) string {
	if ok {
		return StatusMet
	}
	return StatusMissed
}

func find(results []Result, tenants int) (Result, bool) {
	i := slices.IndexFunc(results, func(r Result) bool { return r.Tenants == tenants })
	if i < 0 {
		return Result{}, false
	}
	return results[i], true
}

func checkReadyTime(results []Result) Check {
	c := Check{Target: fmt.Sprintf("Time to all Ready at %d tenants within %.2f× the bound",
		targetTenants, targetRatio)}
	r, ok := find(results, targetTenants)
	if !ok {
		c.Status, c.Measured = StatusNotMeasured, fmt.Sprintf("no run with %d tenants", targetTenants)
		return c
	}
	c.Measured = fmt.Sprintf("%s against a bound of %s: %.2f×", seconds(r.Ready), seconds(r.Bound()), r.Ratio())
	c.Status = status(r.Ratio() <= targetRatio)
	return c
}

func checkFirstSync(results []Result) Check {
	c := Check{Target: fmt.Sprintf("First sync: at most %d Graph round trips per tenant "+
		"(token, GET, PATCH) when PATCH returns 200", RoundTrips)}
	var parts []string
	ok := true
	for _, r := range results {
		parts = append(parts, fmt.Sprintf("%d tenants: at most %d, plus %s discovery",
			r.Tenants, r.First.MaxRoundTrips, countRange(r.First.Min.Discovery, r.First.Max.Discovery)))
		ok = ok && r.First.MaxRoundTrips <= RoundTrips
	}
	c.Measured = strings.Join(parts, "; ")
	c.Status = status(ok)
	return c
}

func checkResync(results []Result) Check {
	c := Check{Target: "In-sync resync: exactly 1 GET, 0 PATCH and 0 token requests per tenant"}
	var parts []string
	ok := true
	for _, r := range results {
		a := r.Again
		parts = append(parts, fmt.Sprintf("%d tenants: GET %s, PATCH %s, token %s", r.Tenants,
			countRange(a.Min.Get, a.Max.Get), countRange(a.Min.Patch, a.Max.Patch),
			countRange(a.Min.Token, a.Max.Token)))
		ok = ok && a.Min.Get == 1 && a.Max.Get == 1 && a.Max.Patch == 0 && a.Max.Token == 0
	}
	c.Measured = strings.Join(parts, "; ")
	c.Status = status(ok)
	return c
}

func checkPeakRSS(results []Result) Check {
	c := Check{Target: fmt.Sprintf("Manager peak RSS at %d tenants at most %d MiB", targetTenants, targetPeakRSS/mib)}
	r, ok := find(results, targetTenants)
	if !ok {
		c.Status, c.Measured = StatusNotMeasured, fmt.Sprintf("no run with %d tenants", targetTenants)
		return c
	}
	c.Measured = fmt.Sprintf("%.1f MiB", float64(r.PeakRSS)/mib)
	c.Status = status(r.PeakRSS <= targetPeakRSS)
	return c
}

// checkGrowth takes the growth as the slope of the peak RSS between the
// smallest and the largest fleet, which cancels the fixed part of the
// memory. With one fleet size it falls back to the growth above the
// manager's baseline RSS. It judges only runs that reach targetTenants:
// in smaller fleets, fixed costs such as the workers' buffers outweigh
// the per-tenant ones.
func checkGrowth(results []Result) Check {
	c := Check{Target: fmt.Sprintf("RSS growth per tenant under %d KiB", targetGrowth/kib)}
	if len(results) == 0 {
		c.Status, c.Measured = StatusNotMeasured, "no results"
		return c
	}
	small := slices.MinFunc(results, func(a, b Result) int { return a.Tenants - b.Tenants })
	large := slices.MaxFunc(results, func(a, b Result) int { return a.Tenants - b.Tenants })
	var growth float64
	if small.Tenants == large.Tenants {
		growth = large.GrowthPerTenant()
		c.Measured = fmt.Sprintf("%.1f KiB: peak above baseline RSS at %d tenants", growth/kib, large.Tenants)
	} else {
		growth = float64(large.PeakRSS-small.PeakRSS) / float64(large.Tenants-small.Tenants)
		c.Measured = fmt.Sprintf("%.1f KiB: peak RSS from %d to %d tenants", growth/kib, small.Tenants, large.Tenants)
	}
	c.Status = status(growth < targetGrowth)
	if large.Tenants < targetTenants {
		c.Status = StatusNotMeasured
		c.Measured += fmt.Sprintf(", not judged below %d tenants", targetTenants)
	}
	return c
}

func checkThrottling(results []Result) Check {
	c := Check{Target: fmt.Sprintf("No Graph request over the per-tenant budget of %d per minute (no 429)",
		graphBudget)}
	var total int64
	for _, r := range results {
		total += throttled(r)
	}
	c.Measured = fmt.Sprintf("%d responses with status 429", total)
	c.Status = status(total == 0)
	return c
}
