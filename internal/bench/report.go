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
	"maps"
	"slices"
	"strings"
	"time"
)

// Meta describes a benchmark run for the report.
type Meta struct {
	// Machine is the computer the run used.
	Machine Machine
	// Date is when the run started.
	Date time.Time
	// Command is the command line that started the run.
	Command string
	// Config is the run's configuration.
	Config Config
}

// Report renders docs/benchmarks.md: the machine, the date, the command,
// the table, the targets and how to read the numbers.
func Report(results []Result, meta Meta) string {
	var b strings.Builder
	b.WriteString(`# Benchmarks

The benchmark harness runs the operator against a fleet of emulated
tenants. For each fleet size it starts an envtest control plane, the Graph
emulator with a fixed latency per request, and the manager as its own
process, built from this repository. It creates one Secret and one Security
per tenant. Each Security specifies three properties that differ from the
emulator's state. The harness waits until every Security is Ready, then
forces one resync of every Security with the
` + "`graph.securityoperator.io/requested-at`" + ` annotation, and counts the
Graph requests of each tenant in both phases.

Run it with ` + "`make bench`" + ` and pass flags in BENCH_ARGS, such as
` + "`make bench BENCH_ARGS=\"-tenants 100 -latency 20ms -out /tmp/bench.md\"`" + `.
` + "`go run ./hack/bench -h`" + ` lists the flags. Without ` + "`-out`" + `, the harness
rewrites this file, so rerun it instead of editing the numbers, and give
trial runs their own ` + "`-out`" + ` file.
`)
	writeMachine(&b, meta)
	b.WriteString("\n## Results\n\n")
	b.WriteString(Table(results))
	b.WriteString(columnNotes)
	writeChecks(&b, Checks(results))
	writeExplanation(&b, results, meta.Config)
	return b.String()
}

func writeMachine(b *strings.Builder, meta Meta) {
	m := meta.Machine
	c := meta.Config
	fmt.Fprintf(b, "\n## Run\n\n")
	fmt.Fprintf(b, "- Date: %s\n", meta.Date.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(b, "- Machine: %d CPUs", m.CPUs)
	if m.CPUModel != "" {
		fmt.Fprintf(b, " (%s)", m.CPUModel)
	}
	if m.MemoryBytes > 0 {
		fmt.Fprintf(b, ", %.1f GiB memory", float64(m.MemoryBytes)/(1<<30))
	}
	fmt.Fprintf(b, ", %s/%s", m.OS, m.Arch)
	if m.Kernel != "" {
		fmt.Fprintf(b, ", kernel %s", m.Kernel)
	}
	fmt.Fprintf(b, "\n- Go: %s, for the harness and the manager\n", m.GoVersion)
	fmt.Fprintf(b, "- Command: `%s`\n", meta.Command)
	fmt.Fprintf(b, "- Settings: emulator latency %s per request; manager flags "+
		"`--max-concurrent-reconciles=%d --kube-api-qps=%g --kube-api-burst=%d`",
		c.Latency, c.Concurrency, c.KubeQPS, c.KubeBurst)
	if len(c.ManagerArgs) > 0 {
		fmt.Fprintf(b, " and `%s`", strings.Join(c.ManagerArgs, " "))
	}
	fmt.Fprintf(b, "; the harness creates and annotates at most %g objects per second; "+
		"Graph budget %d requests per minute per tenant\n", c.CreateQPS, graphBudget)
	b.WriteString("- The control plane, the emulator, the harness and the manager share the machine.\n")
}

const columnNotes = `
Columns:

- **create**: time the harness took to create all Secrets and Securities.
- **all Ready**: time from the first create until the harness saw the last
  Security become Ready. It overlaps create.
- **bound** and **ratio**: see below.
- **resync**: time from the first requested-at annotation until the harness
  saw the last Security report that it handled it.
- **mean reconcile**: the manager's mean reconcile duration in each phase.
- Request counts at Graph and at the login host (token, discovery) are per
  tenant: the highest over the tenants, or a range when tenants differ.
- **discovery**: the tenant discovery request (OpenID configuration) that
  the Azure SDK sends before a credential's first token request.
- **API requests**: the manager's Kubernetes API requests per tenant
  (rest_client_requests_total) in each phase.
- **RSS above baseline per tenant**: the peak RSS above the manager's RSS
  before the first Security existed, divided by the tenants. It includes
  costs that do not grow with the fleet, so it falls as the fleet grows;
  the growth target below uses the slope between fleet sizes instead.
- **binary RSS**: resident pages of the manager's executable file
  (RssFile) after the resync. Most of them are resident before the first
  Security exists.
- **heap in use**: the Go heap after the resync, live objects and garbage
  not yet collected.
- **CPU**: the manager's user and system time over its whole life.
- **machine CPU busy first sync**: the share of the machine's CPU time,
  over all CPUs, that was not idle from the first create until the last
  Ready (/proc/stat).
`

func writeChecks(b *strings.Builder, checks []Check) {
	b.WriteString("\n## Targets\n\n| target | measured | result |\n| --- | --- | --- |\n")
	for _, c := range checks {
		fmt.Fprintf(b, "| %s | %s | %s |\n", c.Target, c.Measured, c.Status)
	}
}

// writeExplanation explains the bound and states, for each fleet size, the
// floor that the manager's Kubernetes API rate limit sets, computed from
// the measured requests.
func writeExplanation(b *strings.Builder, results []Result, c Config) {
	fmt.Fprintf(b, `
## How to read the numbers

The bound is tenants × %d × latency / concurrency. A first sync needs a
token request, a GET and a PATCH that returns 200, one after another, and
each waits at least the emulator's latency. At most concurrency
(--max-concurrent-reconciles) reconciles run at once, and the bound assumes
all of them busy from the first tenant to the last. It leaves out
everything else a reconcile waits for: the tenant discovery request, the
Kubernetes API requests, CPU time and the harness's own creates. A ratio
near 1 is therefore the best possible, and a high ratio means that one of
those other costs dominates.
`, RoundTrips)
	if sentence := discoverySentence(results); sentence != "" {
		b.WriteString("\n" + wrap(sentence, 76) + "\n")
	}
	for _, r := range results {
		text := apiFloorSentence(r, c) + " " + cpuSentence(r) + " " + memorySentence(r)
		b.WriteString("\n" + wrap(strings.TrimSpace(strings.ReplaceAll(text, "  ", " ")), 76) + "\n")
	}
	b.WriteString("\n" + wrap("The harness measures only PATCH answers with 200; a 204 answer makes "+
		"the client read the object back, a fourth round trip.", 76) + "\n")
}

// apiFloorSentence states the time that the manager's client-side rate
// limit alone needs for the Security updates of the first sync. The manager
// sends its status updates as PUT requests. controller-runtime (v0.25)
// gives each resource type its own REST client, and client-go (v0.37) gives
// each REST client its own token bucket of --kube-api-qps and
// --kube-api-burst, so the PUTs of all Securities share one bucket.
func apiFloorSentence(r Result, c Config) string {
	puts := r.APIFirst["PUT"]
	floor := max(0, puts-float64(c.KubeBurst)) / c.KubeQPS
	limit := "so they fit within the burst"
	if floor > 0 {
		limit = "so they alone need at least " + seconds(time.Duration(floor*float64(time.Second)))
	}
	return fmt.Sprintf("At %d tenants the first sync took %s against a bound of %s, and a reconcile "+
		"took %s on average. The manager sent %.2f Kubernetes API requests per tenant in the first "+
		"sync (%s) and %.2f in the resync (%s). "+
		"Its %.2f PUTs per tenant, the status updates of the Securities, share one client-side "+
		"rate limit of %g per second with a burst of %d, %s.",
		r.Tenants, seconds(r.Ready), seconds(r.Bound()), milliseconds(r.ReconcileFirst),
		APIPerTenant(r.APIFirst, r.Tenants), byMethod(r.APIFirst, r.Tenants),
		APIPerTenant(r.APIAgain, r.Tenants), byMethod(r.APIAgain, r.Tenants),
		puts/float64(r.Tenants), c.KubeQPS, c.KubeBurst, limit)
}

// byMethod lists the requests per tenant of each HTTP method, such as
// "1.00 GET, 2.00 PUT".
func byMethod(requests map[string]float64, tenants int) string {
	var parts []string
	for _, m := range slices.Sorted(maps.Keys(requests)) {
		parts = append(parts, fmt.Sprintf("%.2f %s", requests[m]/float64(tenants), m))
	}
	return strings.Join(parts, ", ")
}

// cpuSentence states how busy the machine was during the first sync and
// the manager's part of it, or "" when /proc/stat could not be read. A
// machine near 100% busy means that CPU, not Graph latency, set the pace.
func cpuSentence(r Result) string {
	if r.MachineFirst.Busy <= 0 {
		return ""
	}
	return fmt.Sprintf("During the first sync the machine's CPUs were %.0f%% busy: %s of CPU time, "+
		"of which the manager used %s and the control plane, the emulator and the harness the rest.",
		100*r.MachineFirst.Share, seconds(r.MachineFirst.Busy), seconds(r.ManagerCPUFirst))
}

// memorySentence splits the peak RSS into the executable's pages, which
// every manager has, and the rest.
func memorySentence(r Result) string {
	return fmt.Sprintf("Of the peak RSS of %.1f MiB, %.1f MiB were pages of the manager's executable "+
		"file, and the Go heap in use was %.1f MiB after the resync.",
		float64(r.PeakRSS)/mib, float64(r.FileRSS)/mib, r.HeapInUse/mib)
}

// discoverySentence states how far the tenant discovery requests raise the
// Graph latency's own floor above the bound, or "" when there were none.
func discoverySentence(results []Result) string {
	var highest int64
	for _, r := range results {
		highest = max(highest, r.First.Max.Discovery)
	}
	if highest == 0 {
		return ""
	}
	return fmt.Sprintf("The first sync of each tenant also sent tenant discovery requests before "+
		"its token request, at most %d per tenant, each one more sequential round trip. So the "+
		"Graph latency alone keeps the ratio at or above %.2f.", highest, float64(RoundTrips+highest)/RoundTrips)
}

// wrap breaks text into lines of at most width characters at spaces.
func wrap(text string, width int) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}
