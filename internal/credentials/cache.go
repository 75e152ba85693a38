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

// Package credentials hands out one token credential per tenant and app,
// and keeps it while its content is unchanged. The credential keeps its
// last token, which makes a tenant cost one token request per token
// lifetime across reconciles. It builds an azidentity credential for each
// token request and drops it afterwards, so a tenant between token
// requests costs its token and its Secret's values, not an MSAL client.
// The price is one more request per token: MSAL reads the tenant's OpenID
// configuration once per credential.
package credentials

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/cloud"
	"github.com/securityoperator/security-operator/internal/graph"
)

// ErrInvalid is wrapped by Credential for unusable input: a missing or
// empty value, PEM data that does not parse, several kinds of credentials
// at once, or workload identity when the operator has no federated token.
// Its messages name the Secret key, never the value.
var ErrInvalid = errors.New("invalid credentials")

// Source is the content of one app registration's credentials. Set exactly
// one of ClientSecret, the pair CertificatePEM and PrivateKeyPEM, or
// WorkloadIdentity.
type Source struct {
	// Cloud selects the login host. Empty means Public.
	Cloud v1alpha1.Cloud
	// TenantID is the Microsoft Entra tenant ID.
	TenantID string
	// ClientID is the app registration's application (client) ID.
	ClientID string
	// ClientSecret is the app's client secret (Secret key clientSecret).
	ClientSecret string
	// CertificatePEM is the app's certificate, optionally followed by its
	// chain (Secret key tls.crt).
	CertificatePEM []byte
	// PrivateKeyPEM is the certificate's RSA private key in PKCS#1 or
	// PKCS#8 form (Secret key tls.key).
	PrivateKeyPEM []byte
	// WorkloadIdentity exchanges the operator's own federated service
	// account token for a token of the app.
	WorkloadIdentity bool
}

// Options configure a Cache.
type Options struct {
	// Resolver gives the login host of each cloud.
	Resolver cloud.Resolver
	// HTTPClient sends token requests, such as a client that trusts the
	// --graph-ca-file bundle. Nil means azcore's default client.
	HTTPClient *http.Client
	// FederatedTokenFile is the path of the operator's federated service
	// account token, as in AZURE_FEDERATED_TOKEN_FILE. Empty disables
	// workload identity.
	FederatedTokenFile string
	// Metrics counts token requests and cached credentials. Nil records
	// nothing.
	Metrics *graph.Metrics
	// Retry configures azcore's retries of failed token requests. The zero
	// value is azcore's default: up to 3 retries of 408, 429 and 5xx
	// responses, starting at 800ms.
	Retry policy.RetryOptions
}

// Cache holds one credential per cloud, tenant and client ID. It is safe
// for concurrent use.
//
// NOTE: an entry goes away only when the same key gets new content or on
// Forget. When a tenant's client ID changes, the old entry stays until its
// owner calls Forget, such as when the Security is deleted.
type Cache struct {
	o       Options
	mu      sync.Mutex
	entries map[key]entry
}

// key identifies a credential. It holds no secret.
type key struct {
	cloud    v1alpha1.Cloud
	tenantID string
	clientID string
}

// entry is a credential and the SHA-256 fingerprint of the content it
// was built from.
type entry struct {
	fingerprint [sha256.Size]byte
	credential  *tokenCredential
}

// NewCache returns an empty cache.
func NewCache(o Options) *Cache {
	return &Cache{o: o, entries: map[key]entry{}}
}

// Credential returns the cached credential for src's cloud, tenant and
// client ID when the credential content is unchanged, and otherwise builds
// a new one and drops the old one, with its cached token. Building checks
// the content and makes no network request. Failures for unusable input
// wrap ErrInvalid.
func (c *Cache) Credential(src Source) (azcore.TokenCredential, error) {
	if err := validate(src); err != nil {
		return nil, err
	}
	k := keyOf(src.Cloud, src.TenantID, src.ClientID)
	fp := c.fingerprint(src)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok && e.fingerprint == fp {
		return e.credential, nil
	}
	first, err := c.build(src)
	if err != nil {
		return nil, err
	}
	cred := newTokenCredential(src, first, c.build, time.Now)
	c.entries[k] = entry{fingerprint: fp, credential: cred}
	c.o.Metrics.SetCachedCredentials(len(c.entries))
	return cred, nil
}

// Forget drops every credential of the tenant in the cloud, whatever its
// client ID, such as when its Security is deleted or when Graph rejected
// its token. It also clears their tokens, because a caller may still hold
// one of the credentials.
func (c *Cache) Forget(cl v1alpha1.Cloud, tenantID string) {
	probe := keyOf(cl, tenantID, "")
	var dropped []*tokenCredential
	c.mu.Lock()
	for k, e := range c.entries {
		if k.cloud == probe.cloud && k.tenantID == probe.tenantID {
			dropped = append(dropped, e.credential)
			delete(c.entries, k)
		}
	}
	c.o.Metrics.SetCachedCredentials(len(c.entries))
	c.mu.Unlock()
	// Outside the cache's lock: clear waits for a token request in flight.
	for _, cred := range dropped {
		cred.clear()
	}
}

// Release drops cred from the cache if the cache still contains it, such as
// when the Security that used it is deleted. Unlike Forget, it leaves the
// tenant's other credentials alone, such as the one of a Security that
// took the tenant over with another app.
func (c *Cache) Release(cred azcore.TokenCredential) {
	var dropped *tokenCredential
	c.mu.Lock()
	for k, e := range c.entries {
		if azcore.TokenCredential(e.credential) == cred {
			dropped = e.credential
			delete(c.entries, k)
		}
	}
	c.o.Metrics.SetCachedCredentials(len(c.entries))
	c.mu.Unlock()
	if dropped != nil {
		dropped.clear()
	}
}

// Len returns the number of cached credentials.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// keyOf normalises the key: tenant and client IDs are GUIDs, which Microsoft
// Entra compares without regard to case.
func keyOf(cl v1alpha1.Cloud, tenantID, clientID string) key {
	if cl == "" {
		cl = v1alpha1.CloudPublic
	}
	return key{cloud: cl, tenantID: strings.ToLower(tenantID), clientID: strings.ToLower(clientID)}
}

// fingerprint hashes everything a credential is built from, each field
// length-prefixed so that no two different sources hash alike.
func (c *Cache) fingerprint(src Source) [sha256.Size]byte {
	h := sha256.New()
	k := keyOf(src.Cloud, src.TenantID, src.ClientID)
	for _, field := range [][]byte{
		[]byte(k.cloud), []byte(k.tenantID), []byte(k.clientID),
		[]byte(src.ClientSecret), src.CertificatePEM, src.PrivateKeyPEM,
		[]byte(fmt.Sprint(src.WorkloadIdentity)), []byte(c.o.FederatedTokenFile),
	} {
		writeField(h, field)
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// validate checks that src names a tenant and an app and sets exactly one
// kind of credentials.
func validate(src Source) error {
	switch {
	case strings.TrimSpace(src.TenantID) == "":
		return fmt.Errorf("%w: the tenant ID is empty", ErrInvalid)
	case strings.TrimSpace(src.ClientID) == "":
		return fmt.Errorf("%w: clientID is missing or empty", ErrInvalid)
	case src.ClientSecret != "" && strings.TrimSpace(src.ClientSecret) == "":
		return fmt.Errorf("%w: clientSecret contains only white space", ErrInvalid)
	}
	kinds := 0
	if src.ClientSecret != "" {
		kinds++
	}
	if len(src.CertificatePEM) > 0 || len(src.PrivateKeyPEM) > 0 {
		kinds++
	}
	if src.WorkloadIdentity {
		kinds++
	}
	switch kinds {
	case 0:
		return fmt.Errorf("%w: set clientSecret, or tls.crt and tls.key", ErrInvalid)
	case 1:
		return nil
	default:
		return fmt.Errorf("%w: set only one of clientSecret, the pair tls.crt and tls.key, "+
			"or workload identity", ErrInvalid)
	}
}
