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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestThrottleOutlastsEvents changes the Secret and the spec while Graph
// throttles the tenant. Each change starts a reconcile at once, and none
// may call Graph before the Retry-After has passed.
func TestThrottleOutlastsEvents(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	// Three 429s use up the client's attempts within one call, so the
	// reconcile ends Throttled and must wait the Retry-After again.
	faults := repeat(emulator.Fault{Kind: "get", Status: 429, RetryAfter: "2"}, 3)
	s := startFaultScenario(t, faults...)
	waitForReason(t, s.key, v1alpha1.ReasonThrottled)

	s.tn.writeSecret(t, s.tn.clientSecret+" ")
	s.spec["level"] = 4
	obj := get(t, s.key)
	base := obj.DeepCopy()
	obj.Spec.Properties = jsonProperties(t, s.spec)
	g.Expect(k8s.Patch(t.Context(), obj, client.MergeFrom(base))).To(Succeed())

	waitForReason(t, s.key, v1alpha1.ReasonSynced)
	g.Expect(s.tn.graphValue("level")).To(BeNumerically("==", 4))
	g.Expect(s.tn.counts().Throttled).To(Equal(int64(3)))
	expectRetryAfterHonoured(t, s.tn, faults)
}

// TestSuspendWhileThrottled checks that suspending a throttled Security
// takes effect at once rather than after Graph's Retry-After, because
// suspending makes no Graph call.
func TestSuspendWhileThrottled(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	// A Retry-After above the client's in-call limit ends the reconcile at
	// once, Throttled for a minute.
	s := startFaultScenario(t, emulator.Fault{Kind: "get", Status: 429, RetryAfter: "60"})
	waitForReason(t, s.key, v1alpha1.ReasonThrottled)

	obj := get(t, s.key)
	base := obj.DeepCopy()
	obj.Spec.Suspend = true
	g.Expect(k8s.Patch(t.Context(), obj, client.MergeFrom(base))).To(Succeed())
	waitForReason(t, s.key, v1alpha1.ReasonSuspended)
	g.Expect(s.tn.counts().Get).To(Equal(int64(1)), "no Graph call after the 429")
}

// throttledFor makes the emulator return 429 to every Graph request of the
// tenant, with a Retry-After of a minute. That is longer than the client
// waits within a call, so the next reconcile ends Throttled at once.
func throttledFor(tn *tenant) {
	throttle := emulator.Fault{Status: 429, RetryAfter: "60"}
	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{Faults: repeat(throttle, 50)})
}

// TestRestoreWaitsForThrottle deletes a throttled Security with
// deletionPolicy Restore, then requests a resync: neither may call Graph
// within the Retry-After.
func TestRestoreWaitsForThrottle(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 1})
	key := tn.security(t, "restore-throttled", map[string]any{"level": 5}, restorePolicy)
	waitForReason(t, key, v1alpha1.ReasonSynced)
	throttledFor(tn)
	requestResync(t, key)
	waitForReason(t, key, v1alpha1.ReasonThrottled)
	throttled := tn.counts().Throttled

	g.Expect(k8s.Delete(t.Context(), get(t, key))).To(Succeed())
	obj := get(t, key)
	base := obj.DeepCopy()
	obj.Annotations = map[string]string{v1alpha1.AnnotationRequestedAt: "during-the-wait"}
	g.Expect(k8s.Patch(t.Context(), obj, client.MergeFrom(base))).To(Succeed())
	g.Consistently(func() int64 { return tn.counts().Throttled }, 2*time.Second, interval).
		Should(Equal(throttled), "Graph requests within the Retry-After")

	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{})
	obj = get(t, key)
	base = obj.DeepCopy()
	obj.Annotations[v1alpha1.AnnotationSkipRestore] = "true"
	g.Expect(k8s.Patch(t.Context(), obj, client.MergeFrom(base))).To(Succeed())
	waitGone(t, key)
}

// TestPeerWaitsForThrottledTenant deletes the Security that manages a
// throttled tenant. Its peer takes the tenant over, and must wait for the
// Retry-After that Graph gave the same app in the same tenant.
func TestPeerWaitsForThrottledTenant(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 1})
	owner := tn.security(t, "owner", map[string]any{"level": 5})
	waitForReason(t, owner, v1alpha1.ReasonSynced)
	peer := tn.security(t, "peer", map[string]any{"level": 5})
	waitForReason(t, peer, v1alpha1.ReasonConflict)
	throttledFor(tn)
	requestResync(t, owner)
	waitForReason(t, owner, v1alpha1.ReasonThrottled)
	counts := tn.counts()

	g.Expect(k8s.Delete(t.Context(), get(t, owner))).To(Succeed())
	waitGone(t, owner)
	g.Consistently(func() int64 { return tn.counts().Get + tn.counts().Patch }, 2*time.Second, interval).
		Should(Equal(counts.Get+counts.Patch), "the peer's Graph requests within the Retry-After")
}
