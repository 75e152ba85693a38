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

package demo_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/controlplane"
	"github.com/securityoperator/security-operator/internal/demo"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestDemoOnce runs the demo as `make demo` does, in its non-interactive
// mode, and checks what a user would read: the sample became Ready, the
// tenant changed as the sample requests, and nothing is left behind.
func TestDemoOnce(t *testing.T) {
	g := NewWithT(t)
	root, err := controlplane.ModuleRoot()
	g.Expect(err).NotTo(HaveOccurred())
	kubectl := findKubectl(t)

	var out bytes.Buffer
	err = demo.Run(t.Context(), demo.Options{
		Root:         root,
		Kubectl:      kubectl,
		Once:         true,
		ReadyTimeout: 2 * time.Minute,
		Out:          &out,
	})
	text := out.String()
	g.Expect(err).NotTo(HaveOccurred(), "demo output:\n%s", text)

	g.Expect(text).To(ContainSubstring("condition met"), "kubectl wait saw Ready")
	g.Expect(text).To(MatchRegexp(`(?m)^\s+demo\s+`+regexp.QuoteMeta(emulator.DemoTenantID)+`\s+True\s+Synced`),
		"kubectl get securities -o wide shows the sample Ready")
	before, after := tenantViews(t, text)
	// The emulator's view is printed with sorted keys.
	endpoint := `"provider": "Microsoft Defender for Endpoint"`
	g.Expect(before).To(MatchRegexp(`"enabled": false,\s+` + endpoint))
	g.Expect(after).To(MatchRegexp(`"enabled": true,\s+` + endpoint))
	g.Expect(text).To(ContainSubstring("Done: the sample is Ready"))
	g.Expect(text).NotTo(ContainSubstring(emulator.DemoClientSecret))

	kubeconfig := regexp.MustCompile(`kubeconfig (\S+)`).FindStringSubmatch(text)
	g.Expect(kubeconfig).To(HaveLen(2))
	_, err = os.Stat(filepath.Dir(kubeconfig[1]))
	g.Expect(os.IsNotExist(err)).To(BeTrue(), "the demo's folder is removed: %v", err)
}

// tenantViews returns the emulator's view of the demo tenant before and
// after the operator ran, as the demo printed them.
func tenantViews(t *testing.T, text string) (before, after string) {
	t.Helper()
	re := regexp.MustCompile(`(?s)The demo tenant before the operator runs.*?\n(.*?)\n==> .*` +
		`The demo tenant now.*?\n(.*?)\n==> `)
	m := re.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the demo did not print the tenant before and after:\n%s", text)
	}
	return m[1], m[2]
}

func findKubectl(t *testing.T) string {
	t.Helper()
	candidate := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	if _, err := os.Stat(candidate); err == nil {
		return candidate
	}
	path, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatal("no kubectl: run `make envtest`, which builds one next to kube-apiserver")
	}
	return path
}
