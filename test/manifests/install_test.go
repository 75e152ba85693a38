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
	"testing"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/internal/controlplane"
)

// TestDefaultAppliesToAPIServer applies everything that config/default
// renders, which is what dist/install.yaml holds, to a real API server with
// server-side apply, so that each object passes the server's own schema
// and validation, not only kustomize's.
func TestDefaultAppliesToAPIServer(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set; `make test` sets it")
	}
	env := controlplane.Start(t)
	objects := renderDefault(t)
	// The namespace comes first, so that the namespaced objects have one.
	for _, kind := range []string{"Namespace", ""} {
		for _, obj := range objects {
			if (kind == "Namespace") != (obj.GetKind() == "Namespace") {
				continue
			}
			err := env.Client.Apply(t.Context(), client.ApplyConfigurationFromUnstructured(obj),
				client.FieldOwner("install-test"), client.ForceOwnership)
			NewWithT(t).Expect(err).NotTo(HaveOccurred(), "%s %s", obj.GetKind(), obj.GetName())
		}
	}
}
