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

package controllers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestManagingSecurityKeepsTenant creates a second Security for a tenant
// right after the first one synced, with a name that sorts first, so that
// it wins any tie of creation timestamps. The first one must keep the
// tenant, and a restore must bring back the value from before either.
func TestManagingSecurityKeepsTenant(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"x": "tenant-original"})
	ownerKey := tn.security(t, "zz", map[string]any{"x": "from-zz"}, restorePolicy)
	waitForReason(t, ownerKey, v1alpha1.ReasonSynced)

	latecomerKey := tn.security(t, "aa", map[string]any{"x": "from-aa"}, restorePolicy)

	latecomer := waitForReason(t, latecomerKey, v1alpha1.ReasonConflict)
	g.Expect(condition(latecomer, v1alpha1.ConditionReady).Message).To(ContainSubstring(tn.namespace + "/zz"))
	g.Expect(latecomer.Status.OriginalProperties).To(BeEmpty(), "the latecomer recorded nothing")
	g.Expect(tn.graphValue("x")).To(Equal("from-zz"))
	requestResync(t, ownerKey)
	g.Expect(condition(get(t, ownerKey), v1alpha1.ConditionReady).Reason).To(Equal(v1alpha1.ReasonSynced))

	g.Expect(k8s.Delete(context.Background(), get(t, latecomerKey))).To(Succeed())
	waitGone(t, latecomerKey)
	g.Expect(k8s.Delete(context.Background(), get(t, ownerKey))).To(Succeed())
	waitGone(t, ownerKey)
	g.Expect(tn.graphValue("x")).To(Equal("tenant-original"))
}

// TestRejectedPatchRecordsNoOriginals checks that a PATCH Graph rejects
// leaves no original values behind, so that a later restore does not send
// a property Graph rejects.
func TestRejectedPatchRecordsNoOriginals(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"good": "orig"})
	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{Reject: []string{"typoProp"}})
	key := tn.security(t, "rejected", map[string]any{"typoProp": 1, "good": "new"}, restorePolicy)

	obj := waitForReason(t, key, v1alpha1.ReasonPropertiesRejected)
	g.Expect(obj.Status.OriginalProperties).To(BeEmpty())

	base := obj.DeepCopy()
	obj.Spec.Properties = jsonProperties(t, map[string]any{"good": "new"})
	g.Expect(k8s.Update(context.Background(), obj)).To(Succeed(), "from %v", base.Spec.Properties)
	obj = waitForReason(t, key, v1alpha1.ReasonSynced)
	g.Expect(obj.Status.OriginalProperties).To(HaveLen(1))
	g.Expect(string(obj.Status.OriginalProperties["good"].Raw)).To(Equal(`"orig"`))

	g.Expect(k8s.Delete(context.Background(), obj)).To(Succeed())
	waitGone(t, key)
	g.Expect(tn.graphValue("good")).To(Equal("orig"))
}

// TestTinyRetryAfterDoesNotLoop keeps a tenant throttled with a Retry-After
// of a millisecond. Each throttled reconcile doubles its delay from one
// second, so a few seconds hold only a few reconciles of 3 attempts each,
// where a requeue after Graph's delay alone would send hundreds.
func TestTinyRetryAfterDoesNotLoop(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{
		Budget: 1, BudgetWindow: time.Hour, RetryAfter: "0.001",
	})
	key := tn.security(t, "throttled", map[string]any{"level": 2})
	waitForReason(t, key, v1alpha1.ReasonThrottled)

	time.Sleep(5 * time.Second)

	// Reconciles at about 0, 1, 3 and 7 seconds: at most 4 in this window.
	g.Expect(tn.counts().Throttled).To(BeNumerically("<=", 4*3), "429 responses")
}

// TestNestedCaseDuplicateIsInvalidSpec checks that an object value with
// two keys equal ignoring case stops with InvalidSpec before any Graph
// call, instead of sending one of them and reporting NotApplied.
func TestNestedCaseDuplicateIsInvalidSpec(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "case", map[string]any{"cfg": map[string]any{"level": "A", "LEVEL": "B"}})

	obj := waitForReason(t, key, v1alpha1.ReasonInvalidSpec)

	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).
		To(Equal(`spec.properties.cfg has more than one key "level" ignoring case; ` +
			`Graph matches names without regard to case`))
	g.Expect(condition(obj, v1alpha1.ConditionStalled)).NotTo(BeNil())
	g.Expect(tn.counts().Patch).To(BeZero())
}

// TestSimultaneousSecuritiesOneOwner creates two Securities for a tenant
// back to back, as one kubectl apply of both does, for several tenants.
// Exactly one may write to the tenant, and only it records originals.
func TestSimultaneousSecuritiesOneOwner(t *testing.T) {
	for i := range 5 {
		t.Run(fmt.Sprint("tenant ", i), func(t *testing.T) {
			g := NewWithT(t)
			tn := newTenant(t)
			tn.setGraph(t, map[string]any{"x": "orig"})
			zz := tn.security(t, "zz", map[string]any{"x": "zzval"}, restorePolicy)
			aa := tn.security(t, "aa", map[string]any{"x": "aaval"}, restorePolicy)

			var reasons []string
			g.Eventually(func() []string {
				reasons = []string{readyReason(get(t, zz)), readyReason(get(t, aa))}
				return reasons
			}, timeout, interval).Should(ConsistOf(v1alpha1.ReasonSynced, v1alpha1.ReasonConflict))

			g.Expect(tn.patches()).To(HaveLen(1), "one PATCH, by the owner")
			owner, loser := get(t, zz), get(t, aa)
			if reasons[0] == v1alpha1.ReasonConflict {
				owner, loser = loser, owner
			}
			g.Expect(loser.Status.OriginalProperties).To(BeEmpty())
			g.Expect(string(owner.Status.OriginalProperties["x"].Raw)).To(Equal(`"orig"`))

			g.Expect(k8s.Delete(context.Background(), owner)).To(Succeed())
			waitGone(t, client.ObjectKeyFromObject(owner))
			g.Expect(k8s.Delete(context.Background(), get(t, client.ObjectKeyFromObject(loser)))).To(Succeed())
			waitGone(t, client.ObjectKeyFromObject(loser))
			g.Expect(tn.graphValue("x")).To(Equal("orig"))
		})
	}
}

func readyReason(obj *v1alpha1.Security) string {
	if c := condition(obj, v1alpha1.ConditionReady); c != nil {
		return c.Reason
	}
	return ""
}
