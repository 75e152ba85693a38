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
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	cases := map[string]struct {
		value string
		want  time.Duration
		ok    bool
	}{
		"seconds":       {"3", 3 * time.Second, true},
		"fractional":    {"2.128", 2128 * time.Millisecond, true},
		"spaces":        {" 1 ", time.Second, true},
		"zero":          {"0", 0, true},
		"http date":     {"Fri, 04 Dec 2026 12:00:05 GMT", 5 * time.Second, true},
		"past date":     {"Fri, 04 Dec 2026 11:00:00 GMT", 0, true},
		"huge":          {"1e12", maxRetryAfter, true},
		"far date":      {"Fri, 04 Dec 2099 12:00:05 GMT", maxRetryAfter, true},
		"empty":         {"", 0, false},
		"negative":      {"-1", 0, false},
		"not a number":  {"soon", 0, false},
		"not a number2": {"NaN", 0, false},
		"infinite":      {"Inf", 0, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			got, ok := parseRetryAfter(tc.value, now)
			g.Expect(ok).To(Equal(tc.ok))
			g.Expect(got).To(Equal(tc.want))
		})
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	g := NewWithT(t)
	base, maxWait := 100*time.Millisecond, time.Second
	limits := map[int]time.Duration{1: 100, 2: 200, 3: 400, 4: 800, 5: 1000, 30: 1000}
	for attempt, limit := range limits {
		limit *= time.Millisecond
		for range 50 {
			d := backoff(base, maxWait, attempt)
			g.Expect(d).To(BeNumerically(">=", limit/2), "attempt %d", attempt)
			g.Expect(d).To(BeNumerically("<=", limit), "attempt %d", attempt)
		}
	}
}

func TestSleepStopsOnCancel(t *testing.T) {
	g := NewWithT(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	err := sleep(ctx, time.Minute)
	g.Expect(errors.Is(err, context.Canceled)).To(BeTrue())
	g.Expect(time.Since(start)).To(BeNumerically("<", time.Second))
}

func TestParseErrorBody(t *testing.T) {
	cases := map[string]struct {
		body string
		want errorFields
		ok   bool
	}{
		"graph": {
			`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges.",` +
				`"innerError":{"date":"2026-12-04T12:00:00","request-id":"r-1","client-request-id":"c-1"}}}`,
			errorFields{
				"Authorization_RequestDenied",
				"Insufficient privileges.",
				"r-1",
				"c-1",
			}, true,
		},
		"nested inner error": {
			`{"error":{"code":"BadRequest","message":"m","innerError":{"code":"x",` +
				`"innerError":{"request-id":"r-2","client-request-id":"c-2"}}}}`,
			errorFields{"BadRequest", "m", "r-2", "c-2"}, true,
		},
		"lowercase innererror": {
			`{"error":{"code":"c","message":"m","innererror":{"request-id":"r-3"}}}`,
			errorFields{"c", "m", "r-3", ""}, true,
		},
		"message object": {
			`{"error":{"code":"c","message":{"lang":"en-US","value":"localised"}}}`,
			errorFields{"c", "localised", "", ""}, true,
		},
		"control characters": {
			`{"error":{"code":"c","message":"line1\nline2"}}`,
			errorFields{"c", "line1 line2", "", ""}, true,
		},
		"hostile request id": {
			`{"error":{"code":"c","message":"m","innerError":{"request-id":"a b\nc"}}}`,
			errorFields{"c", "m", "", ""}, true,
		},
		"string error": {`{"error":"invalid_client"}`, errorFields{}, false},
		"empty error":  {`{"error":{}}`, errorFields{}, false},
		"html":         {`<html><body>Bad gateway</body></html>`, errorFields{}, false},
		"truncated":    {`{"error":{"code":"c","mess`, errorFields{}, false},
		"empty":        {``, errorFields{}, false},
		"null":         {`null`, errorFields{}, false},
		"no error key": {`{"value":1}`, errorFields{}, false},
		"code is array": {
			`{"error":{"code":[1],"message":"m"}}`,
			errorFields{"", "m", "", ""},
			true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			got, ok := parseErrorBody([]byte(tc.body))
			g.Expect(ok).To(Equal(tc.ok))
			if tc.ok {
				g.Expect(got).To(Equal(tc.want))
			}
		})
	}
}

func TestParseErrorBodyTruncatesMessage(t *testing.T) {
	g := NewWithT(t)
	long := strings.Repeat("é", 400)
	got, ok := parseErrorBody([]byte(`{"error":{"code":"c","message":"` + long + `"}}`))
	g.Expect(ok).To(BeTrue())
	g.Expect(len(got.Message)).To(BeNumerically("<=", maxMessage+len("…")))
	g.Expect(strings.ToValidUTF8(got.Message, "?")).To(Equal(got.Message))
}

func TestParseObject(t *testing.T) {
	g := NewWithT(t)
	o, err := parseObject([]byte(`{"@odata.context":"x","id":"abc","a":[1,2]}`))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.ID()).To(Equal("abc"))
	g.Expect(string(o["a"])).To(Equal("[1,2]"))

	for _, body := range []string{``, `null`, `[]`, `"x"`, `{"a":`, `<html></html>`, `{} {}`} {
		_, err := parseObject([]byte(body))
		g.Expect(err).To(HaveOccurred(), "body %q", body)
	}
}

func TestObjectID(t *testing.T) {
	g := NewWithT(t)
	g.Expect(Object{}.ID()).To(BeEmpty())
	g.Expect(Object{"id": []byte(`42`)}.ID()).To(BeEmpty())
	g.Expect(Object{"id": []byte(`"x"`)}.ID()).To(Equal("x"))
}

func TestReadBodyCapped(t *testing.T) {
	g := NewWithT(t)
	_, err := readBody(strings.NewReader(strings.Repeat("a", maxBody+1)))
	g.Expect(err).To(MatchError(errBodyTooLarge))
	b, err := readBody(strings.NewReader(strings.Repeat("a", maxBody)))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(b).To(HaveLen(maxBody))
}

func TestErrorLine(t *testing.T) {
	g := NewWithT(t)
	e := &Error{
		Class: ClassThrottled, Method: "GET", StatusCode: 429, Code: "TooManyRequests",
		Message: strings.Repeat(
			"m",
			500,
		) + "\nsecond line", RequestID: "r-1", ClientRequestID: "c-1",
		RetryAfter: 2128 * time.Millisecond, Err: errors.New("cause with Bearer eyJ-token"),
	}
	line := e.Error()
	g.Expect(line).
		To(HavePrefix("graph GET security failed with status 429 (Throttled): TooManyRequests: mmm"))
	g.Expect(line).To(HaveSuffix("; retry after 2.128s; request-id r-1; client-request-id c-1"))
	g.Expect(line).NotTo(ContainSubstring("\n"))
	g.Expect(line).NotTo(ContainSubstring("eyJ-token"))
	g.Expect(len(line)).To(BeNumerically("<", 450))
	g.Expect(errors.Unwrap(e)).To(Equal(e.Err))
}

func TestClassify(t *testing.T) {
	cases := map[int]Class{
		400: ClassRejected, 401: ClassAuthentication, 403: ClassPermission, 404: ClassRejected,
		405: ClassRejected, 408: ClassUnavailable, 409: ClassRejected, 412: ClassRejected,
		413: ClassRejected, 422: ClassRejected, 429: ClassThrottled, 500: ClassUnavailable,
		502: ClassUnavailable, 503: ClassUnavailable, 504: ClassUnavailable, 302: ClassUnavailable,
	}
	for status, want := range cases {
		g := NewWithT(t)
		g.Expect(classify(status)).To(Equal(want), "status %d", status)
	}
}

func TestPatchBody(t *testing.T) {
	g := NewWithT(t)
	body, err := patchBody(
		map[string]json.RawMessage{"b": json.RawMessage(`true`), "a": json.RawMessage(`[1]`)},
	)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(string(body)).
		To(Equal(`{"@odata.type":"#microsoft.graph.security","a":[1],"b":true}`))
	_, err = patchBody(map[string]json.RawMessage{"a": json.RawMessage(`{`)})
	g.Expect(err).To(HaveOccurred())
}
