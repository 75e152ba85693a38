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
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// maxFormBytes bounds a token request body.
	maxFormBytes = 64 << 10
	// defaultTokenLifetime is the lifetime of issued tokens, as in
	// Microsoft Entra.
	defaultTokenLifetime = time.Hour
	jwtBearerType        = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
)

// graphResources are the Graph resources whose "/.default" scope the token
// endpoint accepts, besides the emulator's own URL.
var graphResources = []string{
	"https://graph.microsoft.com", "https://graph.microsoft.us",
	"https://dod-graph.microsoft.us", "https://microsoftgraph.chinacloudapi.cn",
}

// serveOpenIDConfiguration serves tenant discovery with the endpoints of
// this server.
func (s *Server) serveOpenIDConfiguration(x *exchange, tenantSegment string) {
	x.entry.Kind = KindDiscovery
	t := s.tenant(tenantSegment)
	if t == nil {
		x.aadError(http.StatusBadRequest, "invalid_tenant", 90002,
			"Tenant '"+tenantSegment+"' not found.")
		return
	}
	x.tenant = t
	x.pause(t.latency())
	base := s.url + "/" + tenantSegment
	x.writeJSON(http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"issuer":                                base + "/v2.0",
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_types_supported":              []string{"code", "id_token", "token"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt"},
	})
}

// serveInstanceDiscovery serves MSAL's instance metadata request, which it
// sends unless instance discovery is disabled.
func (s *Server) serveInstanceDiscovery(x *exchange) {
	x.entry.Kind = KindDiscovery
	authorize, _ := url.Parse(x.r.URL.Query().Get("authorization_endpoint"))
	tenantSegment := "common"
	if authorize != nil {
		if parts := strings.Split(strings.Trim(authorize.Path, "/"), "/"); parts[0] != "" {
			tenantSegment = parts[0]
		}
	}
	x.tenant = s.tenant(tenantSegment)
	host := strings.TrimPrefix(s.url, "https://")
	discovery := s.url + "/" + tenantSegment + "/v2.0/.well-known/openid-configuration"
	x.writeJSON(http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": discovery,
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": host, "preferred_cache": host, "aliases": []string{host},
		}},
	})
}

// serveToken serves a client-credentials token request.
func (s *Server) serveToken(x *exchange, tenantSegment string) {
	x.entry.Kind = KindToken
	t := s.tenant(tenantSegment)
	if t == nil {
		x.aadError(http.StatusBadRequest, "invalid_request", 90002,
			"Tenant '"+tenantSegment+"' not found.")
		return
	}
	x.tenant = t
	x.pause(t.latency())
	if f, ok := t.takeFault(KindToken); ok {
		x.applyFault(f, true)
		return
	}
	if x.r.Method != http.MethodPost {
		x.aadError(http.StatusMethodNotAllowed, "invalid_request", 900561,
			"The endpoint only accepts POST requests.")
		return
	}
	x.r.Body = http.MaxBytesReader(x.w, x.r.Body, maxFormBytes)
	if err := x.r.ParseForm(); err != nil {
		x.aadError(
			http.StatusBadRequest,
			"invalid_request",
			900144,
			"The request body is invalid.",
		)
		return
	}
	grant, ok := s.authenticate(x, t, tenantSegment)
	if !ok {
		return
	}
	lifetime := t.tokenLifetime()
	grant.expires = time.Now().Add(lifetime)
	token := s.tokens.issue(grant)
	s.secrets.add(token)
	seconds := int(lifetime.Seconds())
	x.w.Header().Set("Cache-Control", "no-store")
	x.writeJSON(http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": seconds, "ext_expires_in": seconds,
		"access_token": token,
	})
}

// authenticate checks the form of a token request and the client's
// credential. On failure it has sent the error.
func (s *Server) authenticate(x *exchange, t *tenant, tenantSegment string) (issuedToken, bool) {
	form := x.r.PostForm
	if form.Get("grant_type") != "client_credentials" {
		x.aadError(http.StatusBadRequest, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type; only client_credentials is emulated.")
		return issuedToken{}, false
	}
	clientID := form.Get("client_id")
	if clientID == "" {
		x.aadError(http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'client_id'.")
		return issuedToken{}, false
	}
	audience, ok := s.audience(form.Get("scope"))
	if !ok {
		x.aadError(http.StatusBadRequest, "invalid_scope", 1002012,
			"The provided value for scope is not valid. Client credential flows must have "+
				"a scope value with /.default suffixed to the resource identifier.")
		return issuedToken{}, false
	}
	a, known := t.lookupApp(clientID)
	if !known {
		x.aadError(
			http.StatusBadRequest,
			"unauthorized_client",
			700016,
			"Application with identifier '"+clientID+"' was not found in the directory '"+t.id+"'.",
		)
		return issuedToken{}, false
	}
	endpoint := s.url + "/" + tenantSegment + "/oauth2/v2.0/token"
	credential, ok := s.checkCredential(x, a, clientID, endpoint)
	if !ok {
		return issuedToken{}, false
	}
	x.entry.Credential = credential
	return issuedToken{
		tenantID:   t.id,
		clientID:   strings.ToLower(clientID),
		audience:   audience,
		credential: credential,
	}, true
}

// audience returns the resource of the single "/.default" scope in scope,
// ignoring the OpenID scopes that MSAL adds.
func (s *Server) audience(scope string) (string, bool) {
	resource := ""
	for _, sc := range strings.Fields(scope) {
		switch sc {
		case "openid", "profile", "offline_access":
			continue
		}
		r, ok := strings.CutSuffix(sc, "/.default")
		if !ok || resource != "" {
			return "", false
		}
		resource = r
	}
	if resource == s.url {
		return resource, true
	}
	for _, r := range graphResources {
		if resource == r {
			return resource, true
		}
	}
	return "", false
}

// checkCredential verifies a client secret, a federated assertion or a
// certificate-signed client assertion, and returns the name of the
// registered credential that matched, such as "secret 0". On failure it has
// sent the error.
func (s *Server) checkCredential(x *exchange, a app, clientID, endpoint string) (string, bool) {
	form := x.r.PostForm
	secret, assertion := form.Get("client_secret"), form.Get("client_assertion")
	s.secrets.add(secret)
	s.secrets.add(assertion)
	switch {
	case secret != "":
		for i, want := range a.secrets {
			if subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1 {
				return "secret " + strconv.Itoa(i), true
			}
		}
		x.aadError(http.StatusUnauthorized, "invalid_client", 7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is "+
				"the client secret value, not the client secret ID, for a secret added to app '"+
				clientID+"'.")
		return "", false
	case assertion != "" && form.Get("client_assertion_type") == jwtBearerType:
		for i, want := range a.assertions {
			if subtle.ConstantTimeCompare([]byte(assertion), []byte(want)) == 1 {
				return "assertion " + strconv.Itoa(i), true
			}
		}
		if len(a.certs) == 0 {
			x.aadError(http.StatusUnauthorized, "invalid_client", 700213,
				"No matching federated identity record found for presented assertion.")
			return "", false
		}
		if code, msg := verifyAssertion(assertion, a.certs, endpoint, clientID, time.Now()); code != 0 {
			x.aadError(http.StatusUnauthorized, "invalid_client", code, msg)
			return "", false
		}
		return "certificate", true
	default:
		x.aadError(
			http.StatusUnauthorized,
			"invalid_client",
			7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
		)
		return "", false
	}
}
