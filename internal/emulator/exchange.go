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
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// exchange is one request being served and its log entry.
type exchange struct {
	server *Server
	w      http.ResponseWriter
	r      *http.Request
	entry  Request
	// tenant is the tenant the request is logged under, once known.
	tenant *tenant
}

// record logs the exchange under its tenant. It runs deferred, so it also
// logs a reset, whose panic unwinds through it.
func (x *exchange) record() {
	t := x.tenant
	if t == nil {
		t = x.server.unattributed
	}
	t.record(x.entry)
}

// pause waits for d, the emulated latency. When the client gives up or the
// server closes first, it aborts the request so that no response is sent.
func (x *exchange) pause(d time.Duration) {
	if !x.server.wait(x.r.Context(), d) {
		x.entry.Status = 0
		panic(http.ErrAbortHandler)
	}
}

// writeJSON sends v with status and the Graph response headers.
func (x *exchange) writeJSON(status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{}`)
	}
	x.setIDs()
	x.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	x.writeRaw(status, body)
}

func (x *exchange) writeRaw(status int, body []byte) {
	x.entry.Status = status
	x.w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = x.w.Write(body)
	}
}

// setIDs sets Graph's request-id and the echoed client-request-id headers.
func (x *exchange) setIDs() (requestID, clientRequestID string) {
	h := x.w.Header()
	if id := h.Get("request-id"); id != "" {
		return id, h.Get("client-request-id")
	}
	requestID = uuid.NewString()
	clientRequestID = firstNonEmpty(x.entry.ClientRequestID, uuid.NewString())
	h.Set("request-id", requestID)
	h.Set("client-request-id", clientRequestID)
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	return requestID, clientRequestID
}

// graphError sends a Graph error body:
// {"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}.
func (x *exchange) graphError(status int, code, message string) {
	requestID, clientRequestID := x.setIDs()
	x.writeJSON(status, map[string]any{"error": map[string]any{
		"code":    code,
		"message": message,
		"innerError": map[string]string{
			"date":              time.Now().UTC().Format("2006-01-02T15:04:05"),
			"request-id":        requestID,
			"client-request-id": clientRequestID,
		},
	}})
}

// aadError sends a Microsoft Entra token endpoint error body.
func (x *exchange) aadError(status int, code string, aadsts int, description string) {
	traceID := uuid.NewString()
	correlationID := firstNonEmpty(x.entry.ClientRequestID, uuid.NewString())
	x.w.Header().Set("x-ms-request-id", traceID)
	x.w.Header().Set("client-request-id", correlationID)
	now := time.Now().UTC()
	x.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	body, _ := json.Marshal(map[string]any{
		"error": code,
		"error_description": "AADSTS" + strconv.Itoa(aadsts) + ": " + description +
			"\r\nTrace ID: " + traceID + "\r\nCorrelation ID: " + correlationID +
			"\r\nTimestamp: " + now.Format("2006-01-02 15:04:05Z"),
		"error_codes":    []int{aadsts},
		"timestamp":      now.Format("2006-01-02 15:04:05Z"),
		"trace_id":       traceID,
		"correlation_id": correlationID,
		"error_uri":      x.server.url + "/error?code=" + strconv.Itoa(aadsts),
	})
	x.writeRaw(status, body)
}

// applyFault responds with f: it hangs, resets, or sends the status with an
// error body. token selects a Microsoft Entra body instead of Graph's.
func (x *exchange) applyFault(f Fault, token bool) {
	switch {
	case f.Hang:
		x.entry.Status = 0
		if x.tenant != nil {
			x.tenant.addHanging(1)
			defer x.tenant.addHanging(-1)
		}
		x.server.hang(x.r.Context())
		// Returning would send an empty 200 if the client is still there.
		panic(http.ErrAbortHandler)
	case f.Reset:
		x.entry.Status = 0
		panic(http.ErrAbortHandler)
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if f.RetryAfter != "" {
		x.w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Location != "" {
		x.w.Header().Set("Location", f.Location)
	}
	switch {
	case f.Empty:
		x.setIDs()
		x.writeRaw(status, nil)
	case f.Body != "":
		x.setIDs()
		x.w.Header().Set("Content-Type", sniffType(f.Body))
		x.writeRaw(status, []byte(f.Body))
	case token:
		x.aadError(status, firstNonEmpty(f.Code, defaultAADCode(status)), 50000+status,
			"Injected fault.")
	default:
		x.graphError(status, firstNonEmpty(f.Code, defaultGraphCode(status)), "Injected fault.")
	}
}

func sniffType(body string) string {
	if strings.HasPrefix(strings.TrimSpace(body), "<") {
		return "text/html; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// defaultGraphCode returns the error code Graph usually sends with status.
func defaultGraphCode(status int) string {
	codes := map[int]string{
		400: "BadRequest", 401: "InvalidAuthenticationToken",
		403: "Authorization_RequestDenied", 404: "Request_ResourceNotFound",
		405: "Request_BadRequest", 409: "Conflict", 412: "PreconditionFailed",
		413: "RequestEntityTooLarge", 415: "UnsupportedMediaType", 422: "UnprocessableEntity",
		429: "TooManyRequests", 500: "generalException", 502: "BadGateway",
		503: "serviceNotAvailable", 504: "GatewayTimeout",
	}
	if c, ok := codes[status]; ok {
		return c
	}
	return "UnknownError"
}

// defaultAADCode returns an OAuth error code that fits status.
func defaultAADCode(status int) string {
	switch {
	case status == 401:
		return "invalid_client"
	case status == 429, status >= 500:
		return "temporarily_unavailable"
	default:
		return "invalid_request"
	}
}
