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
	"testing"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestGraphTransportFaults covers responses that are not Graph errors:
// none at all, one that never comes, and bodies that do not parse.
func TestGraphTransportFaults(t *testing.T) {
	cases := []struct {
		name      string
		faults    []emulator.Fault
		message   string
		requestID bool
	}{
		{
			name:    "connection reset",
			faults:  repeat(emulator.Fault{Kind: "get", Reset: true}, 3),
			message: "request failed: ",
		},
		{
			name:    "connection reset on PATCH",
			faults:  repeat(emulator.Fault{Kind: "patch", Reset: true}, 3),
			message: "graph PATCH security failed (Unavailable): request failed: ",
		},
		{
			name:    "hang beyond the client timeout",
			faults:  repeat(emulator.Fault{Kind: "get", Hang: true}, 3),
			message: "request timed out after 2s",
		},
		{
			name:    "hang on PATCH after it was stored",
			faults:  repeat(emulator.Fault{Kind: "patch", Hang: true, AfterApply: true}, 3),
			message: "graph PATCH security failed (Unavailable): request timed out after 2s",
		},
		{
			name: "HTML body",
			faults: repeat(emulator.Fault{
				Kind: "get", Status: 502, Body: "<html><body>502 Bad Gateway</body></html>",
			}, 3),
			message:   "the response body is not a Graph error (text/html, 41 bytes)",
			requestID: true,
		},
		{
			name: "truncated error body",
			faults: repeat(emulator.Fault{
				Kind: "get", Status: 503, Body: `{"error":{"code":"serviceNotAvail`,
			}, 3),
			message:   "the response body is not a Graph error (application/json, 33 bytes)",
			requestID: true,
		},
		{
			name:      "truncated object",
			faults:    []emulator.Fault{{Kind: "get", Status: 200, Body: `{"level": 1, "mo`}},
			message:   "graph GET security failed with status 200 (Unavailable)",
			requestID: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startFaultScenario(t, tc.faults...)

			obj := s.expectFailure(t, v1alpha1.ReasonGraphUnavailable, "", tc.requestID)
			g := NewWithT(t)
			g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring(tc.message))
			g.Expect(condition(obj, v1alpha1.ConditionReconciling)).NotTo(BeNil())
			g.Expect(condition(obj, v1alpha1.ConditionStalled)).To(BeNil())
			s.removeFaults()

			s.expectRecovered(t)
		})
	}
}

// TestRevokedTokenRetriesWithNewToken revokes the tenant's tokens, so that
// Graph returns 401 for a token the operator's credential still takes as
// valid. The operator drops the credential and retries with backoff, which
// gets a new token and recovers without a spec change or resync request.
func TestRevokedTokenRetriesWithNewToken(t *testing.T) {
	g := NewWithT(t)
	s := startFaultScenario(t)
	waitForReason(t, s.key, v1alpha1.ReasonSynced)
	before := s.tn.counts()

	graphEmulator.RevokeTokens(s.tn.id)
	requestResync(t, s.key)

	waitForReason(t, s.key, v1alpha1.ReasonSynced)
	// The emulator does not count the rejected GET for the tenant, because
	// a revoked token names no tenant.
	g.Expect(s.tn.counts().Get-before.Get).To(Equal(int64(1)), "GETs after the 401")
	g.Expect(s.tn.counts().Token-before.Token).To(Equal(int64(1)), "token requests after the 401")
	s.expectRecovered(t)
}
