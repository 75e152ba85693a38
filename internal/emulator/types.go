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
	"encoding/json"
	"fmt"
	"time"
)

// Request kinds in Request.Kind.
const (
	KindToken     = "token"
	KindDiscovery = "discovery"
	KindGet       = "get"
	KindPatch     = "patch"
	KindOther     = "other"
)

// Request is one entry of a tenant's request log.
type Request struct {
	// Time is when the request arrived.
	Time time.Time `json:"time"`
	// Kind is token, discovery, get, patch or other.
	Kind string `json:"kind"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// Path is the URL path as sent.
	Path string `json:"path"`
	// Status is the HTTP status sent, or 0 when the connection was reset or
	// the request hung until the client gave up.
	Status int `json:"status"`
	// Body is the body of a PATCH request, including a PATCH that got a
	// fault.
	Body json.RawMessage `json:"body,omitempty"`
	// ClientRequestID is the client-request-id header sent by the client.
	ClientRequestID string `json:"clientRequestID,omitempty"`
	// UserAgent is the User-Agent header sent by the client.
	UserAgent string `json:"userAgent,omitempty"`
	// Credential names the registered credential that authenticated a token
	// request, or the one behind the bearer token of a Graph request, such
	// as "secret 1" for the app's second registered secret. It never holds
	// the credential itself.
	Credential string `json:"credential,omitempty"`
}

// Counts are a tenant's request counters since the tenant was added or
// last reset.
type Counts struct {
	// Token counts token requests.
	Token int64 `json:"token"`
	// Discovery counts OpenID configuration and instance discovery requests.
	Discovery int64 `json:"discovery"`
	// Get counts Graph GET requests of the security object.
	Get int64 `json:"get"`
	// Patch counts Graph PATCH requests of the security object.
	Patch int64 `json:"patch"`
	// Throttled counts responses with status 429.
	Throttled int64 `json:"throttled"`
	// Errors counts responses with another status of 400 or more, resets and
	// hung requests.
	Errors int64 `json:"errors"`
}

// Behaviour changes how the emulator responds to one tenant's requests.
type Behaviour struct {
	// PatchStatus is the status of a successful PATCH: 200 (the default,
	// with the object) or 204 (without a body).
	PatchStatus int
	// Latency is added to each of the tenant's requests, on top of
	// Options.Latency.
	Latency time.Duration
	// Budget is the number of Graph requests (GET and PATCH) allowed per
	// BudgetWindow. Further requests in the window get 429 TooManyRequests.
	// Zero means no limit.
	Budget int
	// BudgetWindow is the length of a budget window, which starts at the
	// first Graph request after the previous window ended.
	BudgetWindow time.Duration
	// RetryAfter is the Retry-After header value sent with a budget 429, in
	// seconds, fractions allowed. Default "1".
	RetryAfter string
	// Faults are one-shot failures, each consumed by the first request that
	// matches its Kind, in order.
	Faults []Fault
	// Reject lists property names for which a PATCH gets 400 BadRequest.
	Reject []string
	// Lowercase lists properties whose string values are stored lowercased,
	// as Graph may normalise values.
	Lowercase []string
	// Drop lists properties that a PATCH accepts but does not store.
	Drop []string
	// TokenLifetime is the lifetime of issued tokens. Default 1h.
	TokenLifetime time.Duration
}

// Fault is a one-shot failure.
type Fault struct {
	// Kind is the request it applies to: "token", "get", "patch", or "" for
	// any Graph request.
	Kind string `json:"kind,omitempty"`
	// Status is the HTTP status sent, with a Graph error body, or a
	// Microsoft Entra error body for a token request. Default 500.
	Status int `json:"status,omitempty"`
	// Code is the error code in the body. The default depends on Status.
	Code string `json:"code,omitempty"`
	// RetryAfter is the Retry-After header value, if any.
	RetryAfter string `json:"retryAfter,omitempty"`
	// Body replaces the error body when set, such as HTML or truncated
	// JSON. Set Empty to send no body at all.
	Body string `json:"body,omitempty"`
	// Empty sends the status without a body.
	Empty bool `json:"empty,omitempty"`
	// Hang sends no response: the request waits until the client gives up or
	// the server closes.
	Hang bool `json:"hang,omitempty"`
	// Reset closes the connection (HTTP/1.1) or resets the stream (HTTP/2)
	// without a response.
	Reset bool `json:"reset,omitempty"`
	// Location is the Location header, for a redirect status such as 307.
	Location string `json:"location,omitempty"`
	// AfterApply makes a PATCH store its changes before the fault responds,
	// as when Graph kept a change but the response was lost. A PATCH that
	// the emulator rejects gets its rejection instead of the fault.
	AfterApply bool `json:"afterApply,omitempty"`
}

// behaviourJSON is Behaviour on the admin API, with durations as Go
// duration strings such as "250ms".
type behaviourJSON struct {
	PatchStatus   int      `json:"patchStatus,omitempty"`
	Latency       string   `json:"latency,omitempty"`
	Budget        int      `json:"budget,omitempty"`
	BudgetWindow  string   `json:"budgetWindow,omitempty"`
	RetryAfter    string   `json:"retryAfter,omitempty"`
	Faults        []Fault  `json:"faults,omitempty"`
	Reject        []string `json:"reject,omitempty"`
	Lowercase     []string `json:"lowercase,omitempty"`
	Drop          []string `json:"drop,omitempty"`
	TokenLifetime string   `json:"tokenLifetime,omitempty"`
}

// MarshalJSON encodes durations as Go duration strings.
func (b Behaviour) MarshalJSON() ([]byte, error) {
	return json.Marshal(behaviourJSON{
		PatchStatus: b.PatchStatus, Latency: durationText(b.Latency),
		Budget: b.Budget, BudgetWindow: durationText(b.BudgetWindow),
		RetryAfter: b.RetryAfter, Faults: b.Faults, Reject: b.Reject,
		Lowercase: b.Lowercase, Drop: b.Drop, TokenLifetime: durationText(b.TokenLifetime),
	})
}

// UnmarshalJSON decodes durations from Go duration strings.
func (b *Behaviour) UnmarshalJSON(data []byte) error {
	var w behaviourJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	out := Behaviour{
		PatchStatus: w.PatchStatus, Budget: w.Budget, RetryAfter: w.RetryAfter,
		Faults: w.Faults, Reject: w.Reject, Lowercase: w.Lowercase, Drop: w.Drop,
	}
	for _, d := range []struct {
		name string
		text string
		into *time.Duration
	}{
		{"latency", w.Latency, &out.Latency},
		{"budgetWindow", w.BudgetWindow, &out.BudgetWindow},
		{"tokenLifetime", w.TokenLifetime, &out.TokenLifetime},
	} {
		if d.text == "" {
			continue
		}
		v, err := time.ParseDuration(d.text)
		if err != nil {
			return fmt.Errorf("invalid %s %q: %w", d.name, d.text, err)
		}
		*d.into = v
	}
	*b = out
	return nil
}

func durationText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
