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

	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestManagerKilledWhilePatchWaits holds the operator's PATCH open in the
// emulator, kills the manager with SIGKILL, and starts a new one. The
// originals recorded before the PATCH must survive, and the new manager
// must never record as original a value the operator wrote, whether Graph
// stored the killed PATCH or not.
func TestManagerKilledWhilePatchWaits(t *testing.T) {
	cases := []struct {
		name   string
		fault  emulator.Fault
		stored bool
		// patches is the number of PATCHes in the end: the killed one, and
		// a new one unless Graph already stored the first.
		patches int
	}{
		{name: "before Graph stores it", fault: emulator.Fault{Kind: "patch", Hang: true}, patches: 2},
		{
			name:   "after Graph stored it",
			fault:  emulator.Fault{Kind: "patch", Hang: true, AfterApply: true},
			stored: true, patches: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			before := map[string]any{"level": 1, "mode": "audit", "untouched": "keep"}
			spec := map[string]any{"level": 3, "mode": "enforce", "added": true}
			tn := newTenant(t, before)
			graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{Faults: []emulator.Fault{tc.fault}})
			first := startManager(t)
			key := tn.security(t, spec)

			g.Eventually(func() int { return graphEmulator.Hanging(tn.id) }, timeout, interval).Should(Equal(1))
			if tc.stored {
				g.Expect(tn.graph(t)).To(HaveKeyWithValue("level", float64(3)))
			} else {
				g.Expect(tn.graph(t)).To(HaveKeyWithValue("level", float64(1)))
			}
			g.Expect(first.kill()).To(Succeed())
			recorded := get(t, key).Status.OriginalProperties
			g.Expect(recorded).To(HaveKey("level"), "originals persisted before the PATCH")
			g.Expect(string(recorded["level"].Raw)).To(Equal("1"))
			g.Eventually(func() int { return graphEmulator.Hanging(tn.id) }, timeout, interval).Should(BeZero())

			second := startManager(t)

			tn.expectInvariants(t, key, before, spec)
			g.Expect(tn.patches(t)).To(HaveLen(tc.patches))
			g.Expect(second.logged("Patched the security object", tn.namespace)).To(Equal(!tc.stored))
			g.Expect(second.running()).To(BeTrue(), second.exitDescription)
		})
	}
}
