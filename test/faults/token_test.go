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
	"net"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// TestLoginHostRefused starts a manager whose login host refuses
// connections, as an unreachable token endpoint would, and then one with
// the right login host.
func TestLoginHostRefused(t *testing.T) {
	g := NewWithT(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	g.Expect(err).NotTo(HaveOccurred())
	unreachableURL := "https://" + ln.Addr().String()
	g.Expect(ln.Close()).To(Succeed())
	before := map[string]any{"level": 1}
	spec := map[string]any{"level": 3}
	tn := newTenant(t, before)
	first := startManager(t, "--authority-url="+unreachableURL)
	key := tn.security(t, spec)

	obj := waitForReason(t, key, v1alpha1.ReasonGraphUnavailable)
	ready := meta.FindStatusCondition(obj.Status.Conditions, v1alpha1.ConditionReady)
	g.Expect(ready.Message).To(ContainSubstring("token request failed: the token endpoint refused the connection"))
	g.Expect(meta.FindStatusCondition(obj.Status.Conditions, v1alpha1.ConditionReconciling)).NotTo(BeNil())
	g.Expect(tn.counts().Token+tn.counts().Get).To(BeZero(), "requests that reached the emulator")
	g.Expect(first.stop()).To(Succeed())

	startManager(t)

	tn.expectInvariants(t, key, before, spec)
	g.Expect(tn.patches(t)).To(HaveLen(1))
}
