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

// Package manifests_test checks the committed manifests under config/: that
// they match what controller-gen generates from the code, and that what
// kustomize renders from them is consistent and safe to install.
package manifests_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/securityoperator/security-operator/internal/controlplane"
)

// Names that config/default gives the manager's objects.
const (
	systemNamespace = "security-operator-system"
	deploymentName  = "security-operator-controller-manager"
	serviceAccount  = "security-operator-controller-manager"
)

// moduleRoot returns the repository's root folder.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := controlplane.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// render runs kustomize on dir, as `kustomize build dir` would, and returns
// the objects it outputs.
func render(t *testing.T, dir string) []*unstructured.Unstructured {
	t.Helper()
	kustomizer := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := kustomizer.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("failed to render %s: %v", dir, err)
	}
	var objects []*unstructured.Unstructured
	for _, res := range resources.Resources() {
		object, err := res.Map()
		if err != nil {
			t.Fatalf("failed to read an object rendered from %s: %v", dir, err)
		}
		objects = append(objects, &unstructured.Unstructured{Object: object})
	}
	return objects
}

// renderDefault renders config/default.
func renderDefault(t *testing.T) []*unstructured.Unstructured {
	t.Helper()
	return render(t, filepath.Join(moduleRoot(t), "config", "default"))
}

// renderDefaultWithComponents renders a copy of config/default with the
// given optional components enabled, as a user would by uncommenting them.
func renderDefaultWithComponents(t *testing.T, components ...string) []*unstructured.Unstructured {
	t.Helper()
	g := NewWithT(t)
	config := filepath.Join(t.TempDir(), "config")
	g.Expect(os.CopyFS(config, os.DirFS(filepath.Join(moduleRoot(t), "config")))).To(Succeed())
	path := filepath.Join(config, "default", "kustomization.yaml")
	data, err := os.ReadFile(path)
	g.Expect(err).NotTo(HaveOccurred())
	kustomization := map[string]any{}
	g.Expect(yaml.Unmarshal(data, &kustomization)).To(Succeed())
	existing, _ := kustomization["components"].([]any)
	for _, c := range components {
		g.Expect(existing).NotTo(ContainElement(c), "component %s is enabled by default", c)
		existing = append(existing, c)
	}
	kustomization["components"] = existing
	data, err = yaml.Marshal(kustomization)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(os.WriteFile(path, data, 0o600)).To(Succeed())
	return render(t, filepath.Join(config, "default"))
}

// find returns the rendered object of the given kind and name, converted
// into out, and fails the test when there is none.
func find(t *testing.T, objects []*unstructured.Unstructured, kind, name string, out any) {
	t.Helper()
	for _, obj := range objects {
		if obj.GetKind() != kind || obj.GetName() != name {
			continue
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, out); err != nil {
			t.Fatalf("failed to convert %s %s: %v", kind, name, err)
		}
		return
	}
	t.Fatalf("no %s named %s in the rendered manifests", kind, name)
}

// ofKind returns the rendered objects of the given kind, converted to T.
func ofKind[T any](t *testing.T, objects []*unstructured.Unstructured, kind string) []*T {
	t.Helper()
	var out []*T
	for _, obj := range objects {
		if obj.GetKind() != kind {
			continue
		}
		typed := new(T)
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, typed); err != nil {
			t.Fatalf("failed to convert %s %s: %v", kind, obj.GetName(), err)
		}
		out = append(out, typed)
	}
	return out
}
