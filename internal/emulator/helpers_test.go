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

package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/emulator/emulatortest"
)

const (
	tenantA  = "11111111-1111-1111-1111-111111111111"
	tenantB  = "22222222-2222-2222-2222-222222222222"
	clientA  = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
	secretA  = "secret-a"
	graphURL = "https://graph.microsoft.com"
)

// fixture is an emulator with tenant A and a secret app, and a client
// that trusts it.
type fixture struct {
	s      *emulator.Server
	client *http.Client
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	s := emulatortest.Start(t, emulator.Options{})
	s.AddTenant(tenantA)
	s.AddSecretApp(tenantA, clientA, secretA)
	return fixture{s: s, client: emulatortest.HTTPClient(t, s)}
}

// response is a decoded HTTP response.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (f fixture) do(t *testing.T, method, path, token, contentType, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, f.s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("client-request-id", "test-client-request-id")
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (f fixture) tokenRequest(t *testing.T, tenantID string, form url.Values) response {
	t.Helper()
	return f.do(t, http.MethodPost, "/"+tenantID+"/oauth2/v2.0/token", "",
		"application/x-www-form-urlencoded", form.Encode())
}

func secretForm(clientID, secret, scope string) url.Values {
	return url.Values{
		"grant_type": {"client_credentials"}, "client_id": {clientID},
		"client_secret": {secret}, "scope": {scope},
	}
}

// token gets a token for tenant A's secret app.
func (f fixture) token(t *testing.T) string {
	t.Helper()
	r := f.tokenRequest(
		t,
		tenantA,
		secretForm(clientA, secretA, graphURL+"/.default openid profile offline_access"),
	)
	if r.status != http.StatusOK {
		t.Fatalf("token request: status %d: %s", r.status, r.raw)
	}
	return r.body["access_token"].(string)
}

func (f fixture) get(t *testing.T, token string) response {
	t.Helper()
	return f.do(t, http.MethodGet, "/v1.0/security", token, "", "")
}

func (f fixture) patch(t *testing.T, token, body string) response {
	t.Helper()
	return f.do(t, http.MethodPatch, "/v1.0/security", token, "application/json", body)
}

// graphError returns the code of a Graph error body and checks its shape.
func graphError(g Gomega, r response) string {
	errorObject, ok := r.body["error"].(map[string]any)
	g.Expect(ok).To(BeTrue(), "body %s", r.raw)
	inner, ok := errorObject["innerError"].(map[string]any)
	g.Expect(ok).To(BeTrue(), "body %s", r.raw)
	g.Expect(inner["request-id"]).To(Equal(r.header.Get("request-id")))
	g.Expect(inner["client-request-id"]).To(Equal("test-client-request-id"))
	g.Expect(errorObject["message"]).NotTo(BeEmpty())
	code, _ := errorObject["code"].(string)
	return code
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }
