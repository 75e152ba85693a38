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
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// maxPatchBytes bounds a PATCH body.
const maxPatchBytes = 1 << 20

// versionPattern is a Graph version segment: a lowercase word such as beta,
// or vN.N such as v1.0. The path was lowercased before matching.
var versionPattern = regexp.MustCompile(`^(v[0-9]+\.[0-9]+|[a-z][a-z0-9]*)$`)

// serveSecurity serves GET and PATCH of /{version}/security. The tenant is
// the one the bearer token was issued for.
func (s *Server) serveSecurity(x *exchange, version string) {
	switch x.r.Method {
	case http.MethodGet:
		x.entry.Kind = KindGet
	case http.MethodPatch:
		x.entry.Kind = KindPatch
	}
	if !versionPattern.MatchString(version) {
		x.graphError(http.StatusBadRequest, "BadRequest", "Invalid version: "+version)
		return
	}
	t, ok := s.authorize(x)
	if !ok {
		return
	}
	x.tenant = t
	x.pause(t.latency())
	if f, ok := t.takeFault(x.entry.Kind); ok {
		s.serveFault(x, t, f)
		return
	}
	if over, retryAfter := t.overBudget(time.Now()); over {
		x.w.Header().Set("Retry-After", retryAfter)
		x.graphError(http.StatusTooManyRequests, "TooManyRequests",
			"Too many requests. Retry after "+retryAfter+" seconds.")
		return
	}
	switch x.entry.Kind {
	case KindGet:
		x.writeObject(http.StatusOK, t, version)
	case KindPatch:
		s.patch(x, t, version)
	default:
		x.w.Header().Set("Allow", "GET, PATCH")
		x.graphError(http.StatusMethodNotAllowed, "Request_BadRequest",
			"The method "+x.r.Method+" is not allowed on the security resource.")
	}
}

// serveFault responds to a Graph request with a fault. It logs the body of
// a PATCH, and stores it first when the fault sets AfterApply.
func (s *Server) serveFault(x *exchange, t *tenant, f Fault) {
	if x.entry.Kind == KindPatch {
		if f.AfterApply {
			if !s.applyPatch(x, t) {
				return
			}
		} else if body, err := io.ReadAll(http.MaxBytesReader(x.w, x.r.Body, maxPatchBytes)); err == nil {
			x.entry.Body = compactOrRaw(body)
		}
	}
	x.applyFault(f, false)
}

// authorize finds the tenant of the request's bearer token. On failure it
// has sent 401 InvalidAuthenticationToken.
func (s *Server) authorize(x *exchange) (*tenant, bool) {
	header := x.r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(header, " ")
	if header == "" || !strings.EqualFold(scheme, "Bearer") || token == "" {
		x.graphError(
			http.StatusUnauthorized,
			"InvalidAuthenticationToken",
			"Access token is empty.",
		)
		return nil, false
	}
	s.secrets.add(strings.TrimSpace(token))
	grant, ok := s.tokens.lookup(strings.TrimSpace(token), time.Now())
	if !ok {
		x.graphError(http.StatusUnauthorized, "InvalidAuthenticationToken",
			"Access token has expired or is not yet valid.")
		return nil, false
	}
	x.entry.Credential = grant.credential
	t := s.tenant(grant.tenantID)
	if t == nil {
		x.graphError(http.StatusUnauthorized, "InvalidAuthenticationToken",
			"Access token validation failure: the tenant does not exist.")
		return nil, false
	}
	return t, true
}

// writeObject sends the tenant's security object.
func (x *exchange) writeObject(status int, t *tenant, version string) {
	obj := map[string]any{}
	for k, v := range t.snapshot() {
		obj[k] = v
	}
	obj["@odata.context"] = x.server.url + "/" + version + "/$metadata#security/$entity"
	obj["id"] = t.securityID
	x.writeJSON(status, obj)
}

// patch applies a PATCH and responds with the object, or with no content
// when the behaviour sets PatchStatus 204.
func (s *Server) patch(x *exchange, t *tenant, version string) {
	if !s.applyPatch(x, t) {
		return
	}
	if t.currentBehaviour().PatchStatus == http.StatusNoContent {
		x.setIDs()
		x.writeRaw(http.StatusNoContent, nil)
		return
	}
	x.writeObject(http.StatusOK, t, version)
}

// applyPatch merges the body's properties into the tenant's state after
// checking all of them, so that a rejected PATCH changes nothing. It
// reports false when it has sent an error instead.
func (s *Server) applyPatch(x *exchange, t *tenant) bool {
	media, _, _ := mime.ParseMediaType(x.r.Header.Get("Content-Type"))
	if media != "application/json" {
		x.graphError(http.StatusUnsupportedMediaType, "UnsupportedMediaType",
			"The Content-Type must be application/json.")
		return false
	}
	body, err := io.ReadAll(http.MaxBytesReader(x.w, x.r.Body, maxPatchBytes))
	if err != nil {
		x.graphError(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			"The request body is too large.")
		return false
	}
	x.entry.Body = compactOrRaw(body)
	var props map[string]json.RawMessage
	if err := json.Unmarshal(body, &props); err != nil || props == nil {
		x.graphError(http.StatusBadRequest, "BadRequest", "The request body is not a JSON object.")
		return false
	}
	b := t.currentBehaviour()
	changes, rejection := checkPatch(props, b.Reject)
	if rejection != "" {
		x.graphError(http.StatusBadRequest, "BadRequest", rejection)
		return false
	}
	if err := t.merge(changes, b.Drop, b.Lowercase); err != nil {
		x.graphError(http.StatusBadRequest, "BadRequest", "Invalid value: "+err.Error())
		return false
	}
	return true
}

// checkPatch returns the properties of a PATCH body that change state,
// leaving out annotations, or the message of a 400 when the body sets id or
// a property in reject.
func checkPatch(
	props map[string]json.RawMessage, reject []string,
) (map[string]json.RawMessage, string) {
	changes := map[string]json.RawMessage{}
	for _, name := range sortedKeys(props) {
		switch {
		case strings.Contains(name, "@"):
			continue
		case strings.EqualFold(name, "id"):
			return nil, "The property 'id' is read-only."
		case containsFold(reject, name):
			return nil, "Property '" + name +
				"' does not exist on type 'microsoft.graph.security' or cannot be updated."
		}
		changes[name] = props[name]
	}
	return changes, ""
}

func (t *tenant) currentBehaviour() Behaviour {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.behaviour
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// compactOrRaw returns body compacted when it is JSON, else as a JSON
// string, so that the request log always holds valid JSON.
func compactOrRaw(body []byte) json.RawMessage {
	var buf bytes.Buffer
	if json.Compact(&buf, body) == nil {
		return buf.Bytes()
	}
	quoted, _ := json.Marshal(string(body))
	return quoted
}
