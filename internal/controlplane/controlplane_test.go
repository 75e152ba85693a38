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
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

func TestModuleRootFromPackageFolder(t *testing.T) {
	g := NewWithT(t)

	root, err := ModuleRoot()

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(filepath.Join(root, "go.mod")).To(BeARegularFile())
	g.Expect(filepath.Join(root, "config", "crd", "bases")).To(BeADirectory())
}

func TestModuleRootSkipsOtherModules(t *testing.T) {
	g := NewWithT(t)
	root, err := ModuleRoot()
	g.Expect(err).NotTo(HaveOccurred())
	t.Chdir(filepath.Join(root, "hack", "envtest", "etcd"))

	nested, err := ModuleRoot()

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(nested).To(Equal(root))
}

func TestNewWithoutAssets(t *testing.T) {
	g := NewWithT(t)
	t.Setenv("KUBEBUILDER_ASSETS", "")

	_, err := New()

	g.Expect(err).To(MatchError(ContainSubstring("KUBEBUILDER_ASSETS is not set")))
	g.Expect(err).To(MatchError(ContainSubstring("make test")))
}

func TestNewWithEmptyAssetsFolder(t *testing.T) {
	g := NewWithT(t)
	t.Setenv("KUBEBUILDER_ASSETS", t.TempDir())

	_, err := New()

	g.Expect(err).To(MatchError(ContainSubstring("has no kube-apiserver")))
	g.Expect(err).To(MatchError(ContainSubstring("make envtest")))
}

func TestStartServesSecurityCRD(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Skip("KUBEBUILDER_ASSETS is not set; `make test` sets it")
	}
	g := NewWithT(t)

	env := Start(t)

	crd := &apiextensionsv1.CustomResourceDefinition{}
	key := client.ObjectKey{Name: "securities." + v1alpha1.GroupVersion.Group}
	g.Expect(env.Client.Get(t.Context(), key, crd)).To(Succeed())
	list := &v1alpha1.SecurityList{}
	g.Expect(env.Client.List(t.Context(), list)).To(Succeed())
	g.Expect(list.Items).To(BeEmpty())
}
