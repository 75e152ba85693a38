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

package controllers

import (
	"strings"
	"testing"
	"unicode/utf8"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

func TestTruncateKeepsUTF8Valid(t *testing.T) {
	g := NewWithT(t)
	s := strings.Repeat("é", 10) // 2 bytes each

	for n := 4; n <= len(s); n++ {
		out := truncate(s, n)
		g.Expect(utf8.ValidString(out)).To(BeTrue(), "n=%d: %q", n, out)
		g.Expect(len(out)).To(BeNumerically("<=", n), "n=%d", n)
	}
	g.Expect(truncate("short", 10)).To(Equal("short"))
}

func TestSkipRestoreAcceptsBooleans(t *testing.T) {
	g := NewWithT(t)
	for value, want := range map[string]bool{
		"true": true, "True": true, "1": true, "false": false, "": false, "yes": false,
	} {
		obj := &v1alpha1.Security{ObjectMeta: metav1.ObjectMeta{
			Annotations: map[string]string{v1alpha1.AnnotationSkipRestore: value},
		}}
		g.Expect(skipRestore(obj)).To(Equal(want), "value %q", value)
	}
}

func TestCaseDuplicateFindsNestedKeys(t *testing.T) {
	g := NewWithT(t)
	cases := map[string]struct{ raw, path, key string }{
		"none":             {`{"a":{"b":1},"c":[{"d":1},{"D":2}]}`, "", ""},
		"top object":       {`{"level":"A","LEVEL":"B"}`, "p", "level"},
		"nested object":    {`{"a":{"Mode":1,"mode":2}}`, "p.a", "mode"},
		"object in array":  {`[{"x":1},{"y":1,"Y":2}]`, "p[1]", "y"},
		"scalar":           {`"Level"`, "", ""},
		"invalid JSON":     {`{"a":`, "", ""},
		"equal keys count": {`{"a":1,"b":{"a":1}}`, "", ""},
	}
	for name, tc := range cases {
		path, key := caseDuplicate([]byte(tc.raw), "p")
		g.Expect(path).To(Equal(tc.path), name)
		g.Expect(key).To(Equal(tc.key), name)
	}
}
