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
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/emulator"
)

func TestFaultRedirect(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	location := "https://127.0.0.1:1/v1.0/security"
	f.s.SetBehaviour(tenantA, emulator.Behaviour{Faults: []emulator.Fault{
		{Kind: "get", Status: http.StatusTemporaryRedirect, Location: location, Empty: true},
	}})
	noFollow := *f.client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	f.client = &noFollow

	r := f.get(t, token)

	g.Expect(r.status).To(Equal(http.StatusTemporaryRedirect))
	g.Expect(r.header.Get("Location")).To(Equal(location))
	g.Expect(f.get(t, token).status).To(Equal(http.StatusOK))
}

func TestFaultAfterApplyStoresPatch(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{Faults: []emulator.Fault{
		{Kind: "patch", Status: 504, AfterApply: true},
	}})

	r := f.patch(t, token, `{"level": 3}`)

	g.Expect(r.status).To(Equal(http.StatusGatewayTimeout))
	g.Expect(f.s.Properties(tenantA)).To(HaveKeyWithValue("level", raw(`3`)))
	requests := f.s.Requests(tenantA)
	g.Expect(string(requests[len(requests)-1].Body)).To(Equal(`{"level":3}`))
}

func TestFaultAfterApplyKeepsRejection(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{Faults: []emulator.Fault{
		{Kind: "patch", Status: 504, AfterApply: true},
	}})

	r := f.patch(t, token, `{"id": "x"}`)

	g.Expect(r.status).To(Equal(http.StatusBadRequest))
	g.Expect(f.s.Properties(tenantA)).To(BeEmpty())
}

func TestHangingCountsHeldRequests(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{Faults: []emulator.Fault{
		{Kind: "patch", Hang: true, AfterApply: true},
	}})
	req, err := http.NewRequest(http.MethodPatch, f.s.URL()+"/v1.0/security",
		strings.NewReader(`{"level": 4}`))
	g.Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	done := make(chan error, 1)
	go func() {
		resp, err := f.client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()

	g.Eventually(func() int { return f.s.Hanging(tenantA) }, 5*time.Second).Should(Equal(1))
	g.Expect(f.s.Properties(tenantA)).To(HaveKeyWithValue("level", raw(`4`)))
	g.Expect(f.s.Close()).To(Succeed())
	g.Eventually(done, 5*time.Second).Should(Receive(HaveOccurred()))
	g.Eventually(func() int { return f.s.Hanging(tenantA) }, 5*time.Second).Should(BeZero())
	g.Expect(f.s.Hanging("unknown-tenant")).To(BeZero())
}

func TestFaultedPatchBodyLogged(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t)
	token := f.token(t)
	f.s.SetBehaviour(tenantA, emulator.Behaviour{Faults: []emulator.Fault{{Kind: "patch", Status: 503}}})

	r := f.patch(t, token, `{"level": 5}`)

	g.Expect(r.status).To(Equal(http.StatusServiceUnavailable))
	requests := f.s.Requests(tenantA)
	g.Expect(string(requests[len(requests)-1].Body)).To(Equal(`{"level":5}`))
	g.Expect(f.s.Properties(tenantA)).To(BeEmpty())
}
