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
	"context"
	"os"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

// testLog sends the harness's progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestRunSmallFleet runs the whole harness on a small fleet and checks what
// it counted. Times are reported, never asserted.
func TestRunSmallFleet(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run `make test`, which builds kube-apiserver and etcd and sets it")
	}
	g := NewWithT(t)
	const tenants = 8
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	results, err := Run(ctx, Config{
		Tenants:     []int{tenants},
		Latency:     5 * time.Millisecond,
		Concurrency: 4,
		KubeQPS:     DefaultKubeQPS,
		KubeBurst:   DefaultKubeBurst,
		CreateQPS:   100,
		Timeout:     4 * time.Minute,
		Progress:    testLog{t},
	})

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(results).To(HaveLen(1))
	r := results[0]
	t.Logf("results:\n%s", Table(results))
	g.Expect(r.Tenants).To(Equal(tenants))
	g.Expect(r.Ready).To(BeNumerically(">", 0), "every Security became Ready")

	g.Expect(r.First.MaxRoundTrips).To(BeNumerically("<=", RoundTrips), "first sync round trips per tenant")
	g.Expect(r.First.Min.Token).To(BeEquivalentTo(1), "first sync token requests per tenant")
	g.Expect(r.First.Max.Token).To(BeEquivalentTo(1), "first sync token requests per tenant")
	g.Expect(r.First.Min.Patch).To(BeEquivalentTo(1), "first sync PATCH requests per tenant")
	g.Expect(r.First.Max.Patch).To(BeEquivalentTo(1), "first sync PATCH requests per tenant")
	g.Expect(r.First.Total.Throttled).To(BeZero(), "first sync 429 responses")
	g.Expect(r.First.Total.Errors).To(BeZero(), "first sync failed requests")

	g.Expect(r.Again.Min.Get).To(BeEquivalentTo(1), "resync GET requests per tenant")
	g.Expect(r.Again.Max.Get).To(BeEquivalentTo(1), "resync GET requests per tenant")
	g.Expect(r.Again.Max.Patch).To(BeZero(), "resync PATCH requests per tenant")
	g.Expect(r.Again.Max.Token).To(BeZero(), "resync token requests per tenant")
	g.Expect(r.Again.Max.Discovery).To(BeZero(), "resync discovery requests per tenant")
	g.Expect(r.Again.Total.Throttled).To(BeZero(), "resync 429 responses")
	g.Expect(r.Again.Unattributed).To(BeZero(), "resync requests of no known tenant")

	g.Expect(r.PeakRSS).To(BeNumerically(">=", r.BaselineRSS), "peak RSS")
	g.Expect(r.BaselineRSS).To(BeNumerically(">", 0), "baseline RSS")
	g.Expect(r.FileRSS).To(BeNumerically(">", 0), "RSS of the executable")
	g.Expect(r.CPU).To(BeNumerically(">", 0), "manager CPU time")
	g.Expect(r.ManagerCPUFirst).To(BeNumerically("<=", r.CPU), "manager CPU time of the first sync")
	g.Expect(r.MachineFirst.Busy).To(BeNumerically(">=", r.ManagerCPUFirst/2),
		"the machine's busy time includes the manager's, give or take a clock tick per CPU")
	g.Expect(r.MachineFirst.Share).To(BeNumerically(">", 0), "machine CPU share of the first sync")
	g.Expect(r.MachineFirst.Share).To(BeNumerically("<=", 1), "machine CPU share of the first sync")
	g.Expect(r.APIFirst["PUT"]).To(BeNumerically(">=", tenants), "status updates of the first sync")
}
