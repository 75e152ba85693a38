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
