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

package faults

import (
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/types"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestAPIServerRestartDuringReconciles stops the API server while
// reconciles of several tenants wait for Graph, so that each reconcile
// reads Graph with the API server down and cannot record the original
// values. No PATCH may go out until they are recorded, and every tenant
// must reach its spec once the API server is back.
func TestAPIServerRestartDuringReconciles(t *testing.T) {
	g := NewWithT(t)
	before := map[string]any{"level": 1, "mode": "audit", "untouched": "keep"}
	spec := map[string]any{"level": 3, "mode": "enforce", "added": true}
	// The first GET of each tenant hangs until the Graph timeout, which is
	// longer than the API server takes to stop.
	m := startManager(t, "--graph-timeout=10s")
	tenants := make([]*tenant, 4)
	keys := make([]types.NamespacedName, len(tenants))
	for i := range tenants {
		tenants[i] = newTenant(t, before)
		graphEmulator.SetBehaviour(tenants[i].id, emulator.Behaviour{
			Faults: []emulator.Fault{{Kind: "get", Hang: true}},
		})
		keys[i] = tenants[i].security(t, spec)
	}
	for _, tn := range tenants {
		g.Eventually(func() int { return graphEmulator.Hanging(tn.id) }, timeout, interval).Should(Equal(1))
	}

	g.Expect(cp.StopAPIServer()).To(Succeed())
	stopped := true
	defer func() {
		if stopped {
			_ = cp.StartAPIServer()
		}
	}()
	for _, tn := range tenants {
		g.Expect(graphEmulator.Hanging(tn.id)).To(Equal(1), "GETs still waiting when the API server stopped")
	}
	for _, tn := range tenants {
		g.Eventually(func() bool { return m.logged("Reconciler error", tn.namespace) }, timeout, interval).
			Should(BeTrue(), "a reconcile of %s failed to write status", tn.namespace)
		g.Expect(tn.counts().Get).To(Equal(int64(2)), "the GET that hung and its retry")
		g.Expect(tn.counts().Patch).To(BeZero(), "PATCHes before the originals were recorded")
	}

	g.Expect(cp.StartAPIServer()).To(Succeed())
	stopped = false

	for i, tn := range tenants {
		tn.expectInvariants(t, keys[i], before, spec)
		g.Expect(tn.patches(t)).To(HaveLen(1))
	}
	g.Expect(m.running()).To(BeTrue(), m.exitDescription)
	g.Expect(waitForReason(t, keys[0], v1alpha1.ReasonSynced).Status.LastPatchTime).NotTo(BeNil())
}
