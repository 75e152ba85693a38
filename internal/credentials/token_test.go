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

package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	. "github.com/onsi/gomega"
	testingclock "k8s.io/utils/clock/testing"
)

// issuer is an azidentity stand-in that counts the credentials built and
// the tokens issued. Each token lives for lifetime and may carry a refresh
// time.
type issuer struct {
	clock    *testingclock.FakeClock
	lifetime time.Duration
	refresh  time.Duration
	fail     error
	builds   int
	issued   int
}

func (i *issuer) build(Source) (azcore.TokenCredential, error) {
	i.builds++
	return i, nil
}

func (i *issuer) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if i.fail != nil {
		return azcore.AccessToken{}, i.fail
	}
	i.issued++
	tok := azcore.AccessToken{
		Token:     fmt.Sprintf("token-%d", i.issued),
		ExpiresOn: i.clock.Now().Add(i.lifetime),
	}
	if i.refresh > 0 {
		tok.RefreshOn = i.clock.Now().Add(i.refresh)
	}
	return tok, nil
}

func newStubCredential(i *issuer) *tokenCredential {
	first, _ := i.build(Source{})
	return newTokenCredential(Source{}, first, i.build, i.clock.Now)
}

func graphScope(scope string) policy.TokenRequestOptions {
	return policy.TokenRequestOptions{Scopes: []string{scope}}
}

func TestTokenReusedUntilExpiryMargin(t *testing.T) {
	g := NewWithT(t)
	i := &issuer{clock: testingclock.NewFakeClock(time.Now()), lifetime: time.Hour}
	cred := newStubCredential(i)
	ctx := context.Background()

	tok, err := cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-1"))
	g.Expect(cred.first).To(BeNil(), "the credential built to check the Secret is dropped after use")

	i.clock.Step(time.Hour - expiryMargin - time.Second)
	tok, err = cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-1"))

	i.clock.Step(2 * time.Second)
	tok, err = cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-2"))
	g.Expect(i.builds).To(Equal(2), "one credential per token request")
}

func TestTokenRequestedForOtherScopesOrClaims(t *testing.T) {
	g := NewWithT(t)
	i := &issuer{clock: testingclock.NewFakeClock(time.Now()), lifetime: time.Hour}
	cred := newStubCredential(i)
	ctx := context.Background()

	_, err := cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())
	tok, err := cred.GetToken(ctx, graphScope("https://graph.microsoft.us/.default"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-2"))

	challenge := graphScope("https://graph.microsoft.us/.default")
	challenge.Claims = `{"access_token":{"nbf":{"essential":true}}}`
	tok, err = cred.GetToken(ctx, challenge)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-3"))
}

func TestFailedRefreshKeepsValidToken(t *testing.T) {
	g := NewWithT(t)
	i := &issuer{
		clock:    testingclock.NewFakeClock(time.Now()),
		lifetime: 4 * time.Hour,
		refresh:  2 * time.Hour,
	}
	cred := newStubCredential(i)
	ctx := context.Background()
	_, err := cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())

	i.clock.Step(2*time.Hour + time.Second)
	i.fail = errors.New("token endpoint unavailable")
	tok, err := cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-1"), "a failed early refresh keeps the valid token")

	i.fail = nil
	tok, err = cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-2"))

	i.clock.Step(4 * time.Hour)
	i.fail = errors.New("token endpoint unavailable")
	_, err = cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).To(MatchError("token endpoint unavailable"), "an expired token is never returned")
}

func TestTokenClearAndCancelledWait(t *testing.T) {
	g := NewWithT(t)
	i := &issuer{clock: testingclock.NewFakeClock(time.Now()), lifetime: time.Hour}
	cred := newStubCredential(i)
	_, err := cred.GetToken(context.Background(), graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())

	cred.clear()
	tok, err := cred.GetToken(context.Background(), graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-2"))

	// Another caller's request is in flight: a caller whose context ends
	// stops waiting for it.
	cred.lock <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).To(MatchError(context.Canceled))
	<-cred.lock
}

func TestPrintingHidesSecrets(t *testing.T) {
	g := NewWithT(t)
	_, c := emulatorCache(t, Options{})
	src := secretSource()
	cred, err := c.Credential(src)
	g.Expect(err).NotTo(HaveOccurred())
	tok, err := getToken(cred)
	g.Expect(err).NotTo(HaveOccurred())

	certPEM, keyPEM := rsaPair(t, 2048)
	certSource := Source{TenantID: tenantID, ClientID: clientID, CertificatePEM: certPEM, PrivateKeyPEM: keyPEM}
	byValue := *cred.(*tokenCredential)
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		text := fmt.Sprintf(format+" "+format+" "+format+" "+format, cred, byValue, src, certSource)
		g.Expect(text).NotTo(ContainSubstring(secret), format)
		g.Expect(text).NotTo(ContainSubstring(tok.Token), format)
		g.Expect(text).NotTo(ContainSubstring("PRIVATE KEY"), format)
		g.Expect(text).To(ContainSubstring(tenantID), format)
	}
	encoded, err := json.Marshal(struct{ Source Source }{src})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(string(encoded)).NotTo(ContainSubstring(secret))
	g.Expect(string(encoded)).To(ContainSubstring(clientID))
}

func TestTokenForOtherTenantNotKept(t *testing.T) {
	g := NewWithT(t)
	i := &issuer{clock: testingclock.NewFakeClock(time.Now()), lifetime: time.Hour}
	cred := newStubCredential(i)
	ctx := context.Background()

	other := graphScope(scope)
	other.TenantID = "22222222-2222-2222-2222-222222222222"
	tok, err := cred.GetToken(ctx, other)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-1"))
	tok, err = cred.GetToken(ctx, graphScope(scope))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(tok.Token).To(Equal("token-2"), "the other tenant's token is not reused")
}
