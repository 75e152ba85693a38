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

package graph_test

import (
	"context"
	"encoding/json"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/emulator"
)

func TestPatch200LackingPropertyReadsBack(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	securityID := f.s.AddTenant(tenantID)
	// Graph stores the change but responds with an object that lacks it.
	f.faults(emulator.Fault{Kind: "patch", Status: 200, Body: `{"id":"abc"}`, AfterApply: true})

	o, err := f.client.Patch(context.Background(), f.tenant(t, secretSource(secret)),
		props(map[string]string{"alertsEnabled": `false`}))

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o).To(HaveKeyWithValue("alertsEnabled", json.RawMessage(`false`)))
	g.Expect(o.ID()).To(Equal(securityID), "the object comes from the GET, not the PATCH response")
	counts := f.s.Counts(tenantID)
	g.Expect(counts.Patch).To(Equal(int64(1)))
	g.Expect(counts.Get).To(Equal(int64(1)))
	requests := f.s.Requests(tenantID)
	g.Expect(requests[len(requests)-1].Kind).To(Equal(emulator.KindGet))
}

func TestPatch200WithPropertiesNoGet(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	f.s.SetProperties(tenantID, props(map[string]string{"Mode": `"Audit"`}))

	// The emulator keeps the stored case "Mode", so the response matches
	// "mode" only case-insensitively.
	o, err := f.client.Patch(context.Background(), f.tenant(t, secretSource(secret)),
		props(map[string]string{"mode": `"Strict"`, "alertsEnabled": `true`}))

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o).To(HaveKeyWithValue("Mode", json.RawMessage(`"Strict"`)))
	g.Expect(o).To(HaveKeyWithValue("alertsEnabled", json.RawMessage(`true`)))
	counts := f.s.Counts(tenantID)
	g.Expect(counts.Patch).To(Equal(int64(1)))
	g.Expect(counts.Get).To(Equal(int64(0)))
}

func TestPatch200DeletedPropertyNoGet(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, nil)
	f.s.SetProperties(tenantID, props(map[string]string{"alertsEnabled": `true`}))

	o, err := f.client.Patch(context.Background(), f.tenant(t, secretSource(secret)),
		props(map[string]string{"alertsEnabled": `null`, "mode": `"Strict"`}))

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o).NotTo(HaveKey("alertsEnabled"))
	g.Expect(o).To(HaveKeyWithValue("mode", json.RawMessage(`"Strict"`)))
	g.Expect(f.s.Counts(tenantID).Get).To(Equal(int64(0)))
}
