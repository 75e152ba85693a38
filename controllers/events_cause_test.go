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

package controllers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// stallResyncs is how many resyncs each test requests after the first
// stall. Nothing the user can see changes between them.
const stallResyncs = 6

// countReason returns how many Events in namespace have reason.
func countReason(t *testing.T, namespace, reason string) int {
	n := 0
	for _, r := range eventReasons(t, namespace) {
		if r == reason {
			n++
		}
	}
	return n
}

// expectOneEvent waits for the first Event of reason, requests resyncs, and
// checks that no further Event of reason arrives.
func expectOneEvent(t *testing.T, tn *tenant, name, reason string, props map[string]any) {
	t.Helper()
	g := NewWithT(t)
	key := tn.security(t, name, props)
	waitForReason(t, key, reason)
	g.Eventually(func() int { return countReason(t, tn.namespace, reason) }, timeout, interval).
		Should(Equal(1))
	for range stallResyncs {
		requestResync(t, key)
	}
	g.Consistently(func() int { return countReason(t, tn.namespace, reason) }, 2*time.Second, interval).
		Should(Equal(1), "Events: %v; notes: %q", eventReasons(t, tn.namespace), eventNotes(t, tn.namespace))
}

// TestCaseDuplicateNamesEventOnce checks that two spec.properties keys
// that differ only in case, possible without the admission policy, give
// one InvalidSpec Event: the message always names the same key.
func TestCaseDuplicateNamesEventOnce(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	expectOneEvent(t, tn, "casedup", v1alpha1.ReasonInvalidSpec, map[string]any{"Level": 1, "level": 2})
}

// TestTwoInvalidNamesEventOnce checks that a spec with several invalid
// names gives one InvalidSpec Event, whatever the map order.
func TestTwoInvalidNamesEventOnce(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	expectOneEvent(t, tn, "twoinvalid", v1alpha1.ReasonInvalidSpec,
		map[string]any{"id": "x", "bad-name": 1, "other-bad": 2})
}

// entraBodies returns token endpoint error bodies as Microsoft Entra sends
// them, one per attempt, from describe(attempt, traceID, correlationID).
func entraBodies(t *testing.T, n int, code string, aadsts int,
	describe func(i int, trace, correlation string) string) []emulator.Fault {
	faults := make([]emulator.Fault, 0, n)
	for i := range n {
		trace, correlation := uuid.NewString(), uuid.NewString()
		body, err := json.Marshal(map[string]any{
			"error":             code,
			"error_description": describe(i, trace, correlation),
			"error_codes":       []int{aadsts},
			"trace_id":          trace,
			"correlation_id":    correlation,
		})
		NewWithT(t).Expect(err).NotTo(HaveOccurred())
		faults = append(faults, emulator.Fault{Kind: "token", Status: http.StatusUnauthorized, Body: string(body)})
	}
	return faults
}

// TestEntraTraceIDsEventOnce checks that token errors whose descriptions
// carry new trace and correlation ids and a timestamp on the same line,
// as Microsoft Entra sends them, give one Event.
func TestEntraTraceIDsEventOnce(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	start := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	faults := entraBodies(t, stallResyncs+4, "invalid_client", 7000215,
		func(i int, trace, correlation string) string {
			return fmt.Sprintf("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in "+
				"the request is the client secret value, not the client secret ID, for a secret added "+
				"to app '%s'. Trace ID: %s Correlation ID: %s Timestamp: %s",
				tn.clientID, trace, correlation, start.Add(time.Duration(i)*time.Minute).Format("2006-01-02 15:04:05Z"))
		})
	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{Faults: faults})
	expectOneEvent(t, tn, "traceline", v1alpha1.ReasonAuthenticationFailed, map[string]any{"level": 1})
}

// TestEntraAssertionTimeEventOnce checks AADSTS700024, an expired client
// assertion such as a stale federated token, whose description names the
// current time: one Event, not one per attempt.
func TestEntraAssertionTimeEventOnce(t *testing.T) {
	t.Parallel()
	tn := newTenant(t)
	start := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	faults := entraBodies(t, stallResyncs+4, "invalid_client", 700024,
		func(i int, trace, correlation string) string {
			now := start.Add(time.Duration(i) * time.Minute)
			return fmt.Sprintf("AADSTS700024: Client assertion is not within its valid time range. "+
				"Current time: %s, assertion valid from %s, expiry time of assertion %s. "+
				"Review the documentation at https://example.invalid/certificate-credentials .\r\n"+
				"Trace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
				now.Format("2006-01-02T15:04:05.0000000Z"), start.Add(-2*time.Hour).Format(time.RFC3339),
				start.Add(-time.Hour).Format(time.RFC3339), trace, correlation, now.Format("2006-01-02 15:04:05Z"))
		})
	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{Faults: faults})
	expectOneEvent(t, tn, "assertion", v1alpha1.ReasonAuthenticationFailed, map[string]any{"level": 1})
}

// TestStableStallsEventOnce checks that stalls whose cause is the same on
// every attempt give one Event, whatever the request-ids.
func TestStableStallsEventOnce(t *testing.T) {
	t.Parallel()
	forbidden := make([]emulator.Fault, 0, stallResyncs+4)
	for range stallResyncs + 4 {
		forbidden = append(forbidden, emulator.Fault{Kind: "get", Status: http.StatusForbidden})
	}
	cases := []struct {
		name        string
		reason      string
		behaviour   emulator.Behaviour
		wrongSecret bool
	}{
		{"rejected", v1alpha1.ReasonPropertiesRejected, emulator.Behaviour{Reject: []string{"level", "mode"}}, false},
		{"notapplied", v1alpha1.ReasonNotApplied, emulator.Behaviour{Drop: []string{"level", "mode"}}, false},
		{"forbidden", v1alpha1.ReasonPermissionDenied, emulator.Behaviour{Faults: forbidden}, false},
		{"wrongsecret", v1alpha1.ReasonAuthenticationFailed, emulator.Behaviour{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tn := newTenant(t)
			if c.wrongSecret {
				tn.writeSecret(t, "not-the-secret")
			}
			graphEmulator.SetBehaviour(tn.id, c.behaviour)
			expectOneEvent(t, tn, c.name, c.reason, map[string]any{"level": 1, "mode": "on"})
		})
	}
}
