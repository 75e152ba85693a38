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
	"strings"
	"time"
)

const (
	kib = 1024
	mib = 1024 * 1024
)

// tableHeader names the columns of Table. Request counts are per tenant:
// the highest over the tenants, or a range "lowest–highest" when tenants
// differ.
var tableHeader = []string{
	"tenants", "create", "all Ready", "bound", "ratio", "resync", "mean reconcile first / resync",
	"first sync token / GET / PATCH", "discovery", "resync GET / PATCH / token",
	"429 / other errors", "API requests first / resync",
	"baseline RSS", "peak RSS", "RSS above baseline per tenant", "binary RSS", "heap in use", "CPU",
	"machine CPU busy first sync",
}

// Table renders the results as a Markdown table, one row per fleet size.
func Table(results []Result) string {
	var b strings.Builder
	writeRow(&b, tableHeader)
	separator := make([]string, len(tableHeader))
	for i := range separator {
		separator[i] = "---:"
	}
	writeRow(&b, separator)
	for _, r := range results {
		writeRow(&b, tableRow(r))
	}
	return b.String()
}

func tableRow(r Result) []string {
	f, a := r.First, r.Again
	return []string{
		fmt.Sprint(r.Tenants),
		seconds(r.Create),
		seconds(r.Ready),
		seconds(r.Bound()),
		fmt.Sprintf("%.2f", r.Ratio()),
		seconds(r.Resync),
		milliseconds(r.ReconcileFirst) + " / " + milliseconds(r.ReconcileAgain),
		strings.Join([]string{
			countRange(f.Min.Token, f.Max.Token),
			countRange(f.Min.Get, f.Max.Get),
			countRange(f.Min.Patch, f.Max.Patch),
		}, " / "),
		countRange(f.Min.Discovery, f.Max.Discovery),
		strings.Join([]string{
			countRange(a.Min.Get, a.Max.Get),
			countRange(a.Min.Patch, a.Max.Patch),
			countRange(a.Min.Token, a.Max.Token),
		}, " / "),
		fmt.Sprintf("%d / %d", throttled(r), otherErrors(r)),
		fmt.Sprintf("%.1f / %.1f", APIPerTenant(r.APIFirst, r.Tenants), APIPerTenant(r.APIAgain, r.Tenants)),
		fmt.Sprintf("%.1f MiB", float64(r.BaselineRSS)/mib),
		fmt.Sprintf("%.1f MiB", float64(r.PeakRSS)/mib),
		fmt.Sprintf("%.1f KiB", r.GrowthPerTenant()/kib),
		fmt.Sprintf("%.1f MiB", float64(r.FileRSS)/mib),
		fmt.Sprintf("%.1f MiB", r.HeapInUse/mib),
		seconds(r.CPU),
		fmt.Sprintf("%.0f%%", 100*r.MachineFirst.Share),
	}
}

func writeRow(b *strings.Builder, cells []string) {
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func milliseconds(d time.Duration) string {
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func countRange(low, high int64) string {
	if low == high {
		return fmt.Sprint(high)
	}
	return fmt.Sprintf("%d–%d", low, high)
}

// throttled counts the 429 responses of both phases, over all tenants.
func throttled(r Result) int64 {
	return r.First.Total.Throttled + r.Again.Total.Throttled +
		r.First.Unattributed.Throttled + r.Again.Unattributed.Throttled
}

// otherErrors counts the other failed requests of both phases, including
// those of no known tenant.
func otherErrors(r Result) int64 {
	return r.First.Total.Errors + r.Again.Total.Errors +
		r.First.Unattributed.Errors + r.Again.Unattributed.Errors
}
