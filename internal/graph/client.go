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

// Package graph is a small client for the Microsoft Graph security
// singleton: it reads it with GET /{version}/security and updates it with
// PATCH. It classifies every failure into an *Error and never logs.
//
// Within one call, the client retries 429, 502, 503 and 504 responses,
// connection errors and timeouts, for GET and for PATCH alike: a PATCH sets
// the same values each time, so repeating it is idempotent. A 500 is not
// retried in-call. Failed token requests are retried by azcore's pipeline
// inside the credential, not here.
package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/uuid"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/cloud"
)

// Defaults of Options.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultMaxAttempts   = 3
	DefaultMaxInCallWait = 10 * time.Second
	DefaultBaseBackoff   = 500 * time.Millisecond
	// DefaultVersion is used when Tenant.Version is empty.
	DefaultVersion = "v1.0"
)

// odataType is the type annotation that every PATCH of the security object
// carries, as in the Graph documentation's example.
const odataType = "#microsoft.graph.security"

// versionPattern is a Graph version path segment, such as v1.0 or beta. It
// matches the validation of the Security API's graphVersion field.
var versionPattern = regexp.MustCompile(`^(v[0-9]+\.[0-9]+|[a-z][a-z0-9]*)$`)

// Tenant is the target of one call.
type Tenant struct {
	// ID is the Microsoft Entra tenant ID. Graph finds the tenant from the
	// token, so the client uses it only to describe errors.
	ID string
	// Cloud selects the Graph host and the token scope.
	Cloud v1alpha1.Cloud
	// Version is the Graph version path segment, such as "v1.0" or "beta".
	// Empty means v1.0.
	Version string
	// Credential gets tokens for the tenant. Reuse one instance per tenant
	// and app, because it caches its token.
	Credential azcore.TokenCredential
}

// Options configure a Client. Zero fields take the defaults.
type Options struct {
	// Resolver gives the Graph URL and the token scope of each cloud.
	Resolver cloud.Resolver
	// HTTPClient sends the requests. Nil means a client with the system
	// roots. Its own Timeout should be zero, because Timeout applies per
	// attempt.
	HTTPClient *http.Client
	// UserAgent is sent with every request, such as "security-operator/v0.1.0".
	UserAgent string
	// Timeout bounds one attempt, including the token request when the
	// credential has no valid token. Default 30s.
	Timeout time.Duration
	// MaxAttempts is the number of attempts per call, retries included.
	// Default 3.
	MaxAttempts int
	// MaxInCallWait is the longest single wait before an in-call retry.
	// A longer Retry-After is returned to the caller at once in
	// Error.RetryAfter. Default 10s.
	MaxInCallWait time.Duration
	// BaseBackoff is the wait before the first retry when the server gives
	// no Retry-After. It doubles per retry, with jitter. Default 500ms.
	BaseBackoff time.Duration
	// Metrics records requests and waits. Nil records nothing.
	Metrics *Metrics
}

// Client reads and updates the security singleton of many tenants. It is
// safe for concurrent use.
type Client struct {
	o    Options
	http *http.Client
}

// NewClient returns a client with the defaults applied to o.
func NewClient(o Options) *Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.MaxInCallWait <= 0 {
		o.MaxInCallWait = DefaultMaxInCallWait
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = DefaultBaseBackoff
	}
	httpClient := o.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	return &Client{o: o, http: httpClient}
}

// Get reads the tenant's security object. Every failure is an *Error.
func (c *Client) Get(ctx context.Context, t Tenant) (Object, error) {
	o, err := c.call(ctx, t, http.MethodGet, nil)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Patch sets the given properties of the tenant's security object and
// returns the object as Graph has it afterwards. Patch reads the object with
// one GET when Graph responds 204 No Content, 200 without a body, or 200
// with an object that lacks a patched property. Such a response does not
// show what Graph stored. A property patched to null may be absent without a
// GET, because null clears it. Every failure is an *Error.
func (c *Client) Patch(
	ctx context.Context,
	t Tenant,
	props map[string]json.RawMessage,
) (Object, error) {
	body, err := patchBody(props)
	if err != nil {
		return nil, &Error{
			Class: ClassRejected, Method: http.MethodPatch, Err: err,
			Message: "the properties are not valid JSON: " + err.Error(),
		}
	}
	o, gerr := c.call(ctx, t, http.MethodPatch, body)
	if gerr != nil {
		return nil, gerr
	}
	if o != nil && !lacksPatched(o, props) {
		return o, nil
	}
	return c.Get(ctx, t)
}

// lacksPatched reports whether o lacks a property of props, matching names
// case-insensitively as Graph does. It skips the OData type, which Patch
// adds itself, and properties patched to null, which Graph clears.
func lacksPatched(o Object, props map[string]json.RawMessage) bool {
	for name, value := range props {
		if strings.EqualFold(name, "@odata.type") || isNull(value) {
			continue
		}
		if !hasProperty(o, name) {
			return true
		}
	}
	return false
}

func hasProperty(o Object, name string) bool {
	if _, ok := o[name]; ok {
		return true
	}
	for k := range o {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func isNull(value json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(value), []byte("null"))
}

// patchBody encodes props with the security object's OData type.
func patchBody(props map[string]json.RawMessage) ([]byte, error) {
	body := make(map[string]json.RawMessage, len(props)+1)
	for k, v := range props {
		body[k] = v
	}
	body["@odata.type"] = json.RawMessage(`"` + odataType + `"`)
	return json.Marshal(body)
}

// call runs up to MaxAttempts attempts of one request. It returns a nil
// Object and a nil error for a PATCH response without a body.
func (c *Client) call(ctx context.Context, t Tenant, method string, body []byte) (Object, *Error) {
	url, scope, gerr := c.target(t, method)
	if gerr != nil {
		return nil, gerr
	}
	for attempt := 1; ; attempt++ {
		o, gerr, retryable := c.attempt(ctx, t, method, url, scope, body)
		if gerr == nil {
			return o, nil
		}
		if !retryable {
			return nil, gerr
		}
		wait := gerr.RetryAfter
		if wait <= 0 {
			wait = backoff(c.o.BaseBackoff, c.o.MaxInCallWait, attempt)
		}
		if attempt >= c.o.MaxAttempts || wait > c.o.MaxInCallWait {
			gerr.RetryAfter = wait
			return nil, gerr
		}
		c.o.Metrics.observeWait(gerr.Class, wait)
		if err := sleep(ctx, wait); err != nil {
			return nil, stopped(method, err, gerr)
		}
	}
}

// target returns the request URL and the token scope of t.
func (c *Client) target(t Tenant, method string) (url, scope string, gerr *Error) {
	version := t.Version
	if version == "" {
		version = DefaultVersion
	}
	if !versionPattern.MatchString(version) {
		return "", "", &Error{
			Class: ClassRejected, Method: method,
			Message: fmt.Sprintf("invalid Graph version %q: expected a lowercase "+
				"word such as beta or vN.N such as v1.0", truncate(version, 40)),
		}
	}
	e, err := c.o.Resolver.Endpoints(t.Cloud)
	if err != nil {
		return "", "", &Error{Class: ClassRejected, Method: method, Message: err.Error(), Err: err}
	}
	return e.GraphURL + "/" + version + "/security", e.Scope, nil
}

// stopped is the error of a call whose context ended while it waited to
// retry after last.
func stopped(method string, err error, last *Error) *Error {
	return &Error{
		Class: ClassUnavailable, Method: method, Err: err,
		Message:         "stopped waiting to retry: " + err.Error() + "; last failure: " + last.Message,
		StatusCode:      last.StatusCode,
		Code:            last.Code,
		RequestID:       last.RequestID,
		ClientRequestID: last.ClientRequestID,
	}
}

// attempt sends one request. It reports whether a failure may be retried.
func (c *Client) attempt(
	ctx context.Context, t Tenant, method, url, scope string, body []byte,
) (Object, *Error, bool) {
	actx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	token, gerr := c.token(ctx, actx, t, method, scope)
	if gerr != nil {
		return nil, gerr, false
	}
	clientRequestID := uuid.NewString()
	req, err := c.newRequest(actx, method, url, token, clientRequestID, body)
	if err != nil {
		return nil, &Error{
			Class:   ClassRejected,
			Method:  method,
			Message: err.Error(),
			Err:     err,
		}, false
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		gerr := transportError(ctx, method, clientRequestID, err, c.o.Timeout)
		c.o.Metrics.observeRequest(method, 0, gerr.Class, time.Since(start))
		return nil, gerr, ctx.Err() == nil
	}
	defer func() { _ = resp.Body.Close() }()
	data, readErr := readBody(resp.Body)
	o, gerr := responseResult(method, clientRequestID, resp, data, readErr)
	var class Class
	if gerr != nil {
		class = gerr.Class
	}
	c.o.Metrics.observeRequest(method, resp.StatusCode, class, time.Since(start))
	if gerr == nil {
		return o, nil, false
	}
	if readErr != nil && !errors.Is(readErr, errBodyTooLarge) {
		return nil, gerr, ctx.Err() == nil
	}
	return nil, gerr, retryableStatus(resp.StatusCode)
}

// token gets a token for scope within the attempt context actx.
func (c *Client) token(
	ctx, actx context.Context,
	t Tenant,
	method, scope string,
) (string, *Error) {
	if t.Credential == nil {
		return "", &Error{
			Class: ClassAuthentication, Method: method,
			Message: "no credential for tenant " + truncate(t.ID, 64),
		}
	}
	tok, err := t.Credential.GetToken(actx, policy.TokenRequestOptions{Scopes: []string{scope}})
	if err != nil {
		return "", tokenError(ctx, method, err, c.o.Timeout)
	}
	return tok.Token, nil
}

func (c *Client) newRequest(
	ctx context.Context, method, url, token, clientRequestID string, body []byte,
) (*http.Request, error) {
	var req *http.Request
	var err error
	if body == nil {
		req, err = http.NewRequestWithContext(ctx, method, url, http.NoBody)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	}
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("client-request-id", clientRequestID)
	if c.o.UserAgent != "" {
		req.Header.Set("User-Agent", c.o.UserAgent)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}
