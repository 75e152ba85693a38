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
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"time"
)

// accessToken returns a token shaped like a Microsoft Entra app-only
// access token for Graph: a JWT with the usual claims and a random RSA-size
// signature, about 1.8 KB. The emulator does not verify the signature, but
// looks the whole string up in its token store. The size matters because
// clients keep the token in memory and send it with every request, so a
// short opaque token would understate what a client costs.
func accessToken(t issuedToken, now time.Time) string {
	header := map[string]string{
		"typ": "JWT", "alg": "RS256",
		"nonce": random(32), "x5t": random(20), "kid": random(20),
	}
	claims := map[string]any{
		"aud": t.audience, "iss": "https://sts.windows.net/" + t.tenantID + "/",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": t.expires.Unix(),
		"aio": random(90), "app_displayname": "security-operator",
		"appid": t.clientID, "appidacr": "1",
		"idp": "https://sts.windows.net/" + t.tenantID + "/", "idtyp": "app",
		"oid": t.clientID, "sub": t.clientID, "tid": t.tenantID,
		"rh": random(45), "uti": random(16), "ver": "1.0",
		"roles":               []string{"SecurityEvents.ReadWrite.All"},
		"wids":                []string{"0997a1d0-0d1d-4acb-b408-d5ca73121e90"},
		"tenant_region_scope": "EU", "xms_ftd": random(45), "xms_idrel": "7 14",
		"xms_tcdt": now.Add(-365 * 24 * time.Hour).Unix(),
	}
	return segment(header) + "." + segment(claims) + "." + random(256)
}

func segment(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// random returns n random bytes, base64url-encoded.
func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
