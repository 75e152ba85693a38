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

package v1alpha1_test

import (
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// readKStatus reads the Security and returns it with its kstatus result.
func readKStatus(t *testing.T, key client.ObjectKey) (*unstructured.Unstructured, status.Status) {
	t.Helper()
	g := NewWithT(t)
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("Security"))
	g.Expect(env.Client.Get(t.Context(), key, u)).To(Succeed())
	res, err := status.Compute(u)
	g.Expect(err).NotTo(HaveOccurred())
	return u, res.Status
}

func readyStatus(generation int64) map[string]any {
	return map[string]any{
		"observedGeneration": generation,
		"conditions": []any{map[string]any{
			"type": "Ready", "status": "True", "reason": "Synced", "message": "in sync",
			"observedGeneration": generation, "lastTransitionTime": "2026-12-04T00:00:00Z",
		}},
	}
}

// TestApplyWithStatusStaysInProgress checks that a manifest carrying a
// Ready status, as one exported from another cluster, does not read as
// Current: create drops the status and the default takes its place.
func TestApplyWithStatusStaysInProgress(t *testing.T) {
	g := NewWithT(t)
	obj := newSecurity(validSpec())
	obj.SetGenerateName("")
	obj.SetName("applied-with-status")
	obj.Object["status"] = readyStatus(1)
	g.Expect(env.Client.Apply(t.Context(), client.ApplyConfigurationFromUnstructured(obj),
		client.FieldOwner("status-test"), client.ForceOwnership)).To(Succeed())
	key := client.ObjectKeyFromObject(obj)

	u, st := readKStatus(t, key)
	observed, found, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
	g.Expect(found).To(BeTrue())
	g.Expect(observed).To(BeZero())
	_, hasConditions, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	g.Expect(hasConditions).To(BeFalse(), "create drops status")
	g.Expect(st).To(Equal(status.InProgressStatus))

	// Applying again, status and all, changes nothing and keeps the object
	// in progress.
	again := newSecurity(validSpec())
	again.SetGenerateName("")
	again.SetName("applied-with-status")
	again.Object["status"] = readyStatus(1)
	g.Expect(env.Client.Apply(t.Context(), client.ApplyConfigurationFromUnstructured(again),
		client.FieldOwner("status-test"), client.ForceOwnership)).To(Succeed())
	g.Expect(again.GetGeneration()).To(Equal(u.GetGeneration()))
	_, st = readKStatus(t, key)
	g.Expect(st).To(Equal(status.InProgressStatus))
}

// TestStatusLifecycleKStatus walks the status subresource through the
// operator's writes and checks kstatus at each step.
func TestStatusLifecycleKStatus(t *testing.T) {
	g := NewWithT(t)
	obj := newSecurity(validSpec())
	g.Expect(env.Client.Create(t.Context(), obj)).To(Succeed())
	key := client.ObjectKeyFromObject(obj)

	// A status write that sets only conditions leaves observedGeneration 0.
	patch := []byte(`{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Synced",` +
		`"message":"in sync","observedGeneration":1,"lastTransitionTime":"2026-12-04T00:00:00Z"}]}}`)
	g.Expect(env.Client.Status().Patch(t.Context(), obj, client.RawPatch(types.MergePatchType, patch))).
		To(Succeed())
	_, st := readKStatus(t, key)
	g.Expect(st).To(Equal(status.InProgressStatus), "observedGeneration 0 is behind generation 1")

	// The operator's write of the observed generation makes it Current.
	patch = []byte(`{"status":{"observedGeneration":1}}`)
	g.Expect(env.Client.Status().Patch(t.Context(), obj, client.RawPatch(types.MergePatchType, patch))).
		To(Succeed())
	_, st = readKStatus(t, key)
	g.Expect(st).To(Equal(status.CurrentStatus))

	// Stalled reads as Failed.
	patch = []byte(`{"status":{"conditions":[{"type":"Ready","status":"False","reason":"PermissionDenied",` +
		`"message":"403","observedGeneration":1,"lastTransitionTime":"2026-12-04T00:00:00Z"},` +
		`{"type":"Stalled","status":"True","reason":"PermissionDenied","message":"403",` +
		`"observedGeneration":1,"lastTransitionTime":"2026-12-04T00:00:00Z"}]}}`)
	g.Expect(env.Client.Status().Patch(t.Context(), obj, client.RawPatch(types.MergePatchType, patch))).
		To(Succeed())
	_, st = readKStatus(t, key)
	g.Expect(st).To(Equal(status.FailedStatus))

	// Clearing status returns the default, and so InProgress.
	patch = []byte(`{"status":null}`)
	g.Expect(env.Client.Status().Patch(t.Context(), obj, client.RawPatch(types.MergePatchType, patch))).
		To(Succeed())
	u, st := readKStatus(t, key)
	observed, found, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
	g.Expect(found).To(BeTrue())
	g.Expect(observed).To(BeZero())
	g.Expect(st).To(Equal(status.InProgressStatus))
}
