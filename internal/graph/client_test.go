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
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/credentials"
	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/graph"
	"github.com/securityoperator/security-operator/internal/transport"
)

const tokenRequests = "securityoperator_graph_token_requests_total"

func TestGetReturnsObject(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	securityID := f.s.AddTenant(tenantID)
	f.s.SetProperties(tenantID, props(map[string]string{"alertsEnabled": `true`}))

	o, err := f.get(t)

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.ID()).To(Equal(securityID))
	g.Expect(o).To(HaveKeyWithValue("alertsEnabled", json.RawMessage(`true`)))
	g.Expect(o).To(HaveKey("@odata.context"))
	requests := f.s.Requests(tenantID)
	last := requests[len(requests)-1]
	g.Expect(last.Path).To(Equal("/v1.0/security"))
	g.Expect(last.UserAgent).To(Equal("security-operator/test"))
	g.Expect(last.ClientRequestID).To(MatchRegexp(`^[0-9a-f-]{36}$`))
}

func TestTokenReusedAcrossCalls(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	for range 25 {
		// Each call gets the credential from the cache again, as each reconcile does.
		_, err := f.get(t)
		g.Expect(err).NotTo(HaveOccurred())
	}
	counts := f.s.Counts(tenantID)
	g.Expect(counts.Token).To(Equal(int64(1)))
	g.Expect(counts.Discovery).To(Equal(int64(1)))
	g.Expect(counts.Get).To(Equal(int64(25)))
	g.Expect(f.metric(t, tokenRequests, "result", graph.TokenResultSuccess)).
		To(Equal(1.0))
	g.Expect(f.cache.Len()).To(Equal(1))
}

func TestClientRequestIDPerAttempt(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	f.faults(emulator.Fault{Status: 503, RetryAfter: "0.01"})
	_, err := f.get(t)
	g.Expect(err).NotTo(HaveOccurred())
	requests := f.s.Requests(tenantID)
	ids := map[string]bool{}
	for _, r := range requests {
		if r.Kind == emulator.KindGet {
			ids[r.ClientRequestID] = true
		}
	}
	g.Expect(ids).To(HaveLen(2))
}

func TestPatch200ReturnsObject(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	securityID := f.s.AddTenant(tenantID)

	o, err := f.client.Patch(context.Background(), f.tenant(t, secretSource(secret)),
		props(map[string]string{"alertsEnabled": `false`}))

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.ID()).To(Equal(securityID))
	g.Expect(o).To(HaveKeyWithValue("alertsEnabled", json.RawMessage(`false`)))
	counts := f.s.Counts(tenantID)
	g.Expect(counts.Patch).To(Equal(int64(1)))
	g.Expect(counts.Get).To(Equal(int64(0)))
	requests := f.s.Requests(tenantID)
	g.Expect(requests[len(requests)-1].Body).To(MatchJSON(
		`{"@odata.type":"#microsoft.graph.security","alertsEnabled":false}`))
}

func TestPatch204ReadsBack(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	securityID := f.s.AddTenant(tenantID)
	f.s.SetBehaviour(tenantID, emulator.Behaviour{PatchStatus: http.StatusNoContent})

	o, err := f.client.Patch(context.Background(), f.tenant(t, secretSource(secret)),
		props(map[string]string{"mode": `"Strict"`}))

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.ID()).To(Equal(securityID))
	g.Expect(o).To(HaveKeyWithValue("mode", json.RawMessage(`"Strict"`)))
	counts := f.s.Counts(tenantID)
	g.Expect(counts.Patch).To(Equal(int64(1)))
	g.Expect(counts.Get).To(Equal(int64(1)))
}

func TestPatchRejectedProperty(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	f.s.SetBehaviour(tenantID, emulator.Behaviour{Reject: []string{"unknownThing"}})
	_, err := f.client.Patch(context.Background(), f.tenant(t, secretSource(secret)),
		props(map[string]string{"unknownThing": `1`}))
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassRejected))
	g.Expect(gerr.StatusCode).To(Equal(400))
	g.Expect(gerr.Code).To(Equal("BadRequest"))
	g.Expect(gerr.Message).To(ContainSubstring("unknownThing"))
	g.Expect(f.s.Counts(tenantID).Patch).To(Equal(int64(1)))
}

func TestErrorClasses(t *testing.T) {
	cases := map[string]struct {
		fault emulator.Fault
		class graph.Class
		code  string
	}{
		"401": {
			emulator.Fault{Status: 401},
			graph.ClassAuthentication,
			"InvalidAuthenticationToken",
		},
		"403": {emulator.Fault{Status: 403}, graph.ClassPermission, "Authorization_RequestDenied"},
		"400": {emulator.Fault{Status: 400}, graph.ClassRejected, "BadRequest"},
		"404": {emulator.Fault{Status: 404}, graph.ClassRejected, "Request_ResourceNotFound"},
		"405": {emulator.Fault{Status: 405}, graph.ClassRejected, "Request_BadRequest"},
		"409": {emulator.Fault{Status: 409}, graph.ClassRejected, "Conflict"},
		"412": {emulator.Fault{Status: 412}, graph.ClassRejected, "PreconditionFailed"},
		"413": {emulator.Fault{Status: 413}, graph.ClassRejected, "RequestEntityTooLarge"},
		"422": {emulator.Fault{Status: 422}, graph.ClassRejected, "UnprocessableEntity"},
		"500": {emulator.Fault{Status: 500}, graph.ClassUnavailable, "generalException"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, nil)
			f.faults(tc.fault)
			_, err := f.get(t)
			gerr := graphError(t, err)
			g.Expect(gerr.Class).To(Equal(tc.class))
			g.Expect(gerr.StatusCode).To(Equal(tc.fault.Status))
			g.Expect(gerr.Method).To(Equal(http.MethodGet))
			g.Expect(gerr.Code).To(Equal(tc.code))
			g.Expect(gerr.Message).To(Equal("Injected fault."))
			g.Expect(gerr.RequestID).To(MatchRegexp(`^[0-9a-f-]{36}$`))
			g.Expect(gerr.ClientRequestID).To(Equal(f.lastClientRequestID()))
			g.Expect(gerr.RetryAfter).To(BeZero())
			g.Expect(f.s.Counts(tenantID).Get).To(Equal(int64(1)), "not retried")
			g.Expect(gerr.Error()).To(ContainSubstring("request-id " + gerr.RequestID))
		})
	}
}

func TestRevokedTokenAuthenticationFailed(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	tenant := f.tenant(t, secretSource(secret))
	_, err := f.client.Get(context.Background(), tenant)
	g.Expect(err).NotTo(HaveOccurred())
	token, err := tenant.Credential.GetToken(context.Background(),
		policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	g.Expect(err).NotTo(HaveOccurred())

	f.s.RevokeTokens(tenantID)
	_, err = f.client.Get(context.Background(), tenant)

	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassAuthentication))
	g.Expect(gerr.StatusCode).To(Equal(401))
	g.Expect(gerr.Code).To(Equal("InvalidAuthenticationToken"))
	g.Expect(gerr.Token).To(BeFalse(), "Graph itself rejected the token")
	g.Expect(gerr.Error()).NotTo(ContainSubstring(token.Token))

	// Forgetting the tenant's credential, as a caller does on this class,
	// gets a new token on the next call.
	f.cache.Forget(v1alpha1.CloudPublic, tenantID)
	_, err = f.get(t)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(f.s.Counts(tenantID).Token).To(Equal(int64(2)))
}

func TestFractionalRetryAfterHonoured(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	f.faults(emulator.Fault{Status: 429, RetryAfter: "0.35"})
	start := time.Now()
	_, err := f.get(t)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(time.Since(start)).To(BeNumerically(">=", 350*time.Millisecond))
	g.Expect(f.s.Counts(tenantID).Get).To(Equal(int64(2)))
	g.Expect(f.metric(t, "securityoperator_graph_throttle_waits_total", "class", "Throttled")).
		To(Equal(1.0))
}

func TestRetriesBoundedThenRetryAfter(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	f.faults(
		emulator.Fault{Status: 503, RetryAfter: "0.05"},
		emulator.Fault{Status: 504, RetryAfter: "0.05"},
		emulator.Fault{Status: 503, RetryAfter: "0.05"},
	)
	_, err := f.get(t)
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassUnavailable))
	g.Expect(gerr.StatusCode).To(Equal(503))
	g.Expect(gerr.Code).To(Equal("serviceNotAvailable"))
	g.Expect(gerr.RetryAfter).To(Equal(50 * time.Millisecond))
	g.Expect(f.s.Counts(tenantID).Get).To(Equal(int64(3)))
}

func TestThrottledWithoutRetryAfterBacksOff(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, func(o *graph.Options) { o.MaxAttempts = 2 })
	f.faults(emulator.Fault{Status: 429}, emulator.Fault{Status: 429})
	_, err := f.get(t)
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassThrottled))
	g.Expect(gerr.Code).To(Equal("TooManyRequests"))
	g.Expect(gerr.RetryAfter).To(BeNumerically(">", 0))
	g.Expect(f.s.Counts(tenantID).Get).To(Equal(int64(2)))
}

func TestLongRetryAfterReturnedAtOnce(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	f.faults(emulator.Fault{Status: 429, RetryAfter: "30"})
	start := time.Now()
	_, err := f.get(t)
	gerr := graphError(t, err)
	g.Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))
	g.Expect(gerr.Class).To(Equal(graph.ClassThrottled))
	g.Expect(gerr.RetryAfter).To(Equal(30 * time.Second))
	g.Expect(f.s.Counts(tenantID).Get).To(Equal(int64(1)))
}

func TestBudgetThrottlesClient(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, func(o *graph.Options) { o.MaxAttempts = 1 })
	f.s.SetBehaviour(
		tenantID,
		emulator.Behaviour{Budget: 1, BudgetWindow: time.Minute, RetryAfter: "2.128"},
	)
	_, err := f.get(t)
	g.Expect(err).NotTo(HaveOccurred())
	_, err = f.get(t)
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassThrottled))
	g.Expect(gerr.RetryAfter).To(Equal(2128 * time.Millisecond))
}

func TestContextCancelStopsWait(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, func(o *graph.Options) { o.MaxInCallWait = time.Minute })
	f.faults(emulator.Fault{Status: 429, RetryAfter: "20"})
	tenant := f.tenant(t, secretSource(secret))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := f.client.Get(ctx, tenant)
	g.Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))
	g.Expect(errors.Is(err, context.Canceled)).To(BeTrue())
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassUnavailable))
	g.Expect(gerr.Code).To(Equal("TooManyRequests"))
}

func TestTimeoutPerAttempt(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, func(o *graph.Options) {
		o.Timeout = 300 * time.Millisecond
		o.MaxAttempts = 1
	})
	_, err := f.get(t) // a token first, so that the timeout covers only the GET
	g.Expect(err).NotTo(HaveOccurred())
	f.faults(emulator.Fault{Hang: true})
	start := time.Now()
	_, err = f.get(t)
	elapsed := time.Since(start)
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassUnavailable))
	g.Expect(gerr.StatusCode).To(BeZero())
	g.Expect(gerr.Message).To(ContainSubstring("timed out after 300ms"))
	g.Expect(gerr.ClientRequestID).NotTo(BeEmpty())
	g.Expect(elapsed).To(BeNumerically(">=", 300*time.Millisecond))
	g.Expect(elapsed).To(BeNumerically("<", 3*time.Second))
}

func TestTimeoutRetried(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, func(o *graph.Options) { o.Timeout = 300 * time.Millisecond })
	_, err := f.get(t)
	g.Expect(err).NotTo(HaveOccurred())
	f.faults(emulator.Fault{Kind: "patch", Hang: true})
	_, err = f.client.Patch(context.Background(), f.tenant(t, secretSource(secret)),
		props(map[string]string{"a": `1`}))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(f.s.Counts(tenantID).Patch).To(Equal(int64(2)))
}

func TestConnectionReset(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, func(o *graph.Options) { o.MaxAttempts = 1 })
	f.faults(emulator.Fault{Reset: true})
	_, err := f.get(t)
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassUnavailable))
	g.Expect(gerr.StatusCode).To(BeZero())
	g.Expect(gerr.Message).To(HavePrefix("request failed: "))
	g.Expect(gerr.Err).To(HaveOccurred())
}

func TestConnectionResetRetried(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	f.faults(emulator.Fault{Reset: true})
	_, err := f.get(t)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(f.s.Counts(tenantID).Get).To(Equal(int64(2)))
}

func TestUnusableBodies(t *testing.T) {
	cases := map[string]struct {
		fault   emulator.Fault
		class   graph.Class
		message string
	}{
		"html 500": {emulator.Fault{Status: 500, Body: "<html><body>Internal error</body></html>"},
			graph.ClassUnavailable, "the response body is not a Graph error (text/html, 40 bytes)"},
		"empty 403": {emulator.Fault{Status: 403, Empty: true},
			graph.ClassPermission, "the response has no body"},
		"truncated 400": {emulator.Fault{Status: 400, Body: `{"error":{"code":"BadReq`},
			graph.ClassRejected, "the response body is not a Graph error (application/json, 24 bytes)"},
		"truncated 200": {emulator.Fault{Status: 200, Body: `{"id":"abc","a":`},
			graph.ClassUnavailable, "response body is not a JSON object"},
		"html 200": {emulator.Fault{Status: 200, Body: `<html>login page</html>`},
			graph.ClassUnavailable, "response body is not a JSON object"},
		"empty 200": {emulator.Fault{Status: 200, Empty: true},
			graph.ClassUnavailable, "response body is empty"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, nil)
			f.faults(tc.fault)
			_, err := f.get(t)
			gerr := graphError(t, err)
			g.Expect(gerr.Class).To(Equal(tc.class))
			g.Expect(gerr.StatusCode).To(Equal(tc.fault.Status))
			g.Expect(gerr.Message).To(HavePrefix(tc.message))
			g.Expect(gerr.RequestID).NotTo(BeEmpty())
			g.Expect(gerr.Error()).NotTo(ContainSubstring("<html>"))
		})
	}
}

func TestInvalidVersionRejected(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	tenant := f.tenant(t, secretSource(secret))
	tenant.Version = "../users"
	_, err := f.client.Get(context.Background(), tenant)
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassRejected))
	g.Expect(gerr.Message).To(ContainSubstring("invalid Graph version"))
	g.Expect(f.s.Counts(tenantID).Token).To(BeZero())
}

func TestUnknownCloudRejected(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	tenant := f.tenant(t, secretSource(secret))
	tenant.Cloud = "Mars"
	_, err := f.client.Get(context.Background(), tenant)
	g.Expect(graphError(t, err).Class).To(Equal(graph.ClassRejected))
}

func TestWrongSecretAuthenticationFailed(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	_, err := f.client.Get(context.Background(), f.tenant(t, secretSource("not-the-secret")))
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassAuthentication))
	g.Expect(gerr.StatusCode).To(Equal(401))
	g.Expect(gerr.Code).To(Equal("invalid_client"))
	g.Expect(gerr.Message).To(HavePrefix("token request rejected: AADSTS7000215: "))
	g.Expect(gerr.Token).To(BeTrue())
	g.Expect(gerr.Error()).To(HavePrefix("token for graph GET security failed with status 401 (AuthenticationFailed)"))
	g.Expect(gerr.RequestID).To(MatchRegexp(`^[0-9a-f-]{36}$`))
	g.Expect(gerr.Error()).NotTo(ContainSubstring("not-the-secret"))
	g.Expect(gerr.Error()).NotTo(ContainSubstring("\n"))
	g.Expect(f.s.Counts(tenantID).Get).To(BeZero())
	g.Expect(f.metric(t, tokenRequests, "result", graph.TokenResultRejected)).
		To(Equal(1.0))
}

func TestUnknownAppAuthenticationFailed(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	src := secretSource(secret)
	src.ClientID = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"
	_, err := f.client.Get(context.Background(), f.tenant(t, src))
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassAuthentication))
	g.Expect(gerr.Code).To(Equal("unauthorized_client"))
}

func TestTokenEndpointFailures(t *testing.T) {
	cases := map[string]struct {
		fault  emulator.Fault
		class  graph.Class
		status int
		code   string
	}{
		"503": {
			emulator.Fault{Kind: "token", Status: 503},
			graph.ClassUnavailable,
			503,
			"temporarily_unavailable",
		},
		"429": {
			emulator.Fault{Kind: "token", Status: 429, RetryAfter: "3"},
			graph.ClassThrottled,
			429,
			"temporarily_unavailable",
		},
		"400": {
			emulator.Fault{Kind: "token", Status: 400, Code: "invalid_request"},
			graph.ClassAuthentication,
			400,
			"invalid_request",
		},
		"html 502": {
			emulator.Fault{Kind: "token", Status: 502, Body: "<html>gateway</html>"},
			graph.ClassUnavailable,
			502,
			"",
		},
		"reset": {emulator.Fault{Kind: "token", Reset: true}, graph.ClassUnavailable, 0, ""},
		"200 garbage": {
			emulator.Fault{Kind: "token", Status: 200, Body: `{"access_token":`},
			graph.ClassUnavailable,
			0,
			"",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			f := newFixture(t, nil)
			f.faults(tc.fault)
			_, err := f.get(t)
			gerr := graphError(t, err)
			g.Expect(gerr.Class).To(Equal(tc.class))
			g.Expect(gerr.StatusCode).To(Equal(tc.status))
			g.Expect(gerr.Code).To(Equal(tc.code))
			g.Expect(gerr.Message).To(HavePrefix("token request"))
			g.Expect(gerr.Error()).NotTo(ContainSubstring("\n"))
			g.Expect(gerr.Error()).NotTo(ContainSubstring("<html>"))
			g.Expect(f.s.Counts(tenantID).Get).To(BeZero())
		})
	}
}

func TestTokenEndpointUnreachable(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	tenant := f.tenant(t, secretSource(secret))
	g.Expect(f.s.Close()).To(Succeed())
	_, err := f.client.Get(context.Background(), tenant)
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassUnavailable))
	g.Expect(gerr.StatusCode).To(BeZero())
	g.Expect(gerr.Message).
		To(Equal("token request failed: the token endpoint refused the connection"))
}

func TestTokenTimeout(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, func(o *graph.Options) { o.Timeout = 300 * time.Millisecond })
	f.faults(emulator.Fault{Kind: "token", Hang: true})
	start := time.Now()
	_, err := f.get(t)
	gerr := graphError(t, err)
	g.Expect(time.Since(start)).To(BeNumerically("<", 3*time.Second))
	g.Expect(gerr.Class).To(Equal(graph.ClassUnavailable))
	g.Expect(gerr.Message).To(Equal("token request timed out after 300ms"))
}

func TestCertificateCredential(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	certPEM, keyPEM := newCertificate(t)
	const certClient = "dddddddd-dddd-dddd-dddd-dddddddddddd"
	f.s.AddCertificateApp(tenantID, certClient, certPEM)
	src := credentials.Source{
		TenantID:       tenantID,
		ClientID:       certClient,
		CertificatePEM: certPEM,
		PrivateKeyPEM:  keyPEM,
	}
	for range 5 {
		_, err := f.client.Get(context.Background(), f.tenant(t, src))
		g.Expect(err).NotTo(HaveOccurred())
	}
	g.Expect(f.s.Counts(tenantID).Token).To(Equal(int64(1)))

	otherCert, otherKey := newCertificate(t)
	src.CertificatePEM, src.PrivateKeyPEM = otherCert, otherKey
	_, err := f.client.Get(context.Background(), f.tenant(t, src))
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassAuthentication))
	g.Expect(gerr.Code).To(Equal("invalid_client"))
}

func TestRotatedSecret(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	_, err := f.get(t)
	g.Expect(err).NotTo(HaveOccurred())
	oldCred, err := f.cache.Credential(secretSource(secret))
	g.Expect(err).NotTo(HaveOccurred())

	// The app's secret is rotated in Microsoft Entra and in the Secret.
	f.s.RemoveApp(tenantID, clientID)
	f.s.AddSecretApp(tenantID, clientID, "second-secret")
	tenant := f.tenant(t, secretSource("second-secret"))
	g.Expect(tenant.Credential).NotTo(BeIdenticalTo(oldCred))
	g.Expect(f.cache.Len()).To(Equal(1))
	_, err = f.client.Get(context.Background(), tenant)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(f.s.Counts(tenantID).Token).To(Equal(int64(2)))

	// A rotation to a value that Microsoft Entra does not know fails.
	_, err = f.client.Get(context.Background(), f.tenant(t, secretSource("third-secret")))
	gerr := graphError(t, err)
	g.Expect(gerr.Class).To(Equal(graph.ClassAuthentication))
	g.Expect(gerr.Code).To(Equal("invalid_client"))
	g.Expect(gerr.Error()).NotTo(ContainSubstring("third-secret"))
}

func TestRequestMetrics(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	f.faults(emulator.Fault{Status: 503, RetryAfter: "0.01"})
	_, err := f.get(t)
	g.Expect(err).NotTo(HaveOccurred())
	expected := `
# HELP securityoperator_graph_requests_total Graph request attempts by HTTP method, status code (0 without a response) and class (OK or the error class).
# TYPE securityoperator_graph_requests_total counter
securityoperator_graph_requests_total{class="OK",code="200",method="GET"} 1
securityoperator_graph_requests_total{class="Unavailable",code="503",method="GET"} 1
`
	g.Expect(testutil.GatherAndCompare(f.reg, strings.NewReader(expected),
		"securityoperator_graph_requests_total")).To(Succeed())
	g.Expect(testutil.CollectAndCount(f.reg, "securityoperator_graph_request_duration_seconds")).
		To(Equal(1))
	g.Expect(f.metric(t, "securityoperator_graph_throttle_waits_total", "class", "Unavailable")).
		To(Equal(1.0))
	g.Expect(f.metric(t, "securityoperator_graph_cached_credentials")).To(Equal(1.0))
}

func newCertificate(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "security-operator test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(
		&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)},
	)
	return certPEM, keyPEM
}

func TestProductionTransport(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	g.Expect(os.WriteFile(caFile, f.s.CACertPEM(), 0o600)).To(Succeed())
	httpClient, err := transport.New(transport.Options{CAFile: caFile})
	g.Expect(err).NotTo(HaveOccurred())
	cache := credentials.NewCache(
		credentials.Options{Resolver: f.options.Resolver, HTTPClient: httpClient},
	)
	cred, err := cache.Credential(secretSource(secret))
	g.Expect(err).NotTo(HaveOccurred())
	client := graph.NewClient(graph.Options{Resolver: f.options.Resolver, HTTPClient: httpClient})

	o, err := client.Get(context.Background(), graph.Tenant{ID: tenantID, Credential: cred})

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.ID()).To(Equal(f.s.AddTenant(tenantID)))
}
