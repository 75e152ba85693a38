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

package v1alpha1_test

import (
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// properties returns n distinct, valid property names with small values.
func properties(n int) map[string]any {
	props := make(map[string]any, n)
	for i := range n {
		props[fmt.Sprintf("property%d", i)] = i
	}
	return props
}

// set returns a spec change that sets one top-level spec field.
func set(field string, value any) func(map[string]any) {
	return func(spec map[string]any) { spec[field] = value }
}

// setCredentials returns a spec change that replaces spec.credentials.
func setCredentials(credentials any) func(map[string]any) {
	return set("credentials", credentials)
}

// haveCause matches a status cause for the field path whose message contains
// message. The admission policy's causes carry no field, so for them the
// path must start the message instead.
func haveCause(field, message string) types.GomegaMatcher {
	return ContainElement(Or(
		And(
			HaveField("Field", field),
			HaveField("Message", ContainSubstring(message)),
		),
		And(
			HaveField("Field", ""),
			HaveField("Message", ContainSubstring(field+": ")),
			HaveField("Message", ContainSubstring(message)),
		),
	))
}

func TestCreateRejectsInvalidSpec(t *testing.T) {
	longName := "a" + strings.Repeat("b", 128)
	cases := []struct {
		name    string
		change  func(spec map[string]any)
		field   string
		message string
	}{
		{"spec missing", nil, "spec", "Required value"},
		{"tenantID missing", func(s map[string]any) { delete(s, "tenantID") },
			"spec.tenantID", "Required value"},
		{"tenantID not a GUID", set("tenantID", "contoso.onmicrosoft.com"),
			"spec.tenantID", "tenantID must be the tenant's GUID (its Directory ID), not a domain name"},
		{"tenantID GUID in braces", set("tenantID", "{72f988bf-86f1-41af-91ab-2d7cd011db47}"),
			"spec.tenantID", "36"},
		{"tenantID number", set("tenantID", 42),
			"spec.tenantID", "must be of type string"},
		{"credentials missing", func(s map[string]any) { delete(s, "credentials") },
			"spec.credentials", "Required value"},
		{"credentials with both kinds", setCredentials(map[string]any{
			"secretRef":        map[string]any{"name": "graph-credentials"},
			"workloadIdentity": map[string]any{"clientID": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"},
		}), "spec.credentials", "must set exactly one of secretRef or workloadIdentity"},
		{"credentials empty", setCredentials(map[string]any{}),
			"spec.credentials", "must set exactly one of secretRef or workloadIdentity"},
		{"credentials string", setCredentials("graph-credentials"),
			"spec.credentials", "must be of type object"},
		{"secretRef without name", setCredentials(map[string]any{"secretRef": map[string]any{}}),
			"spec.credentials.secretRef.name", "Required value"},
		{"secretRef name empty", setCredentials(map[string]any{
			"secretRef": map[string]any{"name": ""},
		}), "spec.credentials.secretRef.name", "at least 1 chars long"},
		{"secretRef name not DNS", setCredentials(map[string]any{
			"secretRef": map[string]any{"name": "Graph_Credentials"},
		}), "spec.credentials.secretRef.name", "should match"},
		{"secretRef name too long", setCredentials(map[string]any{
			"secretRef": map[string]any{"name": strings.Repeat("a", 254)},
		}), "spec.credentials.secretRef.name", "253"},
		{"clientID not a GUID", setCredentials(map[string]any{
			"workloadIdentity": map[string]any{"clientID": "my-app"},
		}), "spec.credentials.workloadIdentity.clientID", "should match"},
		{"clientID missing", setCredentials(map[string]any{
			"workloadIdentity": map[string]any{},
		}), "spec.credentials.workloadIdentity.clientID", "Required value"},
		{"property id", set("properties", map[string]any{"id": "x"}),
			"spec.properties", `must not set "id"`},
		{"property ID", set("properties", map[string]any{"ID": "x"}),
			"spec.properties", `must not set "ID"`},
		{"property @odata.type", set("properties", map[string]any{
			"@odata.type": "#microsoft.graph.security",
		}), "spec.properties", `"@odata.type" must not start with @`},
		{"property names differing in case", set("properties", map[string]any{
			"providerStatus": []any{}, "ProviderStatus": []any{},
		}), "spec.properties", "appears more than once ignoring case"},
		{"property name starting with digit", set("properties", map[string]any{"1st": 1}),
			"spec.properties", `"1st" is not a valid property name`},
		{"property name with dash", set("properties", map[string]any{"provider-status": 1}),
			"spec.properties", `"provider-status" is not a valid property name`},
		{"property name of 129 characters", set("properties", map[string]any{longName: 1}),
			"spec.properties", "at most 128 characters"},
		{"65 properties", set("properties", properties(65)),
			"spec.properties", "must have at most 64 items"},
		{"properties list", set("properties", []any{"providerStatus"}),
			"spec.properties", "must be of type object"},
		{"syncInterval 30s", set("syncInterval", "30s"),
			"spec.syncInterval", "syncInterval must be at least 1m"},
		{"syncInterval 59.9s", set("syncInterval", "59.9s"),
			"spec.syncInterval", "syncInterval must be at least 1m"},
		{"syncInterval abc", set("syncInterval", "abc"),
			"spec.syncInterval", "should match"},
		{"syncInterval number", set("syncInterval", 900),
			"spec.syncInterval", "must be of type string"},
		{"cloud unknown", set("cloud", "Mars"), "spec.cloud", "Unsupported value"},
		{"cloud lower case", set("cloud", "public"), "spec.cloud", "Unsupported value"},
		{"driftPolicy unknown", set("driftPolicy", "Ignore"),
			"spec.driftPolicy", "Unsupported value"},
		{"deletionPolicy unknown", set("deletionPolicy", "Delete"),
			"spec.deletionPolicy", "Unsupported value"},
		{"graphVersion upper case", set("graphVersion", "V1.0"),
			"spec.graphVersion", "should match"},
		{"graphVersion with slash", set("graphVersion", "v1.0/beta"),
			"spec.graphVersion", "should match"},
		{"graphVersion too long", set("graphVersion", strings.Repeat("b", 33)),
			"spec.graphVersion", "32"},
		{"suspend string", set("suspend", "yes"), "spec.suspend", "must be of type boolean"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			var spec map[string]any
			if tc.change != nil {
				spec = validSpec()
				tc.change(spec)
			}

			err := env.Client.Create(t.Context(), newSecurity(spec))

			g.Expect(err).To(HaveOccurred())
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "error: %v", err)
			g.Expect(statusCauses(err)).To(haveCause(tc.field, tc.message), "error: %v", err)
		})
	}
}

func TestCreateAcceptsValidSpec(t *testing.T) {
	cases := []struct {
		name   string
		change func(spec map[string]any)
	}{
		{"minimal", func(map[string]any) {}},
		{"tenantID upper case", set("tenantID", "72F988BF-86F1-41AF-91AB-2D7CD011DB47")},
		{"workloadIdentity", setCredentials(map[string]any{
			"workloadIdentity": map[string]any{"clientID": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"},
		})},
		{"64 properties", set("properties", properties(64))},
		{"property values of every JSON type", set("properties", map[string]any{
			"text": "on", "number": 1.5, "flag": true, "cleared": nil,
			"providerStatus": []any{map[string]any{"provider": "Defender", "enabled": true}},
			"settings":       map[string]any{"mode": "audit"},
		})},
		{"property name of 128 characters", set("properties", map[string]any{
			"a" + strings.Repeat("B_9", 42) + "c": 1,
		})},
		{"property names with id inside", set("properties", map[string]any{
			"idle": 1, "tenantId": 2, "identity": 3,
		})},
		{"syncInterval 1m", set("syncInterval", "1m")},
		{"syncInterval 1h30m", set("syncInterval", "1h30m")},
		{"syncInterval 90s", set("syncInterval", "90s")},
		{"graphVersion beta", set("graphVersion", "beta")},
		{"cloud USGovernmentDoD", set("cloud", "USGovernmentDoD")},
		{"driftPolicy Report", set("driftPolicy", "Report")},
		{"deletionPolicy Restore", set("deletionPolicy", "Restore")},
		{"suspend", set("suspend", true)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			spec := validSpec()
			tc.change(spec)

			err := env.Client.Create(t.Context(), newSecurity(spec))

			g.Expect(err).NotTo(HaveOccurred())
		})
	}
}

// TestSyncIntervalInDaysHasOneCause checks that a duration the pattern
// rejects, such as 1d, gets only the pattern's message and no CEL type
// conversion error from the minimum rule.
func TestSyncIntervalInDaysHasOneCause(t *testing.T) {
	g := NewWithT(t)
	spec := validSpec()
	spec["syncInterval"] = "1d"

	err := env.Client.Create(t.Context(), newSecurity(spec))

	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "error: %v", err)
	g.Expect(statusCauses(err)).To(HaveLen(1), "error: %v", err)
	g.Expect(statusCauses(err)).To(haveCause("spec.syncInterval", "should match"))
}
