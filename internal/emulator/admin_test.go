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
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/emulator"
)

func TestAdminAPI(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)

	r := f.do(
		t,
		http.MethodPost,
		"/_emulator/tenants",
		"",
		"application/json",
		`{"tenantID":"`+tenantB+`"}`,
	)
	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body["securityID"]).To(Equal(f.s.AddTenant(tenantB)))

	r = f.do(t, http.MethodPost, "/_emulator/tenants/"+tenantB+"/apps", "", "application/json",
		`{"clientID":"`+clientA+`","secret":"b-secret"}`)
	g.Expect(r.status).To(Equal(http.StatusNoContent))
	tr := f.tokenRequest(t, tenantB, secretForm(clientA, "b-secret", graphURL+"/.default"))
	g.Expect(tr.status).To(Equal(http.StatusOK))

	r = f.do(t, http.MethodPut, "/_emulator/tenants/"+tenantB+"/behaviour", "", "application/json",
		`{"patchStatus":204,"latency":"1ms","budgetWindow":"1m","budget":5,"tokenLifetime":"2h",`+
			`"faults":[{"kind":"get","status":503,"retryAfter":"0.5"}],"drop":["x"]}`)
	g.Expect(r.status).To(Equal(http.StatusNoContent))

	r = f.do(
		t,
		http.MethodPatch,
		"/_emulator/tenants/"+tenantB+"/properties",
		"",
		"application/json",
		`{"a":1,"b":"two"}`,
	)
	g.Expect(r.status).To(Equal(http.StatusOK))
	g.Expect(r.body).To(Equal(map[string]any{"a": 1.0, "b": "two"}))
	r = f.do(
		t,
		http.MethodPatch,
		"/_emulator/tenants/"+tenantB+"/properties",
		"",
		"application/json",
		`{"a":null}`,
	)
	g.Expect(r.body).To(Equal(map[string]any{"b": "two"}))

	token := tr.body["access_token"].(string)
	g.Expect(f.get(t, token).status).To(Equal(http.StatusServiceUnavailable))
	g.Expect(f.patch(t, token, `{"c":3}`).status).To(Equal(http.StatusNoContent))

	r = f.do(t, http.MethodGet, "/_emulator/tenants/"+tenantB+"/counts", "", "", "")
	g.Expect(r.body).To(Equal(map[string]any{
		"token": 1.0, "discovery": 0.0, "get": 1.0, "patch": 1.0, "throttled": 0.0, "errors": 1.0,
	}))
	r = f.do(t, http.MethodGet, "/_emulator/tenants/"+tenantB+"/requests", "", "", "")
	var requests []emulator.Request
	g.Expect(json.Unmarshal(r.raw, &requests)).To(Succeed())
	g.Expect(requests).To(HaveLen(3))
	g.Expect(requests[2].Body).To(MatchJSON(`{"c":3}`))

	r = f.do(t, http.MethodPost, "/_emulator/tenants/"+tenantB+"/revoke-tokens", "", "", "")
	g.Expect(r.status).To(Equal(http.StatusNoContent))
	g.Expect(f.get(t, token).status).To(Equal(http.StatusUnauthorized))

	r = f.do(t, http.MethodDelete, "/_emulator/tenants/"+tenantB+"/requests", "", "", "")
	g.Expect(r.status).To(Equal(http.StatusNoContent))
	g.Expect(f.s.Counts(tenantB)).To(Equal(emulator.Counts{}))

	r = f.do(t, http.MethodDelete, "/_emulator/tenants/"+tenantB+"/apps/"+clientA, "", "", "")
	g.Expect(r.status).To(Equal(http.StatusNoContent))
	tr = f.tokenRequest(t, tenantB, secretForm(clientA, "b-secret", graphURL+"/.default"))
	g.Expect(tr.body["error"]).To(Equal("unauthorized_client"))
}

func TestAdminAPIErrors(t *testing.T) {
	cases := map[string]struct{ method, path, body string }{
		"tenant without id": {http.MethodPost, "/_emulator/tenants", `{}`},
		"invalid json":      {http.MethodPost, "/_emulator/tenants", `{`},
		"app without client": {
			http.MethodPost,
			"/_emulator/tenants/" + tenantA + "/apps",
			`{"secret":"x"}`,
		},
		"app without secret": {
			http.MethodPost,
			"/_emulator/tenants/" + tenantA + "/apps",
			`{"clientID":"x"}`,
		},
		"bad certificate": {
			http.MethodPost,
			"/_emulator/tenants/" + tenantA + "/apps",
			`{"clientID":"x","certificatePEM":"nope"}`,
		},
		"bad duration": {
			http.MethodPut,
			"/_emulator/tenants/" + tenantA + "/behaviour",
			`{"latency":"soon"}`,
		},
		"properties as array": {
			http.MethodPatch,
			"/_emulator/tenants/" + tenantA + "/properties",
			`[1]`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t)
			r := f.do(t, tc.method, tc.path, "", "application/json", tc.body)
			g.Expect(r.status).To(Equal(http.StatusBadRequest))
			g.Expect(r.body["error"]).NotTo(BeEmpty())
		})
	}
}

func TestBehaviourJSONRoundTrip(t *testing.T) {
	g := NewWithT(t)
	b := emulator.Behaviour{
		PatchStatus: 204, Latency: 5 * time.Millisecond, Budget: 3, BudgetWindow: time.Minute,
		RetryAfter: "2.128", Faults: []emulator.Fault{{Kind: "token", Status: 401}},
		Reject: []string{
			"a",
		}, Lowercase: []string{"b"}, Drop: []string{"c"}, TokenLifetime: time.Hour,
	}
	data, err := json.Marshal(b)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(string(data)).To(ContainSubstring(`"latency":"5ms"`))
	var back emulator.Behaviour
	g.Expect(json.Unmarshal(data, &back)).To(Succeed())
	g.Expect(back).To(Equal(b))
}

func TestAddCertificateAppPanicsOnBadPEM(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	g.Expect(func() { f.s.AddCertificateApp(tenantA, clientA, []byte("not pem")) }).To(Panic())
	g.Expect(func() { f.s.AddCertificateApp(tenantA, clientA, rsaCertificatePEM(t)) }).
		NotTo(Panic())
}

func rsaCertificatePEM(t *testing.T) []byte {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
