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
	"context"
	"testing"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// leaseAcquired is the message the manager logs when it becomes the
// leader.
const leaseAcquired = `"msg":"Successfully acquired lease"`

// TestLeaderElectionHandOver runs two replicas with leader election. Only
// the leader may patch Graph. After the leader is killed with SIGKILL, the
// standby takes over once the lease expires and applies a spec change.
func TestLeaderElectionHandOver(t *testing.T) {
	g := NewWithT(t)
	args := []string{"--leader-elect", "--leader-election-namespace=default"}
	first := startManager(t, args...)
	g.Eventually(func() bool { return first.logged(leaseAcquired) }, timeout, interval).Should(BeTrue())
	second := startManager(t, args...)
	before := map[string]any{"level": 1, "mode": "audit"}
	spec := map[string]any{"level": 3, "mode": "enforce"}
	tn := newTenant(t, before)
	key := tn.security(t, spec)

	tn.expectInvariants(t, key, before, spec)
	g.Expect(tn.patches(t)).To(HaveLen(1))
	g.Expect(first.logged("Patched the security object", tn.namespace)).To(BeTrue())
	g.Expect(second.logged("Patched the security object")).To(BeFalse(), "the standby patched")
	g.Expect(second.logged(leaseAcquired)).To(BeFalse(), "the standby took the lease")

	g.Expect(first.kill()).To(Succeed())
	changed := map[string]any{"level": 4, "mode": "enforce"}
	obj := get(t, key)
	base := obj.DeepCopy()
	obj.Spec.Properties["level"] = apiextensionsv1.JSON{Raw: []byte("4")}
	g.Expect(cp.Client.Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())

	g.Eventually(func() bool { return second.logged(leaseAcquired) }, timeout, interval).Should(BeTrue())
	tn.expectInvariants(t, key, before, changed, spec)
	g.Expect(tn.patches(t)).To(HaveLen(2))
	g.Expect(second.logged("Patched the security object", tn.namespace)).To(BeTrue())
	g.Expect(waitForReason(t, key, v1alpha1.ReasonSynced).Generation).To(Equal(int64(2)))
}
