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
	"bytes"
	"context"
	"encoding/json"
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
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

const (
	timeout  = 20 * time.Second
	interval = 50 * time.Millisecond
)

// tenant is an emulator tenant with a client-secret app, and a namespace
// holding a Secret with the app's credentials.
type tenant struct {
	namespace, id, clientID, clientSecret, secretName string
}

func newTenant(t *testing.T) *tenant {
	t.Helper()
	g := NewWithT(t)
	tn := &tenant{
		namespace:    "test-" + strings.ToLower(uuid.NewString()[:8]),
		id:           uuid.NewString(),
		clientID:     uuid.NewString(),
		clientSecret: "secret-" + uuid.NewString(),
		secretName:   "graph-credentials",
	}
	graphEmulator.AddTenant(tn.id)
	graphEmulator.AddSecretApp(tn.id, tn.clientID, tn.clientSecret)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: tn.namespace}}
	g.Expect(k8s.Create(context.Background(), ns)).To(Succeed())
	tn.writeSecret(t, tn.clientSecret)
	return tn
}

// writeSecret creates or updates the credentials Secret.
func (tn *tenant) writeSecret(t *testing.T, clientSecret string) {
	t.Helper()
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: tn.namespace, Name: tn.secretName}}
	secret.Data = map[string][]byte{
		v1alpha1.SecretKeyClientID:     []byte(tn.clientID),
		v1alpha1.SecretKeyClientSecret: []byte(clientSecret),
	}
	ctx := context.Background()
	err := k8s.Create(ctx, secret)
	if err != nil {
		err = k8s.Update(ctx, secret)
	}
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
}

// security creates a Security for the tenant with the given properties.
func (tn *tenant) security(t *testing.T, name string, props map[string]any,
	mutate ...func(*v1alpha1.Security)) types.NamespacedName {
	t.Helper()
	obj := &v1alpha1.Security{
		ObjectMeta: metav1.ObjectMeta{Namespace: tn.namespace, Name: name},
		Spec: v1alpha1.SecuritySpec{
			TenantID: tn.id,
			Credentials: v1alpha1.Credentials{
				SecretRef: &v1alpha1.SecretReference{Name: tn.secretName},
			},
			Properties: jsonProperties(t, props),
		},
	}
	for _, m := range mutate {
		m(obj)
	}
	NewWithT(t).Expect(k8s.Create(context.Background(), obj)).To(Succeed())
	return client.ObjectKeyFromObject(obj)
}

func jsonProperties(t *testing.T, props map[string]any) map[string]apiextensionsv1.JSON {
	out := make(map[string]apiextensionsv1.JSON, len(props))
	for k, v := range props {
		raw, err := json.Marshal(v)
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
		out[k] = apiextensionsv1.JSON{Raw: raw}
	}
	return out
}

// setGraph changes the tenant's properties out of band, as an administrator
// in the Entra portal would.
func (tn *tenant) setGraph(t *testing.T, props map[string]any) {
	raw := make(map[string]json.RawMessage, len(props))
	for k, v := range props {
		b, err := json.Marshal(v)
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
		raw[k] = b
	}
	graphEmulator.SetProperties(tn.id, raw)
}

// graphValue returns a property as the emulator stores it, decoded.
func (tn *tenant) graphValue(name string) any {
	raw, ok := graphEmulator.Properties(tn.id)[name]
	if !ok {
		return nil
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	return v
}

func (tn *tenant) counts() emulator.Counts { return graphEmulator.Counts(tn.id) }

// patches returns the bodies of the PATCH requests the tenant received.
func (tn *tenant) patches() []map[string]any {
	var out []map[string]any
	for _, r := range graphEmulator.Requests(tn.id) {
		if r.Kind != emulator.KindPatch {
			continue
		}
		var body map[string]any
		_ = json.Unmarshal(r.Body, &body)
		out = append(out, body)
	}
	return out
}

func get(t *testing.T, key types.NamespacedName) *v1alpha1.Security {
	obj := &v1alpha1.Security{}
	NewWithT(t).Expect(k8s.Get(context.Background(), key, obj)).To(Succeed())
	return obj
}

// waitForReason waits until the Ready condition has the reason and reflects
// the current generation, and returns the object.
func waitForReason(t *testing.T, key types.NamespacedName, reason string) *v1alpha1.Security {
	t.Helper()
	obj := &v1alpha1.Security{}
	NewWithT(t).Eventually(func(g Gomega) {
		g.Expect(k8s.Get(context.Background(), key, obj)).To(Succeed())
		ready := meta.FindStatusCondition(obj.Status.Conditions, v1alpha1.ConditionReady)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Reason).To(Equal(reason), "message: %s", ready.Message)
		g.Expect(ready.ObservedGeneration).To(Equal(obj.Generation))
	}, timeout, interval).Should(Succeed())
	return obj
}

func condition(obj *v1alpha1.Security, condType string) *metav1.Condition {
	return meta.FindStatusCondition(obj.Status.Conditions, condType)
}

// requestResync sets the requested-at annotation, which requests an
// immediate reconcile, and waits until the operator has handled it.
func requestResync(t *testing.T, key types.NamespacedName) {
	t.Helper()
	g := NewWithT(t)
	value := time.Now().Format(time.RFC3339Nano)
	obj := get(t, key)
	base := obj.DeepCopy()
	if obj.Annotations == nil {
		obj.Annotations = map[string]string{}
	}
	obj.Annotations[v1alpha1.AnnotationRequestedAt] = value
	g.Expect(k8s.Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(context.Background(), key, obj)).To(Succeed())
		g.Expect(obj.Status.LastHandledRequest).To(Equal(value))
	}, timeout, interval).Should(Succeed())
}

// logBuffer keeps everything the manager logs, so tests can search it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func newLogBuffer() *logBuffer { return &logBuffer{} }

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
