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
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

func TestCauseLeavesOutAttemptDetails(t *testing.T) {
	g := NewWithT(t)
	e := &Error{
		Class: ClassPermission, Method: "PATCH", StatusCode: 403,
		Code: "Authorization_RequestDenied", Message: "Insufficient privileges.",
		RetryAfter: 2 * time.Second, RequestID: "req-1", ClientRequestID: "client-1",
	}
	const cause = "graph PATCH security failed with status 403 (PermissionDenied): " +
		"Authorization_RequestDenied: Insufficient privileges."
	g.Expect(e.Cause()).To(Equal(cause))
	g.Expect(e.Error()).To(Equal(cause + "; retry after 2s; request-id req-1; client-request-id client-1"))

	again := *e
	again.RequestID, again.ClientRequestID, again.RetryAfter = "req-2", "client-2", time.Second
	g.Expect(again.Cause()).To(Equal(e.Cause()), "another attempt of the same failure")
}

func TestTokenCauseNamesEntraCode(t *testing.T) {
	g := NewWithT(t)
	e := &Error{
		Class: ClassAuthentication, Method: "GET", Token: true, StatusCode: 401,
		Code: "invalid_client", EntraCode: 700024,
		Message: "token request rejected: AADSTS700024: Client assertion is not within its valid " +
			"time range. Current time: 2026-12-04T19:40:01Z, assertion valid from 2026-12-04T18:00:00Z",
	}
	g.Expect(e.Cause()).To(Equal(
		"token for graph GET security failed with status 401 (AuthenticationFailed): invalid_client: AADSTS700024"))
	g.Expect(e.Error()).To(ContainSubstring("Current time"), "the message keeps the description")

	e.EntraCode = 0
	g.Expect(e.Cause()).To(ContainSubstring("Current time"), "without a number the description is all there is")
}

func TestFirstLineDropsTraceIDs(t *testing.T) {
	g := NewWithT(t)
	g.Expect(firstLine("AADSTS7000215: Invalid client secret provided. Trace ID: f6fa Correlation ID: 2786 " +
		"Timestamp: 2024-06-04 11:40:28Z")).To(Equal("AADSTS7000215: Invalid client secret provided."))
	g.Expect(firstLine("AADSTS7000215: Invalid client secret provided.\r\nTrace ID: f6fa")).
		To(Equal("AADSTS7000215: Invalid client secret provided."))
}
