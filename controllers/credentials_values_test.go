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
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestCredentialsSwapped writes the client secret under clientID and the
// client ID under clientSecret. The operator must reject the Secret before
// any token request, because the token endpoint's error would echo the
// client secret, and no condition, Event or log line may contain it.
func TestCredentialsSwapped(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.writeSecretData(t, map[string][]byte{
		v1alpha1.SecretKeyClientID:     []byte(tn.clientSecret),
		v1alpha1.SecretKeyClientSecret: []byte(tn.clientID),
	})
	key := tn.security(t, "swapped", map[string]any{"level": 1})

	obj := waitForReasonWithoutMessage(t, key, v1alpha1.ReasonCredentialsInvalid)
	warningEvents(t, tn.namespace, v1alpha1.ReasonCredentialsInvalid)

	sources, err := leakSources(context.Background())
	g.Expect(err).NotTo(HaveOccurred())
	for name, text := range sources {
		// Contains, not ContainSubstring, keeps the secret out of a failure message.
		g.Expect(strings.Contains(text, tn.clientSecret)).To(BeFalse(), "the client secret in %s", name)
	}
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(Equal(
		"invalid credentials: Secret " + tn.namespace + "/" + tn.secretName +
			": key clientID is not a GUID such as 8b1e0f6a-0c1d-4e8b-9a51-3f2f4e1c2d3b." +
			" Check that clientID and clientSecret are not swapped"))
	g.Expect(condition(obj, v1alpha1.ConditionStalled)).NotTo(BeNil())
	g.Expect(tn.counts()).To(Equal(emulator.Counts{}), "requests to the emulator")

	tn.writeSecret(t, tn.clientSecret)
	waitForReason(t, key, v1alpha1.ReasonSynced)
}

// TestCredentialsTrailingNewline writes both values with the trailing
// newline that `kubectl create secret --from-file` keeps. The emulator
// accepts only the exact client ID and secret, so Synced shows that the
// operator trimmed both.
func TestCredentialsTrailingNewline(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.writeSecretData(t, map[string][]byte{
		v1alpha1.SecretKeyClientID:     []byte(tn.clientID + "\n"),
		v1alpha1.SecretKeyClientSecret: []byte(tn.clientSecret + "\n"),
	})
	key := tn.security(t, "newline", map[string]any{"level": 2})

	waitForReason(t, key, v1alpha1.ReasonSynced)

	g.Expect(tn.graphValue("level")).To(Equal(float64(2)))
	g.Expect(tn.counts().Token).To(Equal(int64(1)), "token requests")
}

// TestCredentialsBothKinds writes a valid client secret and a valid
// certificate pair, both registered on the app. Either alone would sync,
// so only the rule of one kind per Secret can reject it.
func TestCredentialsBothKinds(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	certPEM, keyPEM := rsaCertificatePair(t)
	graphEmulator.AddCertificateApp(tn.id, tn.clientID, certPEM)
	tn.writeSecretData(t, map[string][]byte{
		v1alpha1.SecretKeyClientID:     []byte(tn.clientID),
		v1alpha1.SecretKeyClientSecret: []byte(tn.clientSecret),
		v1alpha1.SecretKeyCertificate:  certPEM,
		v1alpha1.SecretKeyPrivateKey:   keyPEM,
	})
	key := tn.security(t, "both", map[string]any{"level": 3})

	obj := waitForReason(t, key, v1alpha1.ReasonCredentialsInvalid)

	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(Equal(
		"invalid credentials: Secret " + tn.namespace + "/" + tn.secretName +
			" has both clientSecret and tls.crt/tls.key." +
			" Keep only clientSecret, or only the pair tls.crt and tls.key"))
	g.Expect(condition(obj, v1alpha1.ConditionStalled)).NotTo(BeNil())
	g.Expect(tn.counts()).To(Equal(emulator.Counts{}), "requests to the emulator")
}

// writeSecretData replaces the data of the tenant's credentials Secret.
func (tn *tenant) writeSecretData(t *testing.T, data map[string][]byte) {
	t.Helper()
	g := NewWithT(t)
	secret := &corev1.Secret{}
	key := types.NamespacedName{Namespace: tn.namespace, Name: tn.secretName}
	g.Expect(k8s.Get(context.Background(), key, secret)).To(Succeed())
	secret.Data = data
	g.Expect(k8s.Update(context.Background(), secret)).To(Succeed())
}

// waitForReasonWithoutMessage works like waitForReason, but a timeout
// reports only the reason, because the message might contain a secret.
func waitForReasonWithoutMessage(t *testing.T, key types.NamespacedName, reason string) *v1alpha1.Security {
	t.Helper()
	obj := &v1alpha1.Security{}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(k8s.Get(context.Background(), key, obj)).To(Succeed())
		ready := meta.FindStatusCondition(obj.Status.Conditions, v1alpha1.ConditionReady)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Reason).To(Equal(reason))
		g.Expect(ready.ObservedGeneration).To(Equal(obj.Generation))
	}, timeout, interval).Should(Succeed())
	return obj
}

// rsaCertificatePair returns a self-signed certificate and its PKCS#1 RSA
// key, both in PEM.
func rsaCertificatePair(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	g := NewWithT(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	g.Expect(err).NotTo(HaveOccurred())
	template := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "security-operator test app"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	g.Expect(err).NotTo(HaveOccurred())
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	return certPEM, keyPEM
}
