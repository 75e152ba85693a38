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
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// Microsoft Entra error numbers (AADSTS) for client assertion failures.
const (
	aadstsInvalidAssertion   = 50027
	aadstsExpiredAssertion   = 700024
	aadstsUnknownCertificate = 700027
	aadstsBadAudience        = 700212
)

// assertionHeader is the JOSE header of a client assertion. MSAL names the
// certificate by its SHA-256 thumbprint (x5t#S256) and ADFS-style clients by
// SHA-1 (x5t), both base64-encoded.
type assertionHeader struct {
	Alg     string `json:"alg"`
	X5t     string `json:"x5t"`
	X5tS256 string `json:"x5t#S256"`
}

type assertionClaims struct {
	Aud json.RawMessage `json:"aud"`
	Iss string          `json:"iss"`
	Sub string          `json:"sub"`
	Exp json.Number     `json:"exp"`
	Nbf json.Number     `json:"nbf"`
}

// verifyAssertion checks a client assertion JWT signed with RS256 or PS256
// by one of certs: its audience must be the token endpoint, its issuer and
// subject the client ID, and it must not have expired. It returns 0, or the
// AADSTS number and a description of the failure.
func verifyAssertion(
	jwt string,
	certs []appCert,
	endpoint, clientID string,
	now time.Time,
) (int, string) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return aadstsInvalidAssertion, "The client assertion is not a JWT."
	}
	var header assertionHeader
	var claims assertionClaims
	if !decodeSegment(parts[0], &header) || !decodeSegment(parts[1], &claims) {
		return aadstsInvalidAssertion, "The client assertion does not decode."
	}
	key := findCertificate(certs, header)
	if key == nil {
		return aadstsUnknownCertificate, "The client assertion contains an invalid signature: " +
			"the certificate thumbprint is not registered for the app."
	}
	signature, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !verifySignature(key, header.Alg, parts[0]+"."+parts[1], signature) {
		return aadstsUnknownCertificate, "Client assertion failed signature validation."
	}
	if !audienceMatches(claims.Aud, endpoint) {
		return aadstsBadAudience, "The audience claim of the client assertion is not the token endpoint."
	}
	if !strings.EqualFold(claims.Iss, clientID) || !strings.EqualFold(claims.Sub, clientID) {
		return aadstsInvalidAssertion, "The iss and sub claims must be the client ID."
	}
	exp, err := claims.Exp.Float64()
	if err != nil || time.Unix(int64(exp), 0).Before(now) {
		return aadstsExpiredAssertion, "The client assertion has expired or has no exp claim."
	}
	if nbf, err := claims.Nbf.Float64(); err == nil &&
		time.Unix(int64(nbf), 0).After(now.Add(5*time.Minute)) {
		return aadstsInvalidAssertion, "The client assertion is not valid yet."
	}
	return 0, ""
}

func decodeSegment(segment string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v) == nil
}

// findCertificate returns the key of the certificate named by the header's
// thumbprint, which clients encode with standard or URL-safe base64.
func findCertificate(certs []appCert, h assertionHeader) *rsa.PublicKey {
	s256, s1 := decodeThumbprint(h.X5tS256), decodeThumbprint(h.X5t)
	for _, c := range certs {
		if s256 != nil && bytes.Equal(s256, c.sha256) || s1 != nil && bytes.Equal(s1, c.sha1) {
			return c.key
		}
	}
	return nil
}

func decodeThumbprint(s string) []byte {
	if s == "" {
		return nil
	}
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b
	}
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b
	}
	return nil
}

func verifySignature(key *rsa.PublicKey, alg, signed string, signature []byte) bool {
	digest := sha256.Sum256([]byte(signed))
	switch alg {
	case "RS256":
		return rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], signature) == nil
	case "PS256":
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto, Hash: crypto.SHA256}
		return rsa.VerifyPSS(key, crypto.SHA256, digest[:], signature, opts) == nil
	default:
		return false
	}
}

// audienceMatches accepts an aud claim that is the endpoint or a list that
// contains it.
func audienceMatches(raw json.RawMessage, endpoint string) bool {
	var single string
	if json.Unmarshal(raw, &single) == nil {
		return strings.EqualFold(single, endpoint)
	}
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		return false
	}
	for _, a := range list {
		if strings.EqualFold(a, endpoint) {
			return true
		}
	}
	return false
}
