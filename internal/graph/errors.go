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
	"fmt"
	"strings"
	"time"
)

// Class groups failures by what the caller should do about them.
type Class string

const (
	// ClassAuthentication means the token endpoint rejected the credentials,
	// or Graph responded 401. The credential content must change, and a
	// caller that caches credentials should drop the tenant's credential so that the
	// next attempt requests a new token.
	ClassAuthentication Class = "AuthenticationFailed"
	// ClassPermission means Graph responded 403: the app lacks a permission
	// or admin consent.
	ClassPermission Class = "PermissionDenied"
	// ClassRejected means Graph rejected the request itself (400, 404, 405,
	// 409, 412, 413, 415, 422 and other 4xx responses): the spec must change.
	ClassRejected Class = "Rejected"
	// ClassThrottled means Graph responded 429. RetryAfter is set.
	ClassThrottled Class = "Throttled"
	// ClassUnavailable means Graph or the token endpoint failed or could not
	// be reached: 5xx and 408 responses, timeouts, connection errors and unparseable
	// response bodies. Retrying later may succeed.
	ClassUnavailable Class = "Unavailable"
)

// maxMessage is the longest Graph message, in bytes, that Error keeps.
const maxMessage = 300

// Error is a failed Graph or token call. It carries only what Graph or the
// token endpoint returned in its error fields and the request identifiers,
// never a token, a secret or a whole response body.
type Error struct {
	// Class is the kind of failure, which decides what the caller does.
	Class Class
	// Method is the HTTP method of the Graph call, such as GET or PATCH.
	Method string
	// Token is true when the token request for the Graph call failed, so
	// that Graph itself was not called. RequestID is then Microsoft
	// Entra's trace ID and ClientRequestID its correlation ID, which its
	// sign-in error pages call Request Id and Correlation Id.
	Token bool
	// StatusCode is the HTTP status of the failed response, or 0 when
	// there was no response.
	StatusCode int
	// Code is Graph's error code, such as Authorization_RequestDenied, or
	// the Microsoft Entra "error" value, such as invalid_client, for a
	// failed token request.
	Code string
	// Message is Graph's or Microsoft Entra's error message, or a
	// description of the failure when there was no usable response. It is
	// at most about 300 bytes.
	Message string
	// RequestID is Graph's request-id, or Microsoft Entra's trace_id for a
	// failed token request. Support cases need it.
	RequestID string
	// ClientRequestID is the client-request-id sent with the last attempt.
	ClientRequestID string
	// EntraCode is the first AADSTS number of a token request that
	// Microsoft Entra rejected, such as 7000215 for a wrong secret, or 0.
	EntraCode int
	// RetryAfter is how long to wait before retrying, for Throttled and
	// Unavailable errors, when the server sent Retry-After or when in-call
	// retries ran out. Zero means no advice.
	RetryAfter time.Duration
	// Err is the underlying cause, such as a timeout, a connection error or
	// an azidentity error. Its text may contain a whole response body, so
	// Error never includes it for token failures.
	Err error
}

// Error returns one line with the method, status, class, code, message and
// request identifiers.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.head())
	e.writeParts(&b, e.Code, truncate(oneLine(e.Message), maxMessage))
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString("; request-id " + e.RequestID)
	}
	if e.ClientRequestID != "" {
		b.WriteString("; client-request-id " + e.ClientRequestID)
	}
	return b.String()
}

// Cause is Error without the parts that differ between attempts of the
// same failure: the Retry-After and the request-ids. For a token request
// that Microsoft Entra rejected, it names the AADSTS number instead of
// the description, which can contain trace ids and the current time.
//
// NOTE: for a body that is not a Graph error, such as a proxy's page, the
// message names the body's size, so a page whose size varies per request
// gives a new cause each time.
func (e *Error) Cause() string {
	var b strings.Builder
	b.WriteString(e.head())
	detail := truncate(oneLine(e.Message), maxMessage)
	if e.Token && e.EntraCode != 0 {
		detail = fmt.Sprintf("AADSTS%d", e.EntraCode)
	}
	e.writeParts(&b, e.Code, detail)
	return b.String()
}

// head names the call, the status and the class.
func (e *Error) head() string {
	var b strings.Builder
	if e.Token {
		fmt.Fprintf(&b, "token for graph %s security failed", e.Method)
	} else {
		fmt.Fprintf(&b, "graph %s security failed", e.Method)
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " with status %d", e.StatusCode)
	}
	fmt.Fprintf(&b, " (%s)", e.Class)
	return b.String()
}

func (e *Error) writeParts(b *strings.Builder, parts ...string) {
	for _, part := range parts {
		if part != "" {
			b.WriteString(": " + part)
		}
	}
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// oneLine replaces control characters, so that a message from the server
// cannot break a log line or a status condition into several.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence,
// and marks the cut with an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// classify returns the class of a Graph HTTP status that is not a success.
func classify(status int) Class {
	switch {
	case status == 401:
		return ClassAuthentication
	case status == 403:
		return ClassPermission
	case status == 429:
		return ClassThrottled
	case status >= 500, status == 408:
		return ClassUnavailable
	case status >= 400:
		return ClassRejected
	default:
		// A 1xx or 3xx response, or a 2xx the client does not expect, means
		// something between the client and Graph misbehaved.
		return ClassUnavailable
	}
}
