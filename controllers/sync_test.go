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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

func TestFirstSyncPatchesOnlyDrift(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{
		"alreadyRight": "on",
		"changeMe":     "old",
		"settings":     map[string]any{"mode": "audit", "keep": 7},
		"untouched":    "not in the spec",
	})
	key := tn.security(t, "first", map[string]any{
		"alreadyRight": "on",
		"changeMe":     "new",
		"settings":     map[string]any{"mode": "enforce"},
		"added":        []any{1, 2},
	})

	obj := waitForReason(t, key, v1alpha1.ReasonSynced)

	g.Expect(tn.patches()).To(HaveLen(1))
	body := tn.patches()[0]
	g.Expect(body).To(HaveKeyWithValue("@odata.type", "#microsoft.graph.security"))
	g.Expect(body).To(HaveKey("changeMe"))
	g.Expect(body).To(HaveKey("added"))
	g.Expect(body).To(HaveKeyWithValue("settings", map[string]any{"mode": "enforce", "keep": float64(7)}))
	g.Expect(body).NotTo(HaveKey("alreadyRight"))
	g.Expect(body).NotTo(HaveKey("untouched"))

	g.Expect(tn.graphValue("untouched")).To(Equal("not in the spec"))
	g.Expect(obj.Status.ID).NotTo(BeEmpty())
	g.Expect(obj.Status.LastSyncTime).NotTo(BeNil())
	g.Expect(obj.Status.LastPatchTime).NotTo(BeNil())
	g.Expect(obj.Status.DriftedProperties).To(BeEmpty())
	g.Expect(obj.Status.OriginalProperties).To(HaveLen(3))
	g.Expect(string(obj.Status.OriginalProperties["changeMe"].Raw)).To(Equal(`"old"`))
	g.Expect(obj.Status.OriginalProperties).To(HaveKey("added"))
	g.Expect(obj.Status.OriginalProperties["added"].Raw).To(BeEmpty(), "null: Graph had no value")
	g.Expect(obj.Status.OriginalProperties["settings"].Raw).To(MatchJSON(`{"mode":"audit","keep":7}`))
	g.Expect(condition(obj, v1alpha1.ConditionReconciling)).To(BeNil())
	g.Expect(condition(obj, v1alpha1.ConditionStalled)).To(BeNil())
}

func TestInSyncResyncMakesNoPatch(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "steady", map[string]any{"level": 3})
	waitForReason(t, key, v1alpha1.ReasonSynced)
	before := tn.counts()

	requestResync(t, key)

	after := tn.counts()
	g.Expect(after.Get - before.Get).To(Equal(int64(1)))
	g.Expect(after.Patch - before.Patch).To(BeZero())
	g.Expect(after.Token-before.Token).To(BeZero(), "the cached token is reused")
}

func TestOutOfBandChangeIsCorrected(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 0})
	key := tn.security(t, "drift", map[string]any{"level": 3})
	first := waitForReason(t, key, v1alpha1.ReasonSynced)
	tn.setGraph(t, map[string]any{"level": 1})

	requestResync(t, key)

	obj := waitForReason(t, key, v1alpha1.ReasonSynced)
	g.Expect(tn.graphValue("level")).To(Equal(float64(3)))
	g.Expect(tn.patches()).To(HaveLen(2))
	g.Expect(string(obj.Status.OriginalProperties["level"].Raw)).
		To(Equal(string(first.Status.OriginalProperties["level"].Raw)), "the first original is kept")
}

func TestReportPolicyNeverPatches(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 1})
	key := tn.security(t, "report", map[string]any{"level": 3, "other": "x"},
		func(s *v1alpha1.Security) { s.Spec.DriftPolicy = v1alpha1.DriftPolicyReport })

	obj := waitForReason(t, key, v1alpha1.ReasonDriftDetected)

	g.Expect(obj.Status.DriftedProperties).To(Equal([]string{"level", "other"}))
	g.Expect(condition(obj, v1alpha1.ConditionStalled)).NotTo(BeNil())
	g.Expect(tn.counts().Patch).To(BeZero())
	g.Expect(tn.graphValue("level")).To(Equal(float64(1)))
	g.Expect(obj.Status.OriginalProperties).To(BeEmpty())

	// Report mode is what the user requested, so the drift is logged as
	// information, not as an error with a stack trace.
	g.Eventually(func() string { return logs.String() }, timeout, interval).
		Should(ContainSubstring("driftPolicy Report leaves it"))
	g.Expect(stalledLogLine(tn.namespace)).To(BeEmpty())
}

func TestPatch204RecordsID(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{PatchStatus: 204})
	key := tn.security(t, "no-content", map[string]any{"level": 2})

	obj := waitForReason(t, key, v1alpha1.ReasonSynced)

	g.Expect(obj.Status.ID).To(Equal(graphEmulator.AddTenant(tn.id)))
	counts := tn.counts()
	g.Expect(counts.Patch).To(Equal(int64(1)))
	g.Expect(counts.Get).To(Equal(int64(2)), "one GET to diff, one to read back after 204")
}

func TestNormalisedPropertyIsNotPatchedAgain(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{
		Lowercase: []string{"mode"},
		Drop:      []string{"ignored"},
	})
	key := tn.security(t, "normalised", map[string]any{"mode": "Enforce", "ignored": true, "fine": 1})

	obj := waitForReason(t, key, v1alpha1.ReasonNotApplied)
	g.Expect(obj.Status.NotAppliedProperties).To(Equal([]string{"ignored", "mode"}))
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring("ignored, mode"))

	for range 3 {
		requestResync(t, key)
	}
	g.Expect(tn.counts().Patch).To(Equal(int64(1)), "no PATCH until the spec changes")

	obj = get(t, key)
	base := obj.DeepCopy()
	obj.Spec.Properties = jsonProperties(t, map[string]any{"mode": "enforce", "fine": 1})
	g.Expect(k8s.Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())
	waitForReason(t, key, v1alpha1.ReasonSynced)
	g.Expect(tn.counts().Patch).To(Equal(int64(1)), "the lowercase value already matches")
}

func TestSuspendStopsGraphCalls(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "suspended", map[string]any{"level": 2},
		func(s *v1alpha1.Security) { s.Spec.Suspend = true })

	obj := waitForReason(t, key, v1alpha1.ReasonSuspended)
	requestResync(t, key)

	g.Expect(condition(obj, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionFalse))
	counts := tn.counts()
	g.Expect(counts.Get + counts.Patch + counts.Token).To(BeZero())
}

func TestStatusUpdateDoesNotReconcile(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "quiet", map[string]any{"level": 2})
	obj := waitForReason(t, key, v1alpha1.ReasonSynced)
	before := tn.counts()

	base := obj.DeepCopy()
	obj.Status.DriftedProperties = []string{"written-by-someone-else"}
	g.Expect(k8s.Status().Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())
	obj = get(t, key)
	base = obj.DeepCopy()
	obj.Labels = map[string]string{"team": "blue"}
	g.Expect(k8s.Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())

	g.Consistently(func() int64 { return tn.counts().Get - before.Get }, 2*time.Second, interval).
		Should(BeZero())
}

func TestSpecAndMetadataUntouched(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "gitops", map[string]any{"level": 2, "settings": map[string]any{"a": 1}})
	created := get(t, key)

	obj := waitForReason(t, key, v1alpha1.ReasonSynced)

	g.Expect(obj.Spec).To(Equal(created.Spec))
	g.Expect(obj.Generation).To(Equal(created.Generation))
	g.Expect(obj.Labels).To(Equal(created.Labels))
	g.Expect(obj.Annotations).To(Equal(created.Annotations))
	g.Expect(obj.Finalizers).To(BeEmpty(), "deletionPolicy Orphan needs no finalizer")
}
