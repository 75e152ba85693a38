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

package properties_test

import (
	"encoding/json"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/properties"
)

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func TestEqual(t *testing.T) {
	cases := []struct {
		name            string
		desired, actual string
		want            bool
	}{
		{"same string", `"on"`, `"on"`, true},
		{"string case differs", `"On"`, `"on"`, false},
		{"integer and float", `1`, `1.0`, true},
		{"exponent", `100`, `1e2`, true},
		{"large integers", `9007199254740993`, `9007199254740992`, false},
		{"number and string", `1`, `"1"`, false},
		{"bool", `true`, `true`, true},
		{"bool differs", `true`, `false`, false},
		{"null and null", `null`, `null`, true},
		{"null and absent", `null`, ``, true},
		{"null and value", `null`, `"x"`, false},
		{"value and absent", `"x"`, ``, false},
		{"object subset", `{"a":1}`, `{"a":1,"b":2}`, true},
		{"object key case", `{"A":1}`, `{"a":1}`, true},
		{"object differs", `{"a":1}`, `{"a":2,"b":2}`, false},
		{"object missing key", `{"c":1}`, `{"a":1}`, false},
		{"object null sub-field absent", `{"c":null}`, `{"a":1}`, true},
		{"nested subset", `{"a":{"b":1}}`, `{"a":{"b":1.0,"c":[1]}}`, true},
		{"array whole", `[1,2]`, `[1,2]`, true},
		{"array order", `[1,2]`, `[2,1]`, false},
		{"array longer", `[1]`, `[1,2]`, false},
		{"array of objects with extra fields", `[{"a":1}]`, `[{"a":1,"id":"x"}]`, true},
		{"object and array", `{}`, `[]`, false},
		{"empty object and object", `{}`, `{"a":1}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			got, err := properties.Equal(raw(tc.desired), raw(tc.actual))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(tc.want))
		})
	}
}

func TestEqualInvalidJSON(t *testing.T) {
	g := NewWithT(t)
	_, err := properties.Equal(raw(`{`), raw(`{}`))
	g.Expect(err).To(MatchError(ContainSubstring("invalid desired value")))
	_, err = properties.Equal(raw(`{}`), raw(`{} {}`))
	g.Expect(err).To(MatchError(ContainSubstring("invalid value from Graph")))
}

func TestDrifted(t *testing.T) {
	g := NewWithT(t)
	desired := map[string]json.RawMessage{
		"alpha":   raw(`1`),
		"Beta":    raw(`{"x":true}`),
		"gamma":   raw(`null`),
		"delta":   raw(`"new"`),
		"missing": raw(`[]`),
	}
	actual := map[string]json.RawMessage{
		"alpha": raw(`1.0`),
		"beta":  raw(`{"x":true,"y":false}`),
		"delta": raw(`"old"`),
		"other": raw(`"never compared"`),
	}
	drifted, err := properties.Drifted(desired, actual)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(drifted).To(Equal([]string{"delta", "missing"}))
}

func TestLookupPrefersExactName(t *testing.T) {
	g := NewWithT(t)
	actual := map[string]json.RawMessage{"Name": raw(`1`), "name": raw(`2`), "NAME": raw(`3`)}
	key, value, ok := properties.Lookup(actual, "name")
	g.Expect(ok).To(BeTrue())
	g.Expect(key).To(Equal("name"))
	g.Expect(string(value)).To(Equal("2"))

	key, _, ok = properties.Lookup(actual, "nAmE")
	g.Expect(ok).To(BeTrue())
	g.Expect(key).To(Equal("NAME"), "the first case variant in sorted order")
}

func TestMerge(t *testing.T) {
	cases := []struct {
		name            string
		desired, actual string
		want            string
	}{
		{"scalar replaces", `"b"`, `"a"`, `"b"`},
		{"object keeps other keys", `{"a":1}`, `{"a":0,"b":2}`, `{"a":1,"b":2}`},
		{"object nested", `{"a":{"x":1}}`, `{"a":{"x":0,"y":2},"b":3}`, `{"a":{"x":1,"y":2},"b":3}`},
		{"object keeps Graph key case", `{"A":1}`, `{"a":0}`, `{"a":1}`},
		{"object null clears sub-field", `{"a":null}`, `{"a":1,"b":2}`, `{"a":null,"b":2}`},
		{"object over absent", `{"a":1}`, ``, `{"a":1}`},
		{"object over array", `{"a":1}`, `[1]`, `{"a":1}`},
		{"array of other length replaces whole", `[3]`, `[1,2]`, `[3]`},
		{"array longer replaces whole", `[{"a":1},{"a":2}]`, `[{"a":0,"b":9}]`, `[{"a":1},{"a":2}]`},
		{"array of scalars", `[3,4]`, `[1,2]`, `[3,4]`},
		{"empty array", `[]`, `[]`, `[]`},
		{"array over object", `[1]`, `{"a":1}`, `[1]`},
		{"array over absent", `[{"a":1}]`, ``, `[{"a":1}]`},
		{
			"array of objects keeps sub-fields",
			`[{"provider":"p1","enabled":true},{"provider":"p2","enabled":false}]`,
			`[{"provider":"p1","enabled":false,"endpoint":"e1","region":"r1"},` +
				`{"provider":"p2","enabled":true,"endpoint":"e2"}]`,
			`[{"provider":"p1","enabled":true,"endpoint":"e1","region":"r1"},` +
				`{"provider":"p2","enabled":false,"endpoint":"e2"}]`,
		},
		{"array element keeps Graph key case", `[{"A":1}]`, `[{"a":0,"b":2}]`, `[{"a":1,"b":2}]`},
		{"array element object over scalar", `[{"a":1}]`, `[5]`, `[{"a":1}]`},
		{"array element null", `[null,{"a":1}]`, `[{"x":1},{"a":0,"b":2}]`, `[null,{"a":1,"b":2}]`},
		{"array nested in array", `[[{"a":1}]]`, `[[{"a":0,"b":2}]]`, `[[{"a":1,"b":2}]]`},
		{"array nested in object", `{"s":[{"a":1}]}`, `{"s":[{"a":0,"b":2}],"t":3}`, `{"s":[{"a":1,"b":2}],"t":3}`},
		{"null clears", `null`, `{"a":1}`, `null`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			got, err := properties.Merge(raw(tc.desired), raw(tc.actual))
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(string(got)).To(MatchJSON(tc.want))
		})
	}
}

func TestMergeSatisfiesDesired(t *testing.T) {
	g := NewWithT(t)
	desired := raw(`[{"provider":"p1","enabled":true}]`)
	current := raw(`[{"provider":"p1","enabled":false,"endpoint":"e1","region":"r1"}]`)

	merged, err := properties.Merge(desired, current)
	g.Expect(err).NotTo(HaveOccurred())

	equal, err := properties.Equal(desired, merged)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(equal).To(BeTrue(), "the merged value %s satisfies the desired value", merged)
	g.Expect(string(merged)).To(MatchJSON(
		`[{"provider":"p1","enabled":true,"endpoint":"e1","region":"r1"}]`))
}
