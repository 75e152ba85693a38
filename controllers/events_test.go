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

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// TestDriftEventOnlyWhenTenantMoves checks that a spec change is patched
// without a DriftDetected event, and that a change made in the tenant
// behind the operator's back gets one.
func TestDriftEventOnlyWhenTenantMoves(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 0})
	key := tn.security(t, "events", map[string]any{"level": 3})
	waitForReason(t, key, v1alpha1.ReasonSynced)

	obj := get(t, key)
	base := obj.DeepCopy()
	obj.Spec.Properties = jsonProperties(t, map[string]any{"level": 4})
	g.Expect(k8s.Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())
	g.Eventually(func() any { return tn.graphValue("level") }, timeout, interval).Should(Equal(float64(4)))
	g.Eventually(func() []string { return eventReasons(t, tn.namespace) }, timeout, interval).
		Should(HaveEach("Patched"))
	g.Eventually(func() []string { return eventReasons(t, tn.namespace) }, timeout, interval).
		Should(HaveLen(2), "one Patched event for the first sync and one for the spec change")

	tn.setGraph(t, map[string]any{"level": 1})
	requestResync(t, key)

	g.Eventually(func() []string { return eventReasons(t, tn.namespace) }, timeout, interval).
		Should(ConsistOf("Patched", "Patched", v1alpha1.ReasonDriftDetected, "Patched"))
	g.Expect(tn.graphValue("level")).To(Equal(float64(4)))
}

// eventReasons lists the reasons of the events in namespace.
func eventReasons(t *testing.T, namespace string) []string {
	t.Helper()
	list := &eventsv1.EventList{}
	NewWithT(t).Expect(k8s.List(context.Background(), list, client.InNamespace(namespace))).To(Succeed())
	reasons := make([]string, 0, len(list.Items))
	for _, e := range list.Items {
		reasons = append(reasons, e.Reason)
	}
	return reasons
}

// TestEventWhenStallCauseChanges fixes one problem of a stalled Security
// and meets the next under the same reason: each cause gets its Event,
// while a cause that repeats gets none.
func TestEventWhenStallCauseChanges(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "causes", map[string]any{"level": 1},
		func(s *v1alpha1.Security) { s.Spec.Credentials.SecretRef.Name = "missing" })
	waitForReason(t, key, v1alpha1.ReasonCredentialsInvalid)
	g.Eventually(func() []string { return eventNotes(t, tn.namespace) }, timeout, interval).
		Should(ConsistOf(ContainSubstring("not found")))

	// The Secret now exists but lacks the clientID key.
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: tn.namespace, Name: "missing"}}
	secret.Data = map[string][]byte{v1alpha1.SecretKeyClientSecret: []byte(tn.clientSecret)}
	g.Expect(k8s.Create(context.Background(), secret)).To(Succeed())
	g.Eventually(func() []string { return eventNotes(t, tn.namespace) }, timeout, interval).
		Should(ConsistOf(ContainSubstring("not found"), ContainSubstring(v1alpha1.SecretKeyClientID)))

	// The same cause again, from a resync, adds no Event.
	requestResync(t, key)
	g.Expect(eventNotes(t, tn.namespace)).To(HaveLen(2))
}

// eventNotes lists the notes of the events in namespace.
func eventNotes(t *testing.T, namespace string) []string {
	t.Helper()
	list := &eventsv1.EventList{}
	NewWithT(t).Expect(k8s.List(context.Background(), list, client.InNamespace(namespace))).To(Succeed())
	notes := make([]string, 0, len(list.Items))
	for _, e := range list.Items {
		notes = append(notes, e.Note)
	}
	return notes
}
