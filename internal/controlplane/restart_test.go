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

package controlplane

import (
	"os"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestRestartAPIServerKeepsDataAndClients(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set; `make test` sets it")
	}
	g := NewWithT(t)
	env := Start(t)
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "survives-restart"},
		Data:       map[string]string{"key": "value"},
	}
	g.Expect(env.Client.Create(t.Context(), cm)).To(Succeed())

	g.Expect(env.StopAPIServer()).To(Succeed())
	g.Expect(env.Client.Get(t.Context(), client.ObjectKeyFromObject(cm), &corev1.ConfigMap{})).
		NotTo(Succeed(), "a read while the API server is stopped")
	g.Expect(env.StartAPIServer()).To(Succeed())

	got := &corev1.ConfigMap{}
	g.Expect(env.Client.Get(t.Context(), client.ObjectKeyFromObject(cm), got)).To(Succeed())
	g.Expect(got.Data).To(Equal(cm.Data))
}
