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
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

func TestGraphErrorsBecomeReasons(t *testing.T) {
	cases := []struct {
		name      string
		behaviour emulator.Behaviour
		reason    string
		code      string
		stalled   bool
	}{
		{
			name:      "forbidden",
			behaviour: emulator.Behaviour{Faults: []emulator.Fault{{Kind: "get", Status: 403}}},
			reason:    v1alpha1.ReasonPermissionDenied,
			code:      "Authorization_RequestDenied",
			stalled:   true,
		},
		{
			name:      "rejected property",
			behaviour: emulator.Behaviour{Reject: []string{"level"}},
			reason:    v1alpha1.ReasonPropertiesRejected,
			code:      "BadRequest",
			stalled:   true,
		},
		{
			name:      "unauthorized",
			behaviour: emulator.Behaviour{Faults: repeat(emulator.Fault{Kind: "get", Status: 401}, 20)},
			reason:    v1alpha1.ReasonAuthenticationFailed,
			code:      "InvalidAuthenticationToken",
			// Graph rejected an issued token: the operator retries with a
			// new one instead of stalling.
		},
		{
			name:      "throttled",
			behaviour: emulator.Behaviour{Budget: 1, BudgetWindow: time.Hour, RetryAfter: "30"},
			reason:    v1alpha1.ReasonThrottled,
			code:      "TooManyRequests",
		},
		{
			name:      "unavailable",
			behaviour: emulator.Behaviour{Faults: repeat(emulator.Fault{Kind: "get", Status: 503}, 50)},
			reason:    v1alpha1.ReasonGraphUnavailable,
			code:      "serviceNotAvailable",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			tn := newTenant(t)
			graphEmulator.SetBehaviour(tn.id, tc.behaviour)
			key := tn.security(t, "errors", map[string]any{"level": 2})

			obj := waitForReason(t, key, tc.reason)

			ready := condition(obj, v1alpha1.ConditionReady)
			g.Expect(ready.Message).To(ContainSubstring(tc.code))
			g.Expect(ready.Message).To(MatchRegexp(`request-id [0-9a-f-]{36}`))
			g.Expect(condition(obj, v1alpha1.ConditionStalled) != nil).To(Equal(tc.stalled))
			g.Expect(condition(obj, v1alpha1.ConditionReconciling) != nil).To(Equal(!tc.stalled))
			g.Expect(ready.Message).NotTo(ContainSubstring(tn.clientSecret))
			g.Expect(warningEvents(t, tn.namespace, tc.reason)).To(Equal(1))
		})
	}
}

func TestWrongSecretIsAuthenticationFailed(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.writeSecret(t, "not-the-right-secret")
	key := tn.security(t, "wrong", map[string]any{"level": 2})

	obj := waitForReason(t, key, v1alpha1.ReasonAuthenticationFailed)

	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring("invalid_client"))
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).NotTo(ContainSubstring("not-the-right-secret"))
	g.Expect(tn.counts().Get).To(BeZero())

	tn.writeSecret(t, tn.clientSecret)
	waitForReason(t, key, v1alpha1.ReasonSynced)
}

func TestMissingCredentials(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "missing", map[string]any{"level": 2},
		func(s *v1alpha1.Security) { s.Spec.Credentials.SecretRef.Name = "does-not-exist" })

	obj := waitForReason(t, key, v1alpha1.ReasonCredentialsInvalid)
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).
		To(ContainSubstring(fmt.Sprintf("Secret %s/does-not-exist not found", tn.namespace)))

	secret := &corev1.Secret{}
	secret.Namespace, secret.Name = tn.namespace, "does-not-exist"
	secret.Data = map[string][]byte{v1alpha1.SecretKeyClientID: []byte(tn.clientID)}
	g.Expect(k8s.Create(context.Background(), secret)).To(Succeed())
	g.Eventually(func() string {
		return condition(get(t, key), v1alpha1.ConditionReady).Message
	}, timeout, interval).Should(ContainSubstring("needs the key clientSecret"))

	secret.Data[v1alpha1.SecretKeyClientSecret] = []byte(tn.clientSecret)
	g.Expect(k8s.Update(context.Background(), secret)).To(Succeed())
	waitForReason(t, key, v1alpha1.ReasonSynced)
}

func TestRotatedSecretTriggersResync(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "rotate", map[string]any{"level": 2})
	waitForReason(t, key, v1alpha1.ReasonSynced)
	before := tn.counts()

	rotated := "rotated-" + tn.clientSecret
	graphEmulator.AddSecretApp(tn.id, tn.clientID, rotated)
	tn.writeSecret(t, rotated)

	g.Eventually(func() int64 { return tn.counts().Token - before.Token }, timeout, interval).
		Should(Equal(int64(1)), "the new secret gets a new token")
	g.Eventually(func() int64 { return tn.counts().Get - before.Get }, timeout, interval).
		Should(Equal(int64(1)))
	waitForReason(t, key, v1alpha1.ReasonSynced)
}

func repeat(f emulator.Fault, n int) []emulator.Fault {
	out := make([]emulator.Fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// warningEvents counts the Warning events with the reason in a namespace.
func warningEvents(t *testing.T, namespace, reason string) int {
	t.Helper()
	var count int
	NewWithT(t).Eventually(func(g Gomega) {
		var list corev1.EventList
		g.Expect(k8s.List(context.Background(), &list, client.InNamespace(namespace))).To(Succeed())
		count = 0
		for _, e := range list.Items {
			if e.Type == corev1.EventTypeWarning && e.Reason == reason {
				count++
			}
		}
		g.Expect(count).To(BeNumerically(">", 0))
	}, timeout, interval).Should(Succeed())
	return count
}
