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
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/emulator/emulatortest"
)

func TestStartRejectsNonLoopback(t *testing.T) {
	addresses := []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "[::]:0", "example.com:0", "nonsense"}
	for _, addr := range addresses {
		t.Run(addr, func(t *testing.T) {
			g := NewWithT(t)
			s, err := emulator.Start(emulator.Options{Addr: addr})
			if s != nil {
				_ = s.Close()
			}
			g.Expect(err).To(HaveOccurred())
		})
	}
}

func TestGetReturnsObject(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	securityID := f.s.AddTenant(tenantA)
	f.s.SetProperties(tenantA, map[string]json.RawMessage{"alertsEnabled": raw(`true`)})

	r := f.get(t, f.token(t))

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body["id"]).To(Equal(securityID))
	g.Expect(r.body["@odata.context"]).To(Equal(f.s.URL() + "/v1.0/$metadata#security/$entity"))
	g.Expect(r.body["alertsEnabled"]).To(BeTrue())
	g.Expect(r.header.Get("request-id")).NotTo(BeEmpty())
	g.Expect(r.header.Get("client-request-id")).To(Equal("test-client-request-id"))
}

func TestSecurityIDStable(t *testing.T) {
	g := NewWithT(t)
	first := newFixture(t).s.AddTenant(tenantB)
	second := newFixture(t).s.AddTenant(tenantB)
	g.Expect(first).To(Equal(second))
	g.Expect(first).
		To(MatchRegexp(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))
}

func TestPathsCaseInsensitive(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	for _, path := range []string{"/V1.0/Security", "/beta/SECURITY", "/v1.0/security/"} {
		r := f.do(t, http.MethodGet, path, token, "", "")
		g.Expect(r.status).To(Equal(http.StatusOK), path)
	}
	r := f.tokenRequest(t, "11111111-1111-1111-1111-111111111111",
		secretForm(clientA, secretA, graphURL+"/.default"))
	g.Expect(r.status).To(Equal(http.StatusOK))
	r = f.do(t, http.MethodGet, "/"+tenantA+"/V2.0/.WELL-KNOWN/openid-configuration", "", "", "")
	g.Expect(r.status).To(Equal(http.StatusOK))
}

func TestVersionValidated(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	r := f.do(t, http.MethodGet, "/1.0/security", f.token(t), "", "")
	g.Expect(r.status).To(Equal(http.StatusBadRequest))
	g.Expect(graphError(g, r)).To(Equal("BadRequest"))
}

func TestUnknownPathNotFound(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	r := f.do(t, http.MethodGet, "/v1.0/users", f.token(t), "", "")
	g.Expect(r.status).To(Equal(http.StatusNotFound))
	g.Expect(graphError(g, r)).To(Equal("Request_ResourceNotFound"))
}

func TestGraphRequiresToken(t *testing.T) {
	cases := map[string]string{"missing": "", "unknown": "not-a-token"}
	for name, token := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			r := f.get(t, token)
			g.Expect(r.status).To(Equal(http.StatusUnauthorized))
			g.Expect(graphError(g, r)).To(Equal("InvalidAuthenticationToken"))
			g.Expect(f.s.Counts("").Errors).To(Equal(int64(1)))
		})
	}
}

func TestRevokedTokenRejected(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	g.Expect(f.get(t, token).status).To(Equal(http.StatusOK))
	f.s.RevokeTokens(tenantA)
	r := f.get(t, token)
	g.Expect(r.status).To(Equal(http.StatusUnauthorized))
	g.Expect(graphError(g, r)).To(Equal("InvalidAuthenticationToken"))
}

func TestExpiredTokenRejected(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{TokenLifetime: 50 * time.Millisecond})
	token := f.token(t)
	time.Sleep(100 * time.Millisecond)
	g.Expect(f.get(t, token).status).To(Equal(http.StatusUnauthorized))
}

func TestTokenIssued(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	for _, resource := range []string{
		"https://graph.microsoft.com", "https://graph.microsoft.us",
		"https://dod-graph.microsoft.us", "https://microsoftgraph.chinacloudapi.cn", f.s.URL(),
	} {
		r := f.tokenRequest(t, tenantA, secretForm(clientA, secretA, resource+"/.default"))
		g.Expect(r.status).To(Equal(http.StatusOK), resource)
		g.Expect(r.body["token_type"]).To(Equal("Bearer"))
		g.Expect(r.body["expires_in"]).To(BeNumerically("==", 3600))
		g.Expect(r.body["access_token"]).NotTo(BeEmpty())
	}
	g.Expect(f.s.Counts(tenantA).Token).To(Equal(int64(5)))
}

func TestTokenErrors(t *testing.T) {
	cases := map[string]struct {
		tenant string
		form   url.Values
		status int
		code   string
		aadsts float64
	}{
		"wrong secret": {tenantA, secretForm(clientA, "wrong", graphURL+"/.default"),
			401, "invalid_client", 7000215},
		"unknown app": {
			tenantA,
			secretForm("bbbbbbbb-0000-0000-0000-000000000000", secretA, graphURL+"/.default"),
			400,
			"unauthorized_client",
			700016,
		},
		"unknown tenant": {tenantB, secretForm(clientA, secretA, graphURL+"/.default"),
			400, "invalid_request", 90002},
		"foreign scope": {tenantA, secretForm(clientA, secretA, "https://example.com/.default"),
			400, "invalid_scope", 1002012},
		"scope without default": {tenantA, secretForm(clientA, secretA, graphURL+"/User.Read"),
			400, "invalid_scope", 1002012},
		"no credential": {tenantA, url.Values{"grant_type": {"client_credentials"},
			"client_id": {
				clientA,
			}, "scope": {graphURL + "/.default"}}, 401, "invalid_client", 7000218},
		"no client": {tenantA, url.Values{"grant_type": {"client_credentials"},
			"scope": {graphURL + "/.default"}}, 400, "invalid_request", 900144},
		"password grant": {tenantA, url.Values{"grant_type": {"password"}, "client_id": {clientA}},
			400, "unsupported_grant_type", 70003},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			r := f.tokenRequest(t, tc.tenant, tc.form)
			g.Expect(r.status).To(Equal(tc.status))
			g.Expect(r.body["error"]).To(Equal(tc.code))
			g.Expect(r.body["error_codes"]).To(ConsistOf(tc.aadsts))
			g.Expect(r.body["error_description"]).
				To(HavePrefix(fmt.Sprintf("AADSTS%d: ", int(tc.aadsts))))
			g.Expect(r.body["trace_id"]).To(Equal(r.header.Get("x-ms-request-id")))
			g.Expect(r.body["correlation_id"]).To(Equal("test-client-request-id"))
		})
	}
}

func TestFederatedAssertionExactMatch(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.s.AddFederatedApp(
		tenantA,
		"cccccccc-cccc-cccc-cccc-cccccccccccc",
		"header.payload.signature",
	)
	form := func(assertion string) url.Values {
		return url.Values{
			"grant_type": {
				"client_credentials",
			}, "client_id": {"cccccccc-cccc-cccc-cccc-cccccccccccc"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {assertion}, "scope": {graphURL + "/.default"},
		}
	}
	g.Expect(f.tokenRequest(t, tenantA, form("header.payload.signature")).status).
		To(Equal(http.StatusOK))
	r := f.tokenRequest(t, tenantA, form("header.payload.other"))
	g.Expect(r.status).To(Equal(http.StatusUnauthorized))
	g.Expect(r.body["error"]).To(Equal("invalid_client"))
}

func TestDiscovery(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	r := f.do(t, http.MethodGet, "/"+tenantA+"/v2.0/.well-known/openid-configuration", "", "", "")
	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body["token_endpoint"]).To(Equal(f.s.URL() + "/" + tenantA + "/oauth2/v2.0/token"))
	g.Expect(r.body["issuer"]).To(Equal(f.s.URL() + "/" + tenantA + "/v2.0"))

	authorize := url.QueryEscape(f.s.URL() + "/" + tenantA + "/oauth2/v2.0/authorize")
	r = f.do(
		t,
		http.MethodGet,
		"/common/discovery/instance?api-version=1.1&authorization_endpoint="+authorize,
		"",
		"",
		"",
	)
	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body["tenant_discovery_endpoint"]).To(
		Equal(f.s.URL() + "/" + tenantA + "/v2.0/.well-known/openid-configuration"))
	g.Expect(f.s.Counts(tenantA).Discovery).To(Equal(int64(2)))

	r = f.do(t, http.MethodGet, "/"+tenantB+"/v2.0/.well-known/openid-configuration", "", "", "")
	g.Expect(r.status).To(Equal(http.StatusBadRequest))
	g.Expect(r.body["error"]).To(Equal("invalid_tenant"))
}

func TestPatchMergesProperties(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.s.SetProperties(
		tenantA,
		map[string]json.RawMessage{"providerStatus": raw(`[]`), "keep": raw(`1`)},
	)

	r := f.patch(t, f.token(t), `{"@odata.type":"#microsoft.graph.security",`+
		`"ProviderStatus":[{"provider":"A"}],"newOne":"x","keep":null}`)

	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body["id"]).NotTo(BeEmpty())
	g.Expect(r.body).To(HaveKey("providerStatus"))
	g.Expect(r.body).NotTo(HaveKey("ProviderStatus"))
	g.Expect(f.s.Properties(tenantA)).To(Equal(map[string]json.RawMessage{
		"providerStatus": raw(`[{"provider":"A"}]`), "newOne": raw(`"x"`),
	}))
	requests := f.s.Requests(tenantA)
	last := requests[len(requests)-1]
	g.Expect(last.Kind).To(Equal(emulator.KindPatch))
	g.Expect(string(last.Body)).To(ContainSubstring(`"newOne":"x"`))
}

func TestPatch204(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{PatchStatus: http.StatusNoContent})
	r := f.patch(t, f.token(t), `{"a":1}`)
	g.Expect(r.status).To(Equal(http.StatusNoContent))
	g.Expect(r.raw).To(BeEmpty())
	g.Expect(f.s.Properties(tenantA)).To(HaveKeyWithValue("a", raw(`1`)))
}

func TestPatchRejects(t *testing.T) {
	cases := map[string]struct {
		contentType, body string
		status            int
		code              string
	}{
		"id":           {"application/json", `{"ID":"x"}`, 400, "BadRequest"},
		"rejected":     {"application/json", `{"ok":1,"Secret":"x"}`, 400, "BadRequest"},
		"not json":     {"application/json", `{"a":`, 400, "BadRequest"},
		"array":        {"application/json", `[1]`, 400, "BadRequest"},
		"null":         {"application/json", `null`, 400, "BadRequest"},
		"content type": {"text/plain", `{"a":1}`, 415, "UnsupportedMediaType"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			f.s.SetBehaviour(tenantA, emulator.Behaviour{Reject: []string{"secret"}})
			r := f.do(t, http.MethodPatch, "/v1.0/security", f.token(t), tc.contentType, tc.body)
			g.Expect(r.status).To(Equal(tc.status))
			g.Expect(graphError(g, r)).To(Equal(tc.code))
			g.Expect(f.s.Properties(tenantA)).To(BeEmpty())
		})
	}
}

func TestPatchNormalisesAndDrops(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{
		Lowercase: []string{"mode"}, Drop: []string{"ignored"},
	})
	r := f.patch(t, f.token(t), `{"Mode":{"Level":"HIGH","n":1.50},"ignored":true,"other":"KEEP"}`)
	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(f.s.Properties(tenantA)).To(Equal(map[string]json.RawMessage{
		"Mode": raw(`{"Level":"high","n":1.50}`), "other": raw(`"KEEP"`),
	}))
}

func TestBudgetThrottles(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{
		Budget: 2, BudgetWindow: 300 * time.Millisecond, RetryAfter: "0.3",
	})
	token := f.token(t)
	g.Expect(f.get(t, token).status).To(Equal(http.StatusOK))
	g.Expect(f.get(t, token).status).To(Equal(http.StatusOK))
	r := f.get(t, token)
	g.Expect(r.status).To(Equal(http.StatusTooManyRequests))
	g.Expect(r.header.Get("Retry-After")).To(Equal("0.3"))
	g.Expect(graphError(g, r)).To(Equal("TooManyRequests"))
	g.Expect(f.s.Counts(tenantA).Throttled).To(Equal(int64(1)))

	time.Sleep(350 * time.Millisecond)
	g.Expect(f.get(t, token).status).To(Equal(http.StatusOK))
}

func TestFaultsConsumedInOrder(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{Faults: []emulator.Fault{
		{Kind: "patch", Status: 409},
		{Status: 503, RetryAfter: "2.5"},
		{Kind: "get", Status: 403, Code: "Custom_Code"},
		{Kind: "token", Status: 500},
	}})

	r := f.get(t, token)
	g.Expect(r.status).To(Equal(http.StatusServiceUnavailable))
	g.Expect(r.header.Get("Retry-After")).To(Equal("2.5"))
	g.Expect(graphError(g, r)).To(Equal("serviceNotAvailable"))

	r = f.get(t, token)
	g.Expect(r.status).To(Equal(http.StatusForbidden))
	g.Expect(graphError(g, r)).To(Equal("Custom_Code"))

	g.Expect(f.get(t, token).status).To(Equal(http.StatusOK))
	g.Expect(f.patch(t, token, `{}`).status).To(Equal(http.StatusConflict))
	g.Expect(f.patch(t, token, `{}`).status).To(Equal(http.StatusOK))

	tr := f.tokenRequest(t, tenantA, secretForm(clientA, secretA, graphURL+"/.default"))
	g.Expect(tr.status).To(Equal(http.StatusInternalServerError))
	g.Expect(tr.body["error"]).To(Equal("temporarily_unavailable"))
	g.Expect(f.token(t)).NotTo(BeEmpty())
}

func TestFaultBodies(t *testing.T) {
	cases := map[string]struct {
		fault emulator.Fault
		body  string
		ctype string
	}{
		"html": {
			emulator.Fault{Status: 502, Body: "<html>bad gateway</html>"},
			"<html>bad gateway</html>",
			"text/html",
		},
		"truncated": {
			emulator.Fault{Status: 500, Body: `{"error":{"code":`},
			`{"error":{"code":`,
			"application/json",
		},
		"empty": {emulator.Fault{Status: 500, Empty: true}, "", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			token := f.token(t)
			f.s.SetBehaviour(tenantA, emulator.Behaviour{Faults: []emulator.Fault{tc.fault}})
			r := f.get(t, token)
			g.Expect(r.status).To(Equal(tc.fault.Status))
			g.Expect(string(r.raw)).To(Equal(tc.body))
			g.Expect(r.header.Get("Content-Type")).To(HavePrefix(tc.ctype))
		})
	}
}

func TestFaultReset(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{Faults: []emulator.Fault{{Reset: true}}})
	req, _ := http.NewRequest(http.MethodGet, f.s.URL()+"/v1.0/security", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	_, err := f.client.Do(req)
	g.Expect(err).To(HaveOccurred())
	g.Eventually(func() int64 { return f.s.Counts(tenantA).Errors }).Should(Equal(int64(1)))
	g.Expect(f.get(t, token).status).To(Equal(http.StatusOK))
}

func TestFaultHangEndsOnClose(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{Faults: []emulator.Fault{{Hang: true}}})
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, f.s.URL()+"/v1.0/security", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := f.client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()
	g.Consistently(done, 200*time.Millisecond).ShouldNot(Receive())
	g.Expect(f.s.Close()).To(Succeed())
	g.Eventually(done, 5*time.Second).Should(Receive(HaveOccurred()))
}

func TestLatencyAdded(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{Latency: 150 * time.Millisecond})
	start := time.Now()
	g.Expect(f.get(t, token).status).To(Equal(http.StatusOK))
	g.Expect(time.Since(start)).To(BeNumerically(">=", 150*time.Millisecond))
}

func TestRequestLogCapped(t *testing.T) {
	g := NewWithT(t)
	s, err := emulator.Start(emulator.Options{RequestLogSize: 3})
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = s.Close() }()
	s.AddSecretApp(tenantA, clientA, secretA)
	f := fixture{s: s, client: emulatortest.HTTPClient(t, s)}
	token := f.token(t)
	for range 4 {
		f.get(t, token)
	}
	f.patch(t, token, `{"a":1}`)

	requests := s.Requests(tenantA)
	g.Expect(requests).To(HaveLen(3))
	g.Expect(requests[0].Kind).To(Equal(emulator.KindGet))
	g.Expect(requests[2].Kind).To(Equal(emulator.KindPatch))
	g.Expect(requests[2].ClientRequestID).To(Equal("test-client-request-id"))
	g.Expect(s.Counts(tenantA)).To(Equal(emulator.Counts{Token: 1, Get: 4, Patch: 1}))

	s.ResetRequests(tenantA)
	g.Expect(s.Requests(tenantA)).To(BeEmpty())
	g.Expect(s.Counts(tenantA)).To(Equal(emulator.Counts{}))
}

func TestManyTenantsConcurrently(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	const tenants = 3000
	ids := make([]string, tenants)
	for i := range ids {
		ids[i] = fmt.Sprintf("00000000-0000-0000-0000-%012d", i)
		f.s.AddSecretApp(ids[i], clientA, secretA)
	}
	var wg sync.WaitGroup
	failures := make(chan string, tenants)
	for i := 0; i < tenants; i += 10 {
		wg.Add(1)
		go func(id string) {
			defer wg.Done()
			r := f.tokenRequest(t, id, secretForm(clientA, secretA, graphURL+"/.default"))
			if r.status != http.StatusOK {
				failures <- id
				return
			}
			token := r.body["access_token"].(string)
			if f.patch(t, token, `{"tenant":"`+id+`"}`).status != http.StatusOK {
				failures <- id
			}
		}(ids[i])
	}
	wg.Wait()
	close(failures)
	g.Expect(failures).To(BeEmpty())
	for i := 0; i < tenants; i += 10 {
		g.Expect(f.s.Properties(ids[i])).To(HaveKeyWithValue("tenant", raw(`"`+ids[i]+`"`)))
	}
}
