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
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// The seeds of these fuzz tests are in testdata/fuzz. Run one with, for
// example, go test ./internal/graph -run '^$' -fuzz FuzzParseErrorBody.

func FuzzParseErrorBody(f *testing.F) {
	f.Add([]byte(`{"error":{"code":"c","message":"m","innerError":{"request-id":"r"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fields, ok := parseErrorBody(body)
		if !ok {
			return
		}
		for _, s := range []string{fields.Code, fields.Message} {
			if len(s) > maxMessage+len("…") {
				t.Fatalf("field of %d bytes exceeds the cap", len(s))
			}
			if strings.ContainsAny(s, "\r\n") {
				t.Fatalf("field %q contains a line break", s)
			}
		}
		for _, id := range []string{fields.RequestID, fields.ClientRequestID} {
			if identifier(id) != id {
				t.Fatalf("identifier %q is not clean", id)
			}
		}
	})
}

func FuzzParseObject(f *testing.F) {
	f.Add([]byte(`{"id":"x","@odata.context":"c","a":{"b":[1,null]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		o, err := parseObject(body)
		if err != nil {
			return
		}
		if o == nil {
			t.Fatal("nil object without an error")
		}
		again, err := json.Marshal(o)
		if err != nil {
			t.Fatalf("a parsed object does not encode: %v", err)
		}
		back, err := parseObject(again)
		if err != nil || len(back) != len(o) {
			t.Fatalf("a parsed object does not round-trip: %v", err)
		}
		_ = o.ID()
	})
}

func FuzzResponseResult(f *testing.F) {
	f.Add(
		503,
		"application/json",
		"2.5",
		[]byte(`{"error":{"code":"serviceNotAvailable","message":"m"}}`),
	)
	f.Add(200, "text/html", "", []byte(`<html>`))
	f.Add(204, "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, status int, contentType, retryAfter string, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set("Content-Type", contentType)
		resp.Header.Set("Retry-After", retryAfter)
		for _, method := range []string{http.MethodGet, http.MethodPatch} {
			o, gerr := responseResult(method, "client-id", resp, body, nil)
			if gerr == nil {
				if o == nil && method == http.MethodGet {
					t.Fatal("GET returned neither an object nor an error")
				}
				continue
			}
			line := gerr.Error()
			if strings.ContainsAny(line, "\r\n") ||
				!utf8.ValidString(line) && utf8.ValidString(contentType) {
				t.Fatalf("error line %q is not one clean line", line)
			}
			if gerr.RetryAfter < 0 || gerr.RetryAfter > maxRetryAfter {
				t.Fatalf("retry after %v is out of range", gerr.RetryAfter)
			}
		}
	})
}
