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

	"github.com/google/uuid"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

func TestSecretDeletedThenRecreated(t *testing.T) {
	g := NewWithT(t)
	s := startFaultScenario(t)
	waitForReason(t, s.key, v1alpha1.ReasonSynced)
	before := s.tn.counts()

	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: s.tn.namespace, Name: s.tn.secretName}}
	g.Expect(k8s.Delete(context.Background(), secret)).To(Succeed())

	obj := waitForReason(t, s.key, v1alpha1.ReasonCredentialsInvalid)
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).
		To(Equal("invalid credentials: Secret " + s.tn.namespace + "/" + s.tn.secretName + " not found"))
	g.Expect(condition(obj, v1alpha1.ConditionStalled)).NotTo(BeNil())
	g.Expect(s.tn.counts()).To(Equal(before), "requests to the emulator without a Secret")

	s.tn.writeSecret(t, s.tn.clientSecret)
	s.expectRecovered(t)
}

func TestSecretKeyMissing(t *testing.T) {
	cases := []struct {
		name    string
		drop    string
		message string
	}{
		{name: "client secret", drop: v1alpha1.SecretKeyClientSecret, message: "needs the key clientSecret"},
		{name: "client ID", drop: v1alpha1.SecretKeyClientID, message: "has no key clientID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			s := startFaultScenario(t)
			waitForReason(t, s.key, v1alpha1.ReasonSynced)
			before := s.tn.counts()

			secret := &corev1.Secret{}
			key := types.NamespacedName{Namespace: s.tn.namespace, Name: s.tn.secretName}
			g.Expect(k8s.Get(context.Background(), key, secret)).To(Succeed())
			delete(secret.Data, tc.drop)
			g.Expect(k8s.Update(context.Background(), secret)).To(Succeed())

			obj := waitForReason(t, s.key, v1alpha1.ReasonCredentialsInvalid)
			g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring(tc.message))
			g.Expect(condition(obj, v1alpha1.ConditionStalled)).NotTo(BeNil())
			g.Expect(s.tn.counts()).To(Equal(before), "requests to the emulator without the key")

			s.tn.writeSecret(t, s.tn.clientSecret)
			s.expectRecovered(t)
		})
	}
}

// TestSecretRotatedToNewSecret registers a second secret on the app, as an
// administrator rotating with overlap would, and writes it to the Secret.
// The emulator names the secret behind each token, which shows that every
// request after the rotation uses the new secret.
func TestSecretRotatedToNewSecret(t *testing.T) {
	g := NewWithT(t)
	s := startFaultScenario(t)
	waitForReason(t, s.key, v1alpha1.ReasonSynced)
	rotatedAt := len(graphEmulator.Requests(s.tn.id))

	rotated := "rotated-" + uuid.NewString()
	graphEmulator.AddSecretApp(s.tn.id, s.tn.clientID, rotated)
	s.tn.clientSecret = rotated
	s.tn.writeSecret(t, rotated)
	s.secretChanges++
	g.Eventually(func() []string { return s.credentialsSince(rotatedAt, emulator.KindToken) },
		timeout, interval).Should(ContainElement("secret 1"))
	requestResync(t, s.key)

	g.Expect(s.credentialsSince(rotatedAt, emulator.KindToken)).To(Equal([]string{"secret 1"}),
		"credentials of the token requests after the rotation")
	g.Expect(s.credentialsSince(rotatedAt, emulator.KindGet)).To(HaveEach("secret 1"),
		"credentials behind the Graph requests after the rotation")
	g.Expect(s.credentialsSince(rotatedAt, emulator.KindGet)).NotTo(BeEmpty())
	s.expectRecovered(t)
}

// TestSecretRotatedToWrongSecret writes a secret the app does not have. The
// operator must drop the credential that still holds a valid token, stall
// with AuthenticationFailed, and recover when the Secret is fixed.
func TestSecretRotatedToWrongSecret(t *testing.T) {
	g := NewWithT(t)
	s := startFaultScenario(t)
	waitForReason(t, s.key, v1alpha1.ReasonSynced)
	before := s.tn.counts()

	wrong := "wrong-" + uuid.NewString()
	s.tn.writeSecret(t, wrong)
	s.secretChanges++

	obj := s.expectFailure(t, v1alpha1.ReasonAuthenticationFailed, "invalid_client", true)
	message := condition(obj, v1alpha1.ConditionReady).Message
	g.Expect(message).To(ContainSubstring("AADSTS7000215"))
	g.Expect(message).NotTo(ContainSubstring(wrong))
	g.Expect(condition(obj, v1alpha1.ConditionStalled)).NotTo(BeNil())
	g.Expect(s.tn.counts().Get).To(Equal(before.Get), "Graph requests with the old token")

	s.tn.writeSecret(t, s.tn.clientSecret)
	s.secretChanges++
	s.expectRecovered(t)
}

// credentialsSince returns the credential names of the tenant's requests of
// one kind, from the given position of its request log on.
func (s *faultScenario) credentialsSince(position int, kind string) []string {
	var out []string
	for _, r := range graphEmulator.Requests(s.tn.id)[position:] {
		if r.Kind == kind {
			out = append(out, r.Credential)
		}
	}
	return out
}
