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
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/emulator/emulatortest"
	"github.com/securityoperator/security-operator/internal/graph"
)

const (
	tenantID = "11111111-1111-1111-1111-111111111111"
	clientID = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
	secret   = "s3cret-value-never-logged"
	scope    = "https://graph.microsoft.com/.default"
)

func secretSource() Source {
	return Source{
		Cloud:        v1alpha1.CloudPublic,
		TenantID:     tenantID,
		ClientID:     clientID,
		ClientSecret: secret,
	}
}

// emulatorCache returns an emulator with the secret app and a cache that
// reaches it.
func emulatorCache(t *testing.T, o Options) (*emulator.Server, *Cache) {
	t.Helper()
	s := emulatortest.Start(t, emulator.Options{})
	s.AddSecretApp(tenantID, clientID, secret)
	o.Resolver = emulatortest.Resolver(s)
	o.HTTPClient = emulatortest.HTTPClient(t, s)
	o.Retry = policy.RetryOptions{MaxRetries: -1}
	return s, NewCache(o)
}

func getToken(cred azcore.TokenCredential) (azcore.AccessToken, error) {
	return cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{scope}})
}

func TestCredentialReused(t *testing.T) {
	g := NewWithT(t)
	s, c := emulatorCache(t, Options{})
	first, err := c.Credential(secretSource())
	g.Expect(err).NotTo(HaveOccurred())
	for range 10 {
		cred, err := c.Credential(secretSource())
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(cred).To(BeIdenticalTo(first))
		_, err = getToken(cred)
		g.Expect(err).NotTo(HaveOccurred())
	}
	g.Expect(s.Counts(tenantID).Token).To(Equal(int64(1)))
	g.Expect(c.Len()).To(Equal(1))
}

func TestCredentialKeyIgnoresCase(t *testing.T) {
	g := NewWithT(t)
	c := NewCache(Options{})
	first, err := c.Credential(secretSource())
	g.Expect(err).NotTo(HaveOccurred())
	src := secretSource()
	src.Cloud = ""
	src.ClientID = strings.ToUpper(src.ClientID)
	src.TenantID = strings.ToUpper(src.TenantID)
	second, err := c.Credential(src)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(c.Len()).To(Equal(1))
	g.Expect(second).To(BeIdenticalTo(first))
}

func TestCredentialReplacedOnChange(t *testing.T) {
	g := NewWithT(t)
	s, c := emulatorCache(t, Options{})
	old, err := c.Credential(secretSource())
	g.Expect(err).NotTo(HaveOccurred())
	_, err = getToken(old)
	g.Expect(err).NotTo(HaveOccurred())

	s.AddSecretApp(tenantID, clientID, "rotated")
	src := secretSource()
	src.ClientSecret = "rotated"
	rotated, err := c.Credential(src)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(rotated).NotTo(BeIdenticalTo(old))
	g.Expect(c.Len()).To(Equal(1))
	_, err = getToken(rotated)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(s.Counts(tenantID).Token).To(Equal(int64(2)))

	again, err := c.Credential(src)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again).To(BeIdenticalTo(rotated))
}

func TestForgetDropsTenant(t *testing.T) {
	g := NewWithT(t)
	c := NewCache(Options{})
	other := secretSource()
	other.ClientID = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"
	otherTenant := secretSource()
	otherTenant.TenantID = "22222222-2222-2222-2222-222222222222"
	otherCloud := secretSource()
	otherCloud.Cloud = v1alpha1.CloudChina
	for _, src := range []Source{secretSource(), other, otherTenant, otherCloud} {
		_, err := c.Credential(src)
		g.Expect(err).NotTo(HaveOccurred())
	}
	g.Expect(c.Len()).To(Equal(4))

	c.Forget("", strings.ToUpper(tenantID))

	g.Expect(c.Len()).To(Equal(2))
	g.Expect(c.entries).To(HaveKey(keyOf(v1alpha1.CloudChina, tenantID, clientID)))
	g.Expect(c.entries).To(HaveKey(keyOf(v1alpha1.CloudPublic, otherTenant.TenantID, clientID)))
}

func TestCacheKeepsNoSecret(t *testing.T) {
	g := NewWithT(t)
	c := NewCache(Options{})
	certPEM, keyPEM := rsaPair(t, 2048)
	certSource := Source{TenantID: tenantID, ClientID: "cccccccc-cccc-cccc-cccc-cccccccccccc",
		CertificatePEM: certPEM, PrivateKeyPEM: keyPEM}
	for _, src := range []Source{secretSource(), certSource} {
		_, err := c.Credential(src)
		g.Expect(err).NotTo(HaveOccurred())
	}
	for k, e := range c.entries {
		text := fmt.Sprintf("%#v %x", k, e.fingerprint)
		g.Expect(text).NotTo(ContainSubstring(secret))
		g.Expect(text).NotTo(ContainSubstring(fmt.Sprintf("%x", secret)))
		g.Expect(text).NotTo(ContainSubstring("PRIVATE KEY"))
	}
}

func TestInvalidSources(t *testing.T) {
	certPEM, keyPEM := rsaPair(t, 2048)
	_, otherKey := rsaPair(t, 2048)
	ecCert, ecKey := ecPair(t)
	encrypted := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}})
	legacyEncrypted := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: []byte{1}})
	base := Source{TenantID: tenantID, ClientID: clientID}
	with := func(edit func(*Source)) Source {
		s := base
		edit(&s)
		return s
	}
	cases := map[string]struct {
		src     Source
		message string
	}{
		"no tenant": {
			with(func(s *Source) { s.TenantID = ""; s.ClientSecret = secret }),
			"tenant ID is empty",
		},
		"no client": {
			with(func(s *Source) { s.ClientID = " "; s.ClientSecret = secret }),
			"clientID is missing",
		},
		"nothing": {base, "set clientSecret, or tls.crt and tls.key"},
		"blank secret": {
			with(func(s *Source) { s.ClientSecret = "  " }),
			"clientSecret contains only white space",
		},
		"secret and cert": {
			with(func(s *Source) { s.ClientSecret = secret; s.CertificatePEM = certPEM }),
			"set only one",
		},
		"secret and wi": {
			with(func(s *Source) { s.ClientSecret = secret; s.WorkloadIdentity = true }),
			"set only one",
		},
		"cert without key": {
			with(func(s *Source) { s.CertificatePEM = certPEM }),
			"tls.key is missing",
		},
		"key without cert": {
			with(func(s *Source) { s.PrivateKeyPEM = keyPEM }),
			"tls.crt is missing",
		},
		"cert not pem": {
			with(func(s *Source) { s.CertificatePEM = []byte("junk"); s.PrivateKeyPEM = keyPEM }),
			"tls.crt contains no PEM",
		},
		"cert corrupt": {with(func(s *Source) {
			s.CertificatePEM = pem.EncodeToMemory(
				&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2}},
			)
			s.PrivateKeyPEM = keyPEM
		}), "tls.crt: certificate 1 does not parse"},
		"key not pem": {
			with(func(s *Source) { s.CertificatePEM = certPEM; s.PrivateKeyPEM = []byte("junk") }),
			"tls.key contains no PEM",
		},
		"key corrupt": {with(func(s *Source) {
			s.CertificatePEM = certPEM
			s.PrivateKeyPEM = pem.EncodeToMemory(
				&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2}},
			)
		}), "tls.key: the PRIVATE KEY block does not parse"},
		"key mismatch": {
			with(func(s *Source) { s.CertificatePEM = certPEM; s.PrivateKeyPEM = otherKey }),
			"does not match",
		},
		"ec key": {
			with(func(s *Source) { s.CertificatePEM = ecCert; s.PrivateKeyPEM = ecKey }),
			"ECDSA key",
		},
		"encrypted pkcs8": {
			with(func(s *Source) { s.CertificatePEM = certPEM; s.PrivateKeyPEM = encrypted }),
			"encrypted",
		},
		"encrypted legacy": {
			with(
				func(s *Source) { s.CertificatePEM = certPEM; s.PrivateKeyPEM = legacyEncrypted },
			),
			"encrypted",
		},
		"wi off": {
			with(func(s *Source) { s.WorkloadIdentity = true }),
			"workload identity is not configured",
		},
		"bad tenant": {
			with(func(s *Source) { s.TenantID = "a/b"; s.ClientSecret = secret }),
			"invalid tenantID",
		},
		"unknown cloud": {
			with(func(s *Source) { s.Cloud = "Mars"; s.ClientSecret = secret }),
			"unknown cloud",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			c := NewCache(Options{})
			cred, err := c.Credential(tc.src)
			g.Expect(cred).To(BeNil())
			g.Expect(errors.Is(err, ErrInvalid)).To(BeTrue(), "error %v", err)
			g.Expect(err.Error()).To(ContainSubstring(tc.message))
			g.Expect(err.Error()).NotTo(ContainSubstring(secret))
			g.Expect(err.Error()).NotTo(ContainSubstring("BEGIN"))
			g.Expect(c.Len()).To(BeZero())
		})
	}
}

func TestCertificateKeyFormats(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := certificatePEM(t, &key.PublicKey, key)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	_, ecKey := ecPair(t)
	cases := map[string][]byte{
		"pkcs1": pem.EncodeToMemory(
			&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)},
		),
		"pkcs8": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		"after other blocks": append(
			pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8}}),
			pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...),
	}
	for name, keyPEM := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			s, c := emulatorCache(t, Options{})
			s.AddCertificateApp(tenantID, "cccccccc-cccc-cccc-cccc-cccccccccccc", certPEM)
			chain := append(append([]byte(nil), certPEM...), rsaCA(t)...)
			cred, err := c.Credential(
				Source{TenantID: tenantID, ClientID: "cccccccc-cccc-cccc-cccc-cccccccccccc",
					CertificatePEM: chain, PrivateKeyPEM: keyPEM},
			)
			g.Expect(err).NotTo(HaveOccurred())
			_, err = getToken(cred)
			g.Expect(err).NotTo(HaveOccurred())
		})
	}
	g := NewWithT(t)
	_, _, err = parseCertificate(certPEM, ecKey)
	g.Expect(err).To(MatchError(ContainSubstring("need an RSA key")))
}

func TestWorkloadIdentityReadsFileEachRequest(t *testing.T) {
	g := NewWithT(t)
	file := filepath.Join(t.TempDir(), "token")
	g.Expect(os.WriteFile(file, []byte("federated-token-1\n"), 0o600)).To(Succeed())
	s, c := emulatorCache(t, Options{FederatedTokenFile: file})
	const wiClient = "eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee"
	s.AddFederatedApp(tenantID, wiClient, "federated-token-1")
	// Tokens that expire at once make every GetToken a token request.
	s.SetBehaviour(tenantID, emulator.Behaviour{TokenLifetime: time.Second})
	src := Source{TenantID: tenantID, ClientID: wiClient, WorkloadIdentity: true}
	cred, err := c.Credential(src)
	g.Expect(err).NotTo(HaveOccurred())
	_, err = getToken(cred)
	g.Expect(err).NotTo(HaveOccurred())

	// The kubelet rotates the projected token; Microsoft Entra accepts
	// only the new one.
	s.RemoveApp(tenantID, wiClient)
	s.AddFederatedApp(tenantID, wiClient, "federated-token-2")
	g.Expect(os.WriteFile(file, []byte("federated-token-2"), 0o600)).To(Succeed())
	_, err = getToken(cred)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(s.Counts(tenantID).Token).To(Equal(int64(2)))

	again, err := c.Credential(src)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again).To(BeIdenticalTo(cred))
}

func TestWorkloadIdentityMissingFile(t *testing.T) {
	g := NewWithT(t)
	_, c := emulatorCache(t, Options{FederatedTokenFile: filepath.Join(t.TempDir(), "absent")})
	cred, err := c.Credential(
		Source{TenantID: tenantID, ClientID: clientID, WorkloadIdentity: true},
	)
	g.Expect(err).NotTo(HaveOccurred())
	_, err = getToken(cred)
	g.Expect(err).To(MatchError(ContainSubstring("federated token file")))
}

func TestManyTenantsConcurrently(t *testing.T) {
	g := NewWithT(t)
	c := NewCache(Options{})
	const tenants = 1200
	var wg sync.WaitGroup
	errs := make(chan error, tenants*3)
	for round := range 3 {
		for i := range tenants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				src := secretSource()
				src.TenantID = fmt.Sprintf("00000000-0000-0000-0000-%012d", i)
				if round == 2 && i%2 == 0 {
					src.ClientSecret = "rotated"
				}
				if _, err := c.Credential(src); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
	}
	close(errs)
	g.Expect(errs).To(BeEmpty())
	g.Expect(c.Len()).To(Equal(tenants))
}

func TestTokenRequestsCounted(t *testing.T) {
	g := NewWithT(t)
	reg := prometheus.NewRegistry()
	metrics, err := graph.Register(reg)
	g.Expect(err).NotTo(HaveOccurred())
	s, c := emulatorCache(t, Options{Metrics: metrics})
	cred, err := c.Credential(secretSource())
	g.Expect(err).NotTo(HaveOccurred())
	_, err = getToken(cred)
	g.Expect(err).NotTo(HaveOccurred())
	wrong := secretSource()
	wrong.ClientSecret = "wrong"
	cred, err = c.Credential(wrong)
	g.Expect(err).NotTo(HaveOccurred())
	_, err = getToken(cred)
	g.Expect(err).To(HaveOccurred())

	g.Expect(s.Counts(tenantID).Token).To(Equal(int64(2)))
	expected := `
# HELP securityoperator_graph_token_requests_total Requests to the Microsoft Entra token endpoint by result: success, rejected (4xx), throttled (429), error (5xx) or no_response.
# TYPE securityoperator_graph_token_requests_total counter
securityoperator_graph_token_requests_total{result="rejected"} 1
securityoperator_graph_token_requests_total{result="success"} 1
# HELP securityoperator_graph_cached_credentials Token credentials held by the credential cache, one per tenant and app.
# TYPE securityoperator_graph_cached_credentials gauge
securityoperator_graph_cached_credentials 1
`
	g.Expect(testutil.GatherAndCompare(
		reg,
		strings.NewReader(expected),
		"securityoperator_graph_token_requests_total",
		"securityoperator_graph_cached_credentials",
	)).To(Succeed())
}

// TestTokenRequestCost counts what a tenant costs at the token endpoint: one
// discovery and one token request per token, none while the token is valid.
func TestTokenRequestCost(t *testing.T) {
	g := NewWithT(t)
	s, c := emulatorCache(t, Options{})
	cred, err := c.Credential(secretSource())
	g.Expect(err).NotTo(HaveOccurred())
	for range 5 {
		_, err = getToken(cred)
		g.Expect(err).NotTo(HaveOccurred())
	}
	counts := s.Counts(tenantID)
	g.Expect(counts.Token).To(Equal(int64(1)))
	g.Expect(counts.Discovery).To(Equal(int64(1)))

	// Tokens that expire within the reuse margin are requested each time,
	// each with the discovery of a new azidentity credential.
	s.SetBehaviour(tenantID, emulator.Behaviour{TokenLifetime: time.Minute})
	c.Forget("", tenantID)
	for range 2 {
		_, err = getToken(cred)
		g.Expect(err).NotTo(HaveOccurred())
	}
	counts = s.Counts(tenantID)
	g.Expect(counts.Token).To(Equal(int64(3)))
	g.Expect(counts.Discovery).To(Equal(int64(3)))
}

// TestForgetClearsCallerCredential checks that a credential a caller keeps
// outside the cache, as the reconciler does for deletion, loses its token on
// Forget.
func TestForgetClearsCallerCredential(t *testing.T) {
	g := NewWithT(t)
	s, c := emulatorCache(t, Options{})
	callerCredential, err := c.Credential(secretSource())
	g.Expect(err).NotTo(HaveOccurred())
	first, err := getToken(callerCredential)
	g.Expect(err).NotTo(HaveOccurred())

	c.Forget(v1alpha1.CloudPublic, tenantID)
	second, err := getToken(callerCredential)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(second.Token).NotTo(Equal(first.Token))
	g.Expect(s.Counts(tenantID).Token).To(Equal(int64(2)))
	g.Expect(c.Len()).To(BeZero())
}

// TestConcurrentRotationAndForget runs token requests for three tenants
// from many goroutines while Secrets rotate and Forget drops entries. With
// -race it checks the locking, and without, that every token request
// succeeds.
func TestConcurrentRotationAndForget(t *testing.T) {
	g := NewWithT(t)
	s := emulatortest.Start(t, emulator.Options{})
	tenants := []string{tenantID, "22222222-2222-2222-2222-222222222222", "33333333-3333-3333-3333-333333333333"}
	for _, tn := range tenants {
		s.AddSecretApp(tn, clientID, secret)
		s.AddSecretApp(tn, clientID, "rotated")
	}
	c := NewCache(Options{
		Resolver:   emulatortest.Resolver(s),
		HTTPClient: emulatortest.HTTPClient(t, s),
		Retry:      policy.RetryOptions{MaxRetries: -1},
	})
	var wg sync.WaitGroup
	var failures atomic.Int64
	for w := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				src := secretSource()
				src.TenantID = tenants[(w+i)%len(tenants)]
				if (w+i)%5 == 0 {
					src.ClientSecret = "rotated"
				}
				cred, err := c.Credential(src)
				if err != nil {
					failures.Add(1)
					continue
				}
				if i%7 == 0 {
					c.Forget("", src.TenantID)
				}
				if _, err := getToken(cred); err != nil {
					failures.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	g.Expect(failures.Load()).To(BeZero())
	for _, tn := range tenants {
		g.Expect(s.Counts(tn).Token).To(BeNumerically(">", 0), "token requests of tenant %s", tn)
	}
}

// TestReleaseDropsOnlyThatCredential checks that a deleted Security's
// credential goes, while another app's credential for the same tenant
// stays with its token.
func TestReleaseDropsOnlyThatCredential(t *testing.T) {
	g := NewWithT(t)
	s, c := emulatorCache(t, Options{})
	const otherClient = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb"
	s.AddSecretApp(tenantID, otherClient, secret)
	deleted, err := c.Credential(secretSource())
	g.Expect(err).NotTo(HaveOccurred())
	peerSource := secretSource()
	peerSource.ClientID = otherClient
	peer, err := c.Credential(peerSource)
	g.Expect(err).NotTo(HaveOccurred())
	_, err = getToken(peer)
	g.Expect(err).NotTo(HaveOccurred())

	c.Release(deleted)
	g.Expect(c.Len()).To(Equal(1))
	again, err := c.Credential(peerSource)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(again).To(BeIdenticalTo(peer))
	_, err = getToken(again)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(s.Counts(tenantID).Token).To(Equal(int64(1)), "the peer's token was kept")

	c.Release(deleted)
	g.Expect(c.Len()).To(Equal(1), "releasing twice changes nothing")
}
