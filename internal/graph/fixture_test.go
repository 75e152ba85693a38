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

package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/credentials"
	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/emulator/emulatortest"
	"github.com/securityoperator/security-operator/internal/graph"
)

const (
	tenantID = "11111111-1111-1111-1111-111111111111"
	clientID = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
	secret   = "first-secret"
)

// fixture is the real client and credential cache against an in-process
// emulator over HTTPS, with tenantID registered with a secret app.
type fixture struct {
	s       *emulator.Server
	cache   *credentials.Cache
	client  *graph.Client
	metrics *graph.Metrics
	reg     *prometheus.Registry
	options graph.Options
}

func newFixture(t *testing.T, edit func(*graph.Options)) *fixture {
	t.Helper()
	s := emulatortest.Start(t, emulator.Options{})
	s.AddTenant(tenantID)
	s.AddSecretApp(tenantID, clientID, secret)
	reg := prometheus.NewRegistry()
	metrics, err := graph.Register(reg)
	if err != nil {
		t.Fatal(err)
	}
	httpClient := emulatortest.HTTPClient(t, s)
	o := graph.Options{
		Resolver:    emulatortest.Resolver(s),
		HTTPClient:  httpClient,
		UserAgent:   "security-operator/test",
		Timeout:     5 * time.Second,
		BaseBackoff: 20 * time.Millisecond,
		Metrics:     metrics,
	}
	if edit != nil {
		edit(&o)
	}
	cache := credentials.NewCache(credentials.Options{
		Resolver:   o.Resolver,
		HTTPClient: httpClient,
		Metrics:    metrics,
		// No retries of token requests, so that token failures show at once.
		Retry: policy.RetryOptions{MaxRetries: -1},
	})
	return &fixture{
		s:       s,
		cache:   cache,
		client:  graph.NewClient(o),
		metrics: metrics,
		reg:     reg,
		options: o,
	}
}

// tenant returns the target with a credential from the cache.
func (f *fixture) tenant(t *testing.T, src credentials.Source) graph.Tenant {
	t.Helper()
	cred, err := f.cache.Credential(src)
	if err != nil {
		t.Fatalf("credential: %v", err)
	}
	return graph.Tenant{ID: src.TenantID, Cloud: src.Cloud, Version: "v1.0", Credential: cred}
}

func secretSource(s string) credentials.Source {
	return credentials.Source{
		Cloud: v1alpha1.CloudPublic, TenantID: tenantID, ClientID: clientID, ClientSecret: s,
	}
}

func (f *fixture) get(t *testing.T) (graph.Object, error) {
	t.Helper()
	return f.client.Get(context.Background(), f.tenant(t, secretSource(secret)))
}

func props(m map[string]string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range m {
		out[k] = json.RawMessage(v)
	}
	return out
}

// graphError returns err as a *graph.Error, failing the test otherwise.
func graphError(t *testing.T, err error) *graph.Error {
	t.Helper()
	var gerr *graph.Error
	if !errors.As(err, &gerr) {
		t.Fatalf("error %v (%T) is not a *graph.Error", err, err)
	}
	return gerr
}

// lastClientRequestID returns the client-request-id of the tenant's last
// Graph request as the emulator saw it.
func (f *fixture) lastClientRequestID() string {
	requests := f.s.Requests(tenantID)
	for i := len(requests) - 1; i >= 0; i-- {
		if requests[i].Kind == emulator.KindGet || requests[i].Kind == emulator.KindPatch {
			return requests[i].ClientRequestID
		}
	}
	return ""
}

func (f *fixture) faults(faults ...emulator.Fault) {
	f.s.SetBehaviour(tenantID, emulator.Behaviour{Faults: faults})
}

// metric returns the value of the counter or gauge name whose labels
// include the given name and value pairs, or 0 when there is none.
func (f *fixture) metric(t *testing.T, name string, labelPairs ...string) float64 {
	t.Helper()
	families, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, family := range families {
		if family.GetName() != name {
			continue
		}
		for _, m := range family.GetMetric() {
			if hasLabels(m.GetLabel(), labelPairs) {
				return m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func hasLabels(labels []*dto.LabelPair, pairs []string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		found := false
		for _, l := range labels {
			if l.GetName() == pairs[i] && l.GetValue() == pairs[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
