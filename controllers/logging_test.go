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
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// TestStalledWithoutGraphCallIsLogged checks that a stall found before any
// Graph call, here a missing Secret, reaches the manager's log with the
// object and the reason, since no error goes back to controller-runtime.
func TestStalledWithoutGraphCallIsLogged(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "no-secret", map[string]any{"level": 1},
		func(s *v1alpha1.Security) { s.Spec.Credentials.SecretRef.Name = "missing" })
	waitForReason(t, key, v1alpha1.ReasonCredentialsInvalid)

	g.Eventually(func() string { return stalledLogLine(tn.namespace) }, timeout, interval).
		Should(ContainSubstring(`"reason": "CredentialsInvalid"`))
	g.Expect(stalledLogLine(tn.namespace)).To(ContainSubstring("Secret " + tn.namespace + "/missing not found"))
}

// stalledLogLine returns the first stall log line that names namespace.
func stalledLogLine(namespace string) string {
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "Security is stalled") && strings.Contains(line, namespace) {
			return line
		}
	}
	return ""
}

// TestReportDriftLoggedAsInfo checks that drift under driftPolicy Report
// is logged at info level with the object and the tenant, and never at
// error level.
func TestReportDriftLoggedAsInfo(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 1})
	key := tn.security(t, "reportlog", map[string]any{"level": 2},
		func(s *v1alpha1.Security) { s.Spec.DriftPolicy = v1alpha1.DriftPolicyReport })
	waitForReason(t, key, v1alpha1.ReasonDriftDetected)
	requestResync(t, key)

	var infoLines, errorLines []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if !strings.Contains(line, tn.namespace) {
			continue
		}
		if strings.Contains(line, "\tERROR\t") {
			errorLines = append(errorLines, line)
		}
		if strings.Contains(line, "driftPolicy Report leaves it") {
			infoLines = append(infoLines, line)
		}
	}
	g.Expect(errorLines).To(BeEmpty())
	g.Expect(infoLines).NotTo(BeEmpty())
	for _, line := range infoLines {
		g.Expect(line).To(ContainSubstring("\tINFO\t"))
		g.Expect(line).To(ContainSubstring(`"name": "reportlog"`))
		g.Expect(line).To(ContainSubstring(`"namespace": "` + tn.namespace + `"`))
		g.Expect(line).To(ContainSubstring(`"tenant": "` + tn.id + `"`))
		g.Expect(line).To(ContainSubstring(`"drifted": ["level"]`))
	}
}
