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

package emulator_test

import (
	"testing"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/emulator"
)

func TestSecretValuesCollected(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.s.AddFederatedApp(tenantA, clientA, "federated-assertion")
	token := f.token(t)
	f.tokenRequest(t, tenantA, secretForm(clientA, "wrong-secret", graphURL+"/.default"))
	f.get(t, "unknown-bearer-token")

	values := f.s.SecretValues()

	g.Expect(values).To(ContainElements(secretA, "federated-assertion", token, "wrong-secret",
		"unknown-bearer-token"))
	g.Expect(values).To(HaveLen(5))
}

func TestRequestsNameCredential(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	f.s.AddSecretApp(tenantA, clientA, "second-secret")
	first := f.token(t)
	r := f.tokenRequest(t, tenantA, secretForm(clientA, "second-secret", graphURL+"/.default"))
	second, _ := r.body["access_token"].(string)
	f.s.ResetRequests(tenantA)

	f.get(t, second)
	f.get(t, first)
	f.tokenRequest(t, tenantA, secretForm(clientA, "second-secret", graphURL+"/.default"))

	var credentials []string
	for _, req := range f.s.Requests(tenantA) {
		credentials = append(credentials, req.Kind+": "+req.Credential)
	}
	g.Expect(credentials).To(Equal([]string{
		emulator.KindGet + ": secret 1", emulator.KindGet + ": secret 0",
		emulator.KindToken + ": secret 1",
	}))
	for _, req := range f.s.Requests(tenantA) {
		g.Expect(req.Credential).NotTo(ContainSubstring(secretA))
	}
}
