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

package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/managerprocess"
)

const (
	// timeout bounds each wait. A standby replica takes over only after
	// the leader's lease expires, 15s after its last renewal by default.
	timeout  = 60 * time.Second
	interval = 100 * time.Millisecond
	// stopGrace bounds a manager's clean stop.
	stopGrace = 30 * time.Second
)

// manager is a manager process and everything it printed.
type manager struct {
	process *managerprocess.Process
	log     *syncBuffer
	// ended is set once the process was killed, stopped or seen to exit,
	// after which its exit status can no longer be received.
	ended   bool
	exitErr error
}

// startManager starts a manager that reaches Graph and the login host on
// the emulator, unless args set --authority-url. Cleanup kills it if it
// still runs, and checks its output for secrets.
func startManager(t *testing.T, args ...string) *manager {
	t.Helper()
	authority := graphEmulator.URL()
	var rest []string
	for _, a := range args {
		if value, ok := strings.CutPrefix(a, "--authority-url="); ok {
			authority = value
			continue
		}
		rest = append(rest, a)
	}
	m := &manager{log: &syncBuffer{}}
	p, err := managerprocess.Start(managerprocess.Options{
		Binary: managerBinary, Kubeconfig: kubeconfig,
		GraphURL: graphEmulator.URL(), AuthorityURL: authority, CAFile: caFile,
		Args: rest, Log: m.log,
	})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	m.process = p
	t.Cleanup(func() {
		if !m.ended {
			_ = m.kill()
		}
		expectNoSecrets(t, m.log.String())
	})
	return m
}

// kill ends the manager with SIGKILL, as a node failure would.
func (m *manager) kill() error {
	m.ended = true
	return m.process.Kill()
}

// stop ends the manager with SIGTERM, as a rolling update would.
func (m *manager) stop() error {
	m.ended = true
	return m.process.Stop(stopGrace)
}

// running reports whether the manager has not exited. An exit is final:
// the exit error is kept in exitErr.
func (m *manager) running() bool {
	if m.ended {
		return false
	}
	select {
	case err := <-m.process.Done():
		m.ended, m.exitErr = true, err
		return false
	default:
		return true
	}
}

// exitDescription describes how the manager exited, for a failure message.
func (m *manager) exitDescription() string {
	return fmt.Sprintf("the manager exited: %v", m.exitErr)
}

// logged reports whether a line of the manager's output contains all parts.
func (m *manager) logged(parts ...string) bool {
	for _, line := range strings.Split(m.log.String(), "\n") {
		found := true
		for _, p := range parts {
			found = found && strings.Contains(line, p)
		}
		if found {
			return true
		}
	}
	return false
}

// tenant is an emulator tenant with a client-secret app, and a namespace
// with a Secret holding the app's credentials.
type tenant struct {
	namespace, id, clientID, clientSecret string
}

const secretName = "graph-credentials"

func newTenant(t *testing.T, graph map[string]any) *tenant {
	t.Helper()
	g := NewWithT(t)
	tn := &tenant{
		namespace:    "faults-" + strings.ToLower(uuid.NewString()[:8]),
		id:           uuid.NewString(),
		clientID:     uuid.NewString(),
		clientSecret: "secret-" + uuid.NewString(),
	}
	graphEmulator.AddTenant(tn.id)
	graphEmulator.AddSecretApp(tn.id, tn.clientID, tn.clientSecret)
	graphEmulator.SetProperties(tn.id, rawProperties(t, graph))
	ctx := context.Background()
	g.Expect(cp.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: tn.namespace}})).
		To(Succeed())
	g.Expect(cp.Client.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: tn.namespace, Name: secretName},
		Data: map[string][]byte{
			v1alpha1.SecretKeyClientID:     []byte(tn.clientID),
			v1alpha1.SecretKeyClientSecret: []byte(tn.clientSecret),
		},
	})).To(Succeed())
	return tn
}

// security creates a Security of the tenant with the given properties.
func (tn *tenant) security(t *testing.T, props map[string]any) types.NamespacedName {
	t.Helper()
	obj := &v1alpha1.Security{
		ObjectMeta: metav1.ObjectMeta{Namespace: tn.namespace, Name: "security"},
		Spec: v1alpha1.SecuritySpec{
			TenantID:    tn.id,
			Credentials: v1alpha1.Credentials{SecretRef: &v1alpha1.SecretReference{Name: secretName}},
			Properties:  map[string]apiextensionsv1.JSON{},
		},
	}
	for name, raw := range rawProperties(t, props) {
		obj.Spec.Properties[name] = apiextensionsv1.JSON{Raw: raw}
	}
	NewWithT(t).Expect(cp.Client.Create(context.Background(), obj)).To(Succeed())
	return types.NamespacedName{Namespace: obj.Namespace, Name: obj.Name}
}

// graph returns the tenant's stored properties, decoded.
func (tn *tenant) graph(t *testing.T) map[string]any {
	t.Helper()
	out := map[string]any{}
	for name, raw := range graphEmulator.Properties(tn.id) {
		out[name] = decode(t, raw)
	}
	return out
}

func (tn *tenant) counts() emulator.Counts { return graphEmulator.Counts(tn.id) }

// patches returns the bodies of the PATCH requests the tenant received.
func (tn *tenant) patches(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range graphEmulator.Requests(tn.id) {
		if r.Kind == emulator.KindPatch {
			body, _ := decode(t, r.Body).(map[string]any)
			out = append(out, body)
		}
	}
	return out
}

// expectInvariants checks what must hold once a fault is over. Graph has
// the spec's values and keeps the others, and the original values are those
// from before the first change. Every PATCH carried only properties and
// values of the spec or of an earlier spec.
func (tn *tenant) expectInvariants(
	t *testing.T, key types.NamespacedName, before, spec map[string]any, earlier ...map[string]any,
) {
	t.Helper()
	g := NewWithT(t)
	obj := waitForReason(t, key, v1alpha1.ReasonSynced)

	graph := tn.graph(t)
	for name, value := range spec {
		g.Expect(graph).To(HaveKeyWithValue(name, normalised(t, value)), "Graph value of %s", name)
	}
	for name, value := range before {
		if _, inSpec := spec[name]; !inSpec {
			g.Expect(graph).To(HaveKeyWithValue(name, normalised(t, value)), "Graph value of %s", name)
		}
	}

	g.Expect(originals(t, obj)).To(Equal(expectedOriginals(t, before, spec)), "status.originalProperties")
	tn.expectPatchesWithin(t, append([]map[string]any{spec}, earlier...))
}

// originals returns status.originalProperties decoded, with nil for null.
func originals(t *testing.T, obj *v1alpha1.Security) map[string]any {
	t.Helper()
	out := map[string]any{}
	for name, raw := range obj.Status.OriginalProperties {
		out[name] = nil
		if len(raw.Raw) > 0 {
			out[name] = decode(t, raw.Raw)
		}
	}
	return out
}

// expectedOriginals returns, for each spec property that differs from its
// value before, that value, or nil when there was none.
func expectedOriginals(t *testing.T, before, spec map[string]any) map[string]any {
	t.Helper()
	out := map[string]any{}
	for name, value := range spec {
		old, ok := before[name]
		switch {
		case !ok:
			out[name] = nil
		case !reflect.DeepEqual(normalised(t, old), normalised(t, value)):
			out[name] = normalised(t, old)
		}
	}
	return out
}

// expectPatchesWithin checks that every PATCH the tenant received carried
// only properties of the specs, each with the value of one of them.
func (tn *tenant) expectPatchesWithin(t *testing.T, specs []map[string]any) {
	t.Helper()
	g := NewWithT(t)
	for i, body := range tn.patches(t) {
		for name, value := range body {
			if name == "@odata.type" {
				continue
			}
			var allowed []any
			for _, s := range specs {
				if v, ok := s[name]; ok {
					allowed = append(allowed, normalised(t, v))
				}
			}
			g.Expect(allowed).NotTo(BeEmpty(), "PATCH %d sent %s, a property absent from the spec", i, name)
			g.Expect(allowed).To(ContainElement(value), "PATCH %d value of %s", i, name)
		}
	}
}

// waitForReason waits until Ready has the reason for the current
// generation, and returns the object.
func waitForReason(t *testing.T, key types.NamespacedName, reason string) *v1alpha1.Security {
	t.Helper()
	obj := &v1alpha1.Security{}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(cp.Client.Get(context.Background(), key, obj)).To(Succeed())
		ready := meta.FindStatusCondition(obj.Status.Conditions, v1alpha1.ConditionReady)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Reason).To(Equal(reason), "message: %s", ready.Message)
		g.Expect(ready.ObservedGeneration).To(Equal(obj.Generation))
	}, timeout, interval).Should(Succeed())
	return obj
}

func get(t *testing.T, key types.NamespacedName) *v1alpha1.Security {
	t.Helper()
	obj := &v1alpha1.Security{}
	NewWithT(t).Expect(cp.Client.Get(context.Background(), key, obj)).To(Succeed())
	return obj
}

// secretShapes match secret material whatever its value.
var secretShapes = []*regexp.Regexp{
	regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),
	regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9._~+/-]{16,}`),
	regexp.MustCompile(`client_(secret|assertion)=`),
}

// expectNoSecrets fails when output contains a secret or token that the
// emulator registered, received or issued, or secret material by shape.
// The failure names the position of the value, never the value.
func expectNoSecrets(t *testing.T, output string) {
	t.Helper()
	for i, value := range graphEmulator.SecretValues() {
		if strings.Contains(output, value) {
			t.Errorf("manager output contains emulator secret or token #%d", i)
		}
	}
	for _, shape := range secretShapes {
		if shape.MatchString(output) {
			t.Errorf("manager output contains secret material matching %s", shape)
		}
	}
}

func rawProperties(t *testing.T, props map[string]any) map[string]json.RawMessage {
	t.Helper()
	out := make(map[string]json.RawMessage, len(props))
	for name, value := range props {
		raw, err := json.Marshal(value)
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
		out[name] = raw
	}
	return out
}

func decode(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	NewWithT(t).Expect(json.Unmarshal(raw, &v)).To(Succeed())
	return v
}

// normalised returns v as encoding/json decodes it, such as float64 for
// numbers.
func normalised(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	return decode(t, raw)
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
