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
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

func TestAccessTokenShape(t *testing.T) {
	g := NewWithT(t)
	now := time.Now()
	grant := issuedToken{
		tenantID: "11111111-1111-1111-1111-111111111111",
		clientID: "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa",
		audience: "https://graph.microsoft.com",
		expires:  now.Add(time.Hour),
	}
	token := accessToken(grant, now)
	// Entra's app-only Graph tokens are commonly 1.2 to 2.5 KB.
	g.Expect(len(token)).To(BeNumerically(">", 1200))
	g.Expect(len(token)).To(BeNumerically("<", 2500))
	g.Expect(accessToken(grant, now)).NotTo(Equal(token))

	parts := strings.Split(token, ".")
	g.Expect(parts).To(HaveLen(3))
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	g.Expect(err).NotTo(HaveOccurred())
	var claims struct {
		Aud string `json:"aud"`
		Tid string `json:"tid"`
		Exp int64  `json:"exp"`
	}
	g.Expect(json.Unmarshal(payload, &claims)).To(Succeed())
	g.Expect(claims.Aud).To(Equal(grant.audience))
	g.Expect(claims.Tid).To(Equal(grant.tenantID))
	g.Expect(claims.Exp).To(Equal(grant.expires.Unix()))
}
