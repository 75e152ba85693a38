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
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint (RFC 7515).
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

const (
	testEndpoint = "https://127.0.0.1:1/tenant/oauth2/v2.0/token"
	testClient   = "client-id"
)

// signer makes client assertions with one RSA key and certificate.
type signer struct {
	key  *rsa.PrivateKey
	cert appCert
	der  []byte
}

func newSigner(t testing.TB) signer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	s1, s256 := sha1.Sum(der), sha256.Sum256(der) //nolint:gosec // see the import.
	return signer{
		key:  key,
		der:  der,
		cert: appCert{sha1: s1[:], sha256: s256[:], key: &key.PublicKey},
	}
}

// sign returns a JWT with the header and claims, signed with alg.
func (s signer) sign(t testing.TB, header, claims map[string]any, alg string) string {
	t.Helper()
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	signed := base64.RawURLEncoding.EncodeToString(
		h,
	) + "." + base64.RawURLEncoding.EncodeToString(
		c,
	)
	digest := sha256.Sum256([]byte(signed))
	var sig []byte
	var err error
	switch alg {
	case "PS256":
		sig, err = rsa.SignPSS(rand.Reader, s.key, crypto.SHA256, digest[:],
			&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	default:
		sig, err = rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
	}
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func (s signer) validClaims() map[string]any {
	now := time.Now().Unix()
	return map[string]any{
		"aud": testEndpoint, "iss": testClient, "sub": testClient,
		"exp": now + 600, "nbf": now, "jti": "x",
	}
}

func (s signer) s256Header() map[string]any {
	sum := sha256.Sum256(s.der)
	return map[string]any{"alg": "PS256", "typ": "JWT",
		"x5t#S256": base64.StdEncoding.EncodeToString(sum[:])}
}

func TestVerifyAssertion(t *testing.T) {
	s := newSigner(t)
	other := newSigner(t)
	sha1Sum := sha1.Sum(s.der) //nolint:gosec // see the import.
	rs256Header := map[string]any{
		"alg": "RS256",
		"x5t": base64.RawURLEncoding.EncodeToString(sha1Sum[:]),
	}
	with := func(key string, value any) map[string]any {
		c := s.validClaims()
		c[key] = value
		return c
	}
	cases := map[string]struct {
		jwt  string
		code int
	}{
		"ps256":     {s.sign(t, s.s256Header(), s.validClaims(), "PS256"), 0},
		"rs256 x5t": {s.sign(t, rs256Header, s.validClaims(), "RS256"), 0},
		"aud list": {
			s.sign(t, s.s256Header(), with("aud", []string{"x", testEndpoint}), "PS256"),
			0,
		},
		"aud case": {
			s.sign(t, s.s256Header(), with("aud", strings.ToUpper(testEndpoint)), "PS256"),
			0,
		},
		"wrong aud": {
			s.sign(t, s.s256Header(), with("aud", "https://127.0.0.1:1/other"), "PS256"),
			aadstsBadAudience,
		},
		"expired": {
			s.sign(t, s.s256Header(), with("exp", time.Now().Add(-time.Minute).Unix()), "PS256"),
			aadstsExpiredAssertion,
		},
		"no exp": {
			s.sign(t, s.s256Header(), with("exp", "soon"), "PS256"),
			aadstsInvalidAssertion,
		},
		"future nbf": {
			s.sign(t, s.s256Header(), with("nbf", time.Now().Add(time.Hour).Unix()), "PS256"),
			aadstsInvalidAssertion,
		},
		"wrong issuer": {
			s.sign(t, s.s256Header(), with("iss", "someone"), "PS256"),
			aadstsInvalidAssertion,
		},
		"wrong subject": {
			s.sign(t, s.s256Header(), with("sub", "someone"), "PS256"),
			aadstsInvalidAssertion,
		},
		"other key": {
			other.sign(t, s.s256Header(), s.validClaims(), "PS256"),
			aadstsUnknownCertificate,
		},
		"unknown cert": {
			other.sign(t, other.s256Header(), s.validClaims(), "PS256"),
			aadstsUnknownCertificate,
		},
		"alg none": {
			s.sign(t, map[string]any{"alg": "none", "x5t#S256": s.s256Header()["x5t#S256"]},
				s.validClaims(), "PS256"),
			aadstsUnknownCertificate,
		},
		"alg mismatch": {
			s.sign(t, s.s256Header(), s.validClaims(), "RS256"),
			aadstsUnknownCertificate,
		},
		"not a jwt":  {"abc", aadstsInvalidAssertion},
		"bad base64": {"!!.!!.!!", aadstsInvalidAssertion},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			code, message := verifyAssertion(
				tc.jwt,
				[]appCert{s.cert},
				testEndpoint,
				testClient,
				time.Now(),
			)
			g.Expect(code).To(Equal(tc.code), message)
			if tc.code != 0 {
				g.Expect(message).NotTo(BeEmpty())
			}
		})
	}
}

func FuzzVerifyAssertion(f *testing.F) {
	s := newSigner(f)
	f.Add(s.sign(f, s.s256Header(), s.validClaims(), "PS256"))
	f.Fuzz(func(t *testing.T, jwt string) {
		code, message := verifyAssertion(
			jwt,
			[]appCert{s.cert},
			testEndpoint,
			testClient,
			time.Now(),
		)
		if code != 0 && message == "" {
			t.Fatalf("code %d without a message", code)
		}
	})
}
