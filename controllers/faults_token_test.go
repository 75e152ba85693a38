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

// TestTokenEndpointFaults covers failures of the Microsoft Entra token
// endpoint on a tenant's first token request. azcore retries a token
// request up to three times, so four faults fail one reconcile.
func TestTokenEndpointFaults(t *testing.T) {
	cases := []struct {
		name      string
		faults    []emulator.Fault
		code      string
		message   string
		requestID bool
	}{
		{
			name:   "503",
			faults: repeat(emulator.Fault{Kind: "token", Status: 503}, 4),
			code:   "temporarily_unavailable", message: "with status 503", requestID: true,
		},
		{
			name:   "500",
			faults: repeat(emulator.Fault{Kind: "token", Status: 500}, 4),
			code:   "temporarily_unavailable", message: "with status 500", requestID: true,
		},
		{
			name:    "reset",
			faults:  repeat(emulator.Fault{Kind: "token", Reset: true}, 4),
			message: "token request failed: the token endpoint reset the request's stream",
		},
		{
			name:    "hang",
			faults:  []emulator.Fault{{Kind: "token", Hang: true}},
			message: "token request timed out after 2s",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startFaultScenario(t, tc.faults...)

			obj := s.expectFailure(t, v1alpha1.ReasonGraphUnavailable, tc.code, tc.requestID)
			g := NewWithT(t)
			g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring(tc.message))
			g.Expect(condition(obj, v1alpha1.ConditionReconciling)).NotTo(BeNil())
			g.Expect(condition(obj, v1alpha1.ConditionStalled)).To(BeNil())
			g.Expect(s.tn.counts().Get).To(BeZero(), "Graph requests without a token")
			s.removeFaults()

			s.expectRecovered(t)
		})
	}
}

// TestTokenInvalidClient makes the token endpoint reject the client once.
// The operator takes that as wrong credentials and stalls until the next
// reconcile, here a resync request.
func TestTokenInvalidClient(t *testing.T) {
	g := NewWithT(t)
	s := startFaultScenario(t, emulator.Fault{Kind: "token", Status: 401, Code: "invalid_client"})

	obj := s.expectFailure(t, v1alpha1.ReasonAuthenticationFailed, "invalid_client", true)
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring("token request rejected"))
	g.Expect(condition(obj, v1alpha1.ConditionStalled)).NotTo(BeNil())
	g.Expect(condition(obj, v1alpha1.ConditionReconciling)).To(BeNil())
	g.Expect(s.tn.counts().Get).To(BeZero(), "Graph requests without a token")
	s.removeFaults()
	requestResync(t, s.key)

	s.expectRecovered(t)
}
