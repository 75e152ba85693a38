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

package emulator

import (
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as a SHA-1 thumbprint (RFC 7515).
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AddTenant adds a tenant, if missing, and returns the id of its security
// object, which is derived from the tenant ID and so stable across restarts.
func (s *Server) AddTenant(tenantID string) (securityID string) {
	return s.ensureTenant(tenantID).securityID
}

// AddSecretApp registers a client secret for the app, adding the tenant
// and the app when missing. An app may have several secrets.
func (s *Server) AddSecretApp(tenantID, clientID, secret string) {
	t := s.ensureTenant(tenantID)
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.app(clientID)
	a.secrets = append(a.secrets, secret)
	s.secrets.add(secret)
}

// AddCertificateApp registers the first certificate of certPEM, which must
// have an RSA key, for the app. It panics on a certificate it cannot use,
// because that is a mistake in the test or demo that calls it. The admin
// API returns an error instead.
func (s *Server) AddCertificateApp(tenantID, clientID string, certPEM []byte) {
	if err := s.addCertificate(tenantID, clientID, certPEM); err != nil {
		panic(err)
	}
}

func (s *Server) addCertificate(tenantID, clientID string, certPEM []byte) error {
	c, err := parseAppCertificate(certPEM)
	if err != nil {
		return err
	}
	t := s.ensureTenant(tenantID)
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.app(clientID)
	a.certs = append(a.certs, c)
	return nil
}

func parseAppCertificate(certPEM []byte) (appCert, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return appCert{}, errors.New("certificate PEM has no CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return appCert{}, fmt.Errorf("certificate does not parse: %w", err)
	}
	key, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return appCert{}, errors.New("certificate key is not RSA")
	}
	s1 := sha1.Sum(cert.Raw) //nolint:gosec // see the import.
	s256 := sha256.Sum256(cert.Raw)
	return appCert{sha1: s1[:], sha256: s256[:], key: key}, nil
}

// AddFederatedApp registers a federated credential for the app: a token
// request whose client assertion equals assertion exactly succeeds.
func (s *Server) AddFederatedApp(tenantID, clientID, assertion string) {
	t := s.ensureTenant(tenantID)
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.app(clientID)
	a.assertions = append(a.assertions, assertion)
	s.secrets.add(assertion)
}

// RemoveApp deletes the app and all its credentials. Tokens already issued
// stay valid until they expire, as in Microsoft Entra. RevokeTokens ends
// them.
func (s *Server) RemoveApp(tenantID, clientID string) {
	t := s.tenant(tenantID)
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.apps, strings.ToLower(clientID))
}

// RevokeTokens invalidates every token issued for the tenant, so that Graph
// responds 401 to a token that its client still takes as valid.
func (s *Server) RevokeTokens(tenantID string) {
	s.tokens.revoke(strings.ToLower(tenantID))
}

// SetBehaviour replaces the tenant's behaviour and its queue of faults,
// adding the tenant when missing.
func (s *Server) SetBehaviour(tenantID string, b Behaviour) {
	t := s.ensureTenant(tenantID)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.behaviour = b
	t.faults = append([]Fault(nil), b.Faults...)
	t.windowEnd, t.inWindow = time.Time{}, 0
}

// Properties returns a copy of the tenant's stored properties, without id
// and OData annotations. It returns nil for an unknown tenant.
func (s *Server) Properties(tenantID string) map[string]json.RawMessage {
	t := s.tenant(tenantID)
	if t == nil {
		return nil
	}
	return t.snapshot()
}

// SetProperties merges props into the tenant's properties, as a change
// made outside the operator would: names match without regard to case and
// null deletes. Behaviour does not apply, and id, annotations and invalid
// JSON values are skipped.
func (s *Server) SetProperties(tenantID string, props map[string]json.RawMessage) {
	t := s.ensureTenant(tenantID)
	clean := map[string]json.RawMessage{}
	for k, v := range props {
		if !strings.Contains(k, "@") && !strings.EqualFold(k, "id") && json.Valid(v) {
			clean[k] = v
		}
	}
	_ = t.merge(clean, nil, nil)
}

// Requests returns the tenant's request log, oldest first. The tenant ""
// holds requests whose tenant is unknown, such as Graph requests with an
// invalid token.
func (s *Server) Requests(tenantID string) []Request {
	if t := s.logOf(tenantID); t != nil {
		return t.requests()
	}
	return nil
}

// Hanging returns the number of the tenant's requests that a Hang fault
// holds open now, so that a test can act while a request waits.
func (s *Server) Hanging(tenantID string) int {
	t := s.tenant(tenantID)
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hanging
}

// Counts returns the tenant's counters without copying its log.
func (s *Server) Counts(tenantID string) Counts {
	t := s.logOf(tenantID)
	if t == nil {
		return Counts{}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts
}

// ResetRequests clears the tenant's request log and counters.
func (s *Server) ResetRequests(tenantID string) {
	if t := s.logOf(tenantID); t != nil {
		t.resetRequests()
	}
}

func (s *Server) logOf(tenantID string) *tenant {
	if tenantID == "" {
		return s.unattributed
	}
	return s.tenant(tenantID)
}
