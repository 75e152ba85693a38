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
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
)

// TestGeneratedManifestsUpToDate runs controller-gen into a temporary folder
// and compares its output with the committed CRDs and manager ClusterRole,
// so that a change to the API types or RBAC markers without `make
// manifests` fails. The generator arguments must stay those of the
// Makefile's manifests target.
func TestGeneratedManifestsUpToDate(t *testing.T) {
	controllerGen := os.Getenv("CONTROLLER_GEN")
	if controllerGen == "" {
		t.Skip("CONTROLLER_GEN is not set; `make test` sets it to the pinned controller-gen")
	}
	g := NewWithT(t)
	root := moduleRoot(t)
	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), controllerGen,
		"rbac:roleName=manager-role", "crd", "webhook", "paths=./...",
		"output:crd:artifacts:config="+filepath.Join(out, "crd"),
		"output:rbac:artifacts:config="+filepath.Join(out, "rbac"),
		"output:webhook:artifacts:config="+filepath.Join(out, "webhook"))
	cmd.Dir = root

	output, err := cmd.CombinedOutput()

	g.Expect(err).NotTo(HaveOccurred(), "controller-gen failed:\n%s", output)
	expectSameFiles(t, filepath.Join(out, "crd"), filepath.Join(root, "config", "crd", "bases"))
	expectSameFile(t, filepath.Join(out, "rbac", "role.yaml"),
		filepath.Join(root, "config", "rbac", "role.yaml"))
	g.Expect(filepath.Join(out, "webhook")).NotTo(BeADirectory(),
		"controller-gen generated webhook manifests, which config/ does not install")
}

// expectSameFiles checks that the committed folder holds exactly the
// generated YAML files, with the same content.
func expectSameFiles(t *testing.T, generated, committed string) {
	t.Helper()
	g := NewWithT(t)
	want, err := filepath.Glob(filepath.Join(generated, "*.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	got, err := filepath.Glob(filepath.Join(committed, "*.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(want).NotTo(BeEmpty())
	g.Expect(baseNames(got)).To(ConsistOf(baseNames(want)),
		"%s holds other files than controller-gen generates; run `make manifests`", committed)
	for _, file := range want {
		expectSameFile(t, file, filepath.Join(committed, filepath.Base(file)))
	}
}

// expectSameFile checks that a committed file equals the generated one.
func expectSameFile(t *testing.T, generated, committed string) {
	t.Helper()
	g := NewWithT(t)
	want, err := os.ReadFile(generated)
	g.Expect(err).NotTo(HaveOccurred())
	got, err := os.ReadFile(committed)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(string(got)).To(Equal(string(want)), "%s is stale; run `make manifests`", committed)
}

func baseNames(paths []string) []string {
	names := make([]string, 0, len(paths))
	for _, path := range paths {
		names = append(names, filepath.Base(path))
	}
	return names
}
