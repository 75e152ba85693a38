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

package manifests_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/controlplane"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// renderSamples renders config/samples.
func renderSamples(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	return render(t, filepath.Join(moduleRoot(t), "config", "samples"))
}

// TestSamplesUseEmulatorDemoTenant checks that the samples name the tenant
// and app that the Graph emulator registers, so that they work against it.
func TestSamplesUseEmulatorDemoTenant(t *testing.T) {
	g := NewWithT(t)
	objects := renderSamples(t)
	security := &v1alpha1.Security{}
	find(t, objects, "Security", "demo", security)
	secret := &corev1.Secret{}
	find(t, objects, "Secret", "demo-credentials", secret)

	g.Expect(security.Spec.TenantID).To(Equal(emulator.DemoTenantID))
	g.Expect(security.Spec.Credentials.SecretRef).To(Equal(&v1alpha1.SecretReference{Name: secret.Name}))
	g.Expect(security.Spec.DeletionPolicy).To(Equal(v1alpha1.DeletionPolicyRestore))
	g.Expect(security.Spec.Properties).NotTo(BeEmpty())
	g.Expect(secret.StringData).To(Equal(map[string]string{
		v1alpha1.SecretKeyClientID:     emulator.DemoClientID,
		v1alpha1.SecretKeyClientSecret: emulator.DemoClientSecret,
	}))
}

// TestSamplesPassAdmission creates the samples in a real API server with
// the CRD and its admission policy installed.
func TestSamplesPassAdmission(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set; `make test` sets it")
	}
	g := NewWithT(t)
	env := controlplane.Start(t)
	namespace := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "samples"}}
	g.Expect(env.Client.Create(t.Context(), namespace)).To(Succeed())

	for _, obj := range renderSamples(t) {
		obj.SetNamespace(namespace.Name)
		g.Expect(env.Client.Create(t.Context(), obj)).To(Succeed(), "%s %s", obj.GetKind(), obj.GetName())
	}
}
