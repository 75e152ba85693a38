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

package graph

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// aadError is the error body of the Microsoft Entra token endpoint.
type aadError struct {
	Error         string `json:"error"`
	Description   string `json:"error_description"`
	ErrorCodes    []int  `json:"error_codes"`
	TraceID       string `json:"trace_id"`
	CorrelationID string `json:"correlation_id"`
}

// knownCauses are fixed phrases that may appear in the text of a token
// error without a response. The text itself can contain a whole response
// body, so only the matched phrase is reported.
var knownCauses = []struct{ phrase, cause string }{
	{"certificate signed by unknown authority",
		"the token endpoint's TLS certificate is not trusted"},
	{"x509:", "the token endpoint's TLS certificate is invalid"},
	{"tls:", "the TLS handshake with the token endpoint failed"},
	{"connection refused", "the token endpoint refused the connection"},
	{"no such host", "the token endpoint's host name did not resolve"},
	{"connection reset", "the token endpoint reset the connection"},
	// An HTTP/2 RST_STREAM, as Go's client reports it.
	{"stream error", "the token endpoint reset the request's stream"},
	{"federated token file", "the federated token file could not be read"},
	{"json decode error", "the token endpoint returned an unparseable response"},
	{"issuer", "the token endpoint's OpenID configuration is invalid"},
	{"EOF", "the token endpoint closed the connection"},
}

// tokenError turns a failed GetToken into an Error. ctx is the caller's
// context, so that its cancellation is distinguished from the
// attempt's timeout. It never copies the text of err, because azidentity puts the
// whole response body into it.
func tokenError(ctx context.Context, method string, err error, timeout time.Duration) *Error {
	e := &Error{Class: ClassUnavailable, Method: method, Token: true, Err: err}
	var af *azidentity.AuthenticationFailedError
	if errors.As(err, &af) && af.RawResponse != nil {
		fillFromTokenResponse(e, af.RawResponse)
		return e
	}
	switch {
	case ctx.Err() != nil:
		e.Message = "token request stopped: " + ctx.Err().Error()
	case errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), context.DeadlineExceeded.Error()):
		e.Message = "token request timed out after " + timeout.String()
	default:
		e.Message = "token request failed: " + tokenCause(err)
	}
	return e
}

func tokenCause(err error) string {
	text := err.Error()
	for _, c := range knownCauses {
		if strings.Contains(text, c.phrase) {
			return c.cause
		}
	}
	return "no usable response from the token endpoint"
}

// fillFromTokenResponse classifies a token endpoint response: a
// rejection of the credentials (400, 401 and other 4xx) is
// AuthenticationFailed, 429 is Throttled, and 5xx is Unavailable, as is a
// redirect, which the client never follows and which is no verdict on the
// credentials.
func fillFromTokenResponse(e *Error, resp *http.Response) {
	e.StatusCode = resp.StatusCode
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Class = ClassThrottled
	case resp.StatusCode >= 500, resp.StatusCode < 400, resp.StatusCode == http.StatusRequestTimeout:
		e.Class = ClassUnavailable
	default:
		e.Class = ClassAuthentication
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	e.RequestID = identifier(resp.Header.Get("x-ms-request-id"))
	e.ClientRequestID = identifier(resp.Header.Get("client-request-id"))
	body, err := runtime.Payload(resp)
	var aad aadError
	if err != nil || len(body) > maxBody || json.Unmarshal(body, &aad) != nil || aad.Error == "" {
		e.Message = "token request failed with an unparseable error response"
		return
	}
	e.Code = truncate(oneLine(aad.Error), maxMessage)
	if len(aad.ErrorCodes) > 0 && aad.ErrorCodes[0] > 0 {
		e.EntraCode = aad.ErrorCodes[0]
	}
	e.Message = "token request rejected: " + truncate(
		oneLine(firstLine(aad.Description)),
		maxMessage,
	)
	if id := identifier(aad.TraceID); id != "" {
		e.RequestID = id
	}
	if id := identifier(aad.CorrelationID); id != "" {
		e.ClientRequestID = id
	}
}

// firstLine returns s up to its first line break or its " Trace ID:".
// Microsoft Entra appends trace and correlation ids and a timestamp, on
// further lines or on the same one. RequestID and ClientRequestID hold
// the ids already.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, " Trace ID:"); i >= 0 {
		s = s[:i]
	}
	return s
}
