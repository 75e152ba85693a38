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

package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// namespace contains every Secret and Security of a fleet.
const namespace = "bench"

// createWorkers is the number of goroutines that send the harness's
// creates and patches. The client's rate limit, not this number, sets
// their pace.
const createWorkers = 32

// graphBudget is the emulator's budget of Graph requests per tenant and
// minute: Graph's documented limit for the security services is 150
// requests per minute per app per tenant.
const graphBudget = 150

// Graph properties of every tenant. The emulator starts with
// initialProperties and each Security's spec contains desiredProperties,
// which differ in every property, so that each first sync sends one PATCH.
var (
	initialProperties = map[string]json.RawMessage{
		"alertRetentionInDays": json.RawMessage(`30`),
		"autoRemediation":      json.RawMessage(`false`),
		"notificationSettings": json.RawMessage(`{"email":"it@example.com","minimumSeverity":"high"}`),
	}
	desiredProperties = map[string]json.RawMessage{
		"alertRetentionInDays": json.RawMessage(`90`),
		"autoRemediation":      json.RawMessage(`true`),
		"notificationSettings": json.RawMessage(`{"email":"soc@example.com","minimumSeverity":"medium"}`),
	}
)

// tenant is one emulated tenant with a client-secret app, and the names of
// its Secret and Security.
type tenant struct {
	id, clientID, clientSecret string
	name                       string
}

func newTenants(n int) []tenant {
	tenants := make([]tenant, n)
	for i := range tenants {
		tenants[i] = tenant{
			id:           uuid.NewString(),
			clientID:     uuid.NewString(),
			clientSecret: "bench-" + uuid.NewString(),
			name:         fmt.Sprintf("tenant-%05d", i),
		}
	}
	return tenants
}

func (t tenant) secretName() string { return t.name + "-credentials" }

// registerTenants adds the tenants and their apps to the emulator, with
// initialProperties and the Graph budget.
func registerTenants(s *emulator.Server, tenants []tenant) {
	for _, t := range tenants {
		s.AddTenant(t.id)
		s.AddSecretApp(t.id, t.clientID, t.clientSecret)
		s.SetProperties(t.id, initialProperties)
		s.SetBehaviour(t.id, emulator.Behaviour{Budget: graphBudget, BudgetWindow: time.Minute})
	}
}

// createObjects creates each tenant's Secret and then its Security, so that
// the first reconcile finds the credentials.
func createObjects(ctx context.Context, c client.Client, tenants []tenant) error {
	return forEach(ctx, len(tenants), func(ctx context.Context, i int) error {
		t := tenants[i]
		secret := &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: t.secretName()},
			Data: map[string][]byte{
				v1alpha1.SecretKeyClientID:     []byte(t.clientID),
				v1alpha1.SecretKeyClientSecret: []byte(t.clientSecret),
			},
		}
		if err := c.Create(ctx, secret); err != nil {
			return fmt.Errorf("failed to create Secret %s/%s: %w", namespace, secret.Name, err)
		}
		security := &v1alpha1.Security{
			ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: t.name},
			Spec: v1alpha1.SecuritySpec{
				TenantID:    t.id,
				Credentials: v1alpha1.Credentials{SecretRef: &v1alpha1.SecretReference{Name: t.secretName()}},
				Properties:  specProperties(),
			},
		}
		if err := c.Create(ctx, security); err != nil {
			return fmt.Errorf("failed to create Security %s/%s: %w", namespace, t.name, err)
		}
		return nil
	})
}

func specProperties() map[string]apiextensionsv1.JSON {
	out := make(map[string]apiextensionsv1.JSON, len(desiredProperties))
	for k, v := range desiredProperties {
		out[k] = apiextensionsv1.JSON{Raw: v}
	}
	return out
}

// requestResync sets the requested-at annotation of every Security to
// value, which makes the manager reconcile each once more.
func requestResync(ctx context.Context, c client.Client, tenants []tenant, value string) error {
	patch, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"annotations": map[string]string{v1alpha1.AnnotationRequestedAt: value}},
	})
	if err != nil {
		return err
	}
	return forEach(ctx, len(tenants), func(ctx context.Context, i int) error {
		obj := &v1alpha1.Security{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: tenants[i].name}}
		if err := c.Patch(ctx, obj, client.RawPatch(types.MergePatchType, patch)); err != nil {
			return fmt.Errorf("failed to annotate Security %s/%s: %w", namespace, obj.Name, err)
		}
		return nil
	})
}

// forEach calls fn for 0..n-1 on createWorkers goroutines and returns the
// first error, after which the remaining calls are skipped.
func forEach(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for range min(createWorkers, n) {
		wg.Go(func() {
			for i := range next {
				if err := fn(ctx, i); err != nil {
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
