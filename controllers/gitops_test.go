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
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/gomega"
	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestGitOpsHealth reads Securities in the states real reconciles leave
// them in, and checks what Argo CD (the Lua health check, run in
// gopher-lua as Argo CD runs it) and Flux or kubectl wait (kstatus) make of
// each.
func TestGitOpsHealth(t *testing.T) {
	cases := []struct {
		name      string
		behaviour emulator.Behaviour
		mutate    func(*v1alpha1.Security)
		reason    string
		argo      string
		kstatus   status.Status
	}{
		{name: "synced", reason: v1alpha1.ReasonSynced, argo: "Healthy", kstatus: status.CurrentStatus},
		{
			name:      "permission denied",
			behaviour: emulator.Behaviour{Faults: []emulator.Fault{{Kind: "get", Status: 403}}},
			reason:    v1alpha1.ReasonPermissionDenied,
			argo:      "Degraded",
			kstatus:   status.FailedStatus,
		},
		{
			name:      "graph unavailable",
			behaviour: emulator.Behaviour{Faults: repeat(emulator.Fault{Kind: "get", Status: 503}, 100)},
			reason:    v1alpha1.ReasonGraphUnavailable,
			argo:      "Progressing",
			kstatus:   status.InProgressStatus,
		},
		{
			name:    "suspended",
			mutate:  func(s *v1alpha1.Security) { s.Spec.Suspend = true },
			reason:  v1alpha1.ReasonSuspended,
			argo:    "Suspended",
			kstatus: status.InProgressStatus,
		},
		{
			name:    "drift reported",
			mutate:  func(s *v1alpha1.Security) { s.Spec.DriftPolicy = v1alpha1.DriftPolicyReport },
			reason:  v1alpha1.ReasonDriftDetected,
			argo:    "Degraded",
			kstatus: status.FailedStatus,
		},
	}
	health := readHealthScript(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			tn := newTenant(t)
			graphEmulator.SetBehaviour(tn.id, tc.behaviour)
			var mutate []func(*v1alpha1.Security)
			if tc.mutate != nil {
				mutate = append(mutate, tc.mutate)
			}
			key := tn.security(t, "gitops", map[string]any{"level": 2}, mutate...)
			waitForReason(t, key, tc.reason)
			obj := readUnstructured(t, key)

			argo, message := runHealth(t, health, obj)
			g.Expect(argo).To(Equal(tc.argo), "Argo CD health message: %s", message)
			result, err := status.Compute(obj)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(result.Status).To(Equal(tc.kstatus), "kstatus message: %s", result.Message)
		})
	}
}

func TestGitOpsHealthWhileDeleting(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 1})
	key := tn.security(t, "deleting", map[string]any{"level": 2}, restorePolicy)
	waitForReason(t, key, v1alpha1.ReasonSynced)
	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{Faults: []emulator.Fault{{Kind: "patch", Status: 403}}})
	g.Expect(k8s.Delete(context.Background(), get(t, key))).To(Succeed())
	waitForReason(t, key, v1alpha1.ReasonRestoreFailed)

	argo, _ := runHealth(t, readHealthScript(t), readUnstructured(t, key))
	g.Expect(argo).To(Equal("Degraded"))
	result, err := status.Compute(readUnstructured(t, key))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(result.Status).To(Equal(status.TerminatingStatus))

	obj := get(t, key)
	base := obj.DeepCopy()
	obj.Annotations = map[string]string{v1alpha1.AnnotationSkipRestore: "true"}
	g.Expect(k8s.Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())
	waitGone(t, key)
}

func TestArgoCDSnippetMatchesScript(t *testing.T) {
	g := NewWithT(t)
	raw, err := os.ReadFile(filepath.Join("..", "config", "argocd", "argocd-cm-patch.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	var cm struct {
		Data map[string]string `json:"data"`
	}
	g.Expect(yaml.Unmarshal(raw, &cm)).To(Succeed())
	g.Expect(cm.Data).To(HaveKeyWithValue(
		"resource.customizations.health.graph.securityoperator.io_Security", readHealthScript(t)))
}

func readHealthScript(t *testing.T) string {
	raw, err := os.ReadFile(filepath.Join("..", "config", "argocd", "health.lua"))
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	return string(raw)
}

func readUnstructured(t *testing.T, key types.NamespacedName) *unstructured.Unstructured {
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("Security"))
	NewWithT(t).Expect(k8s.Get(context.Background(), key, obj)).To(Succeed())
	return obj
}

// runHealth runs an Argo CD health script with obj bound as Argo CD binds
// it, and returns the status and message of the table it returns.
func runHealth(t *testing.T, script string, obj *unstructured.Unstructured) (string, string) {
	t.Helper()
	g := NewWithT(t)
	state := lua.NewState(lua.Options{SkipOpenLibs: false})
	defer state.Close()
	state.SetGlobal("obj", toLua(state, obj.Object))
	g.Expect(state.DoString(script)).To(Succeed())
	result, ok := state.Get(-1).(*lua.LTable)
	g.Expect(ok).To(BeTrue(), "the script must return a table")
	return result.RawGetString("status").String(), result.RawGetString("message").String()
}

// toLua converts decoded JSON to Lua values, as Argo CD does: objects and
// arrays become tables, arrays indexed from 1.
func toLua(state *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case map[string]any:
		table := state.NewTable()
		for k, child := range x {
			table.RawSetString(k, toLua(state, child))
		}
		return table
	case []any:
		table := state.NewTable()
		for _, child := range x {
			table.Append(toLua(state, child))
		}
		return table
	case string:
		return lua.LString(x)
	case bool:
		return lua.LBool(x)
	case int64:
		return lua.LNumber(x)
	case float64:
		return lua.LNumber(x)
	case nil:
		return lua.LNil
	}
	return lua.LNil
}
