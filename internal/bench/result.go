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
	"time"

	"github.com/securityoperator/security-operator/internal/emulator"
)

// RoundTrips is the number of sequential Graph round trips of a tenant's
// first sync when PATCH returns 200: a token request, a GET and a PATCH.
const RoundTrips = 3

// Result is the measurement of one fleet size.
type Result struct {
	// Tenants is the fleet size.
	Tenants int
	// Latency and Concurrency are the settings the fleet ran with.
	Latency     time.Duration
	Concurrency int

	// Create is the time the harness took to create every Secret and
	// Security.
	Create time.Duration
	// Ready is the time from the first create until the harness saw the
	// last Security become Ready.
	Ready time.Duration
	// Resync is the time from the first requested-at annotation until the
	// harness saw the last Security report that it handled it.
	Resync time.Duration

	// First and Again are the emulator's request counts of the first sync
	// and of the forced resync.
	First, Again RequestStats
	// APIFirst and APIAgain are the manager's Kubernetes API requests, by
	// HTTP method, during the first sync and during the resync.
	APIFirst, APIAgain map[string]float64

	// BaselineRSS is the manager's resident set size, in bytes, once its
	// workers started and before any Security existed.
	BaselineRSS int64
	// PeakRSS is the manager's peak resident set size (VmHWM), in bytes,
	// read after the resync.
	PeakRSS int64
	// FileRSS is the manager's resident memory backed by files, mostly its
	// executable, in bytes (RssFile), read after the resync.
	FileRSS int64
	// HeapInUse is the manager's Go heap in use after the resync, in bytes,
	// from its go_memstats_heap_inuse_bytes metric.
	HeapInUse float64
	// CPU is the manager's user plus system CPU time over its whole life.
	CPU time.Duration
	// MachineFirst is the whole machine's CPU use during the first sync,
	// from the first create until the last Ready: the control plane, the
	// emulator, the harness and the manager together.
	MachineFirst CPUUse
	// ManagerCPUFirst is the manager's CPU time over the same span.
	ManagerCPUFirst time.Duration
	// ReconcileFirst and ReconcileAgain are the mean durations of the
	// manager's reconciles during the first sync and during the resync,
	// from its controller_runtime_reconcile_time_seconds metric.
	ReconcileFirst, ReconcileAgain time.Duration
}

// RequestStats summarises the emulator's per-tenant request counts of one
// phase.
type RequestStats struct {
	// Min and Max are the lowest and highest count of each kind over the
	// tenants, taken kind by kind.
	Min, Max emulator.Counts
	// Total sums each kind over the tenants.
	Total emulator.Counts
	// MaxRoundTrips is the highest number of token, GET and PATCH requests
	// of a single tenant.
	MaxRoundTrips int64
	// Unattributed counts requests whose tenant the emulator could not tell,
	// such as Graph requests with an unknown token.
	Unattributed emulator.Counts
}

// Bound returns the lower bound of the time until all tenants are Ready:
// tenants × RoundTrips × latency / concurrency. It assumes that the Graph
// latency is the only cost, that each reconcile sends its round trips one
// after another, and that all concurrency workers stay busy from the first
// to the last tenant.
func Bound(tenants, concurrency int, latency time.Duration) time.Duration {
	if concurrency < 1 {
		return 0
	}
	return time.Duration(int64(tenants) * RoundTrips * int64(latency) / int64(concurrency))
}

// Bound returns the lower bound of r's time until all Ready.
func (r Result) Bound() time.Duration {
	return Bound(r.Tenants, r.Concurrency, r.Latency)
}

// Ratio returns the measured time until all Ready divided by the bound, or
// 0 when the bound is 0.
func (r Result) Ratio() float64 {
	b := r.Bound()
	if b <= 0 {
		return 0
	}
	return float64(r.Ready) / float64(b)
}

// GrowthPerTenant returns the manager's peak RSS above its baseline divided
// by the number of tenants, in bytes.
func (r Result) GrowthPerTenant() float64 {
	return float64(r.PeakRSS-r.BaselineRSS) / float64(r.Tenants)
}

// APIPerTenant returns the Kubernetes API requests per tenant of one phase,
// summed over the HTTP methods.
func APIPerTenant(byMethod map[string]float64, tenants int) float64 {
	total := 0.0
	for _, v := range byMethod {
		total += v
	}
	return total / float64(tenants)
}
