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
	"context"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestOversizePropertiesNeverReachGraph creates a Security whose
// properties pass admission but exceed the reconciler's 32 KiB limit. The
// operator must stall before it requests a token, and recover once the
// spec shrinks.
func TestOversizePropertiesNeverReachGraph(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	key := tn.security(t, "oversize", map[string]any{
		"level": 3, "note": strings.Repeat("x", 33*1024),
	})

	obj := waitForReason(t, key, v1alpha1.ReasonInvalidSpec)
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).
		To(MatchRegexp(`^spec.properties is \d+ bytes of JSON; the limit is 32768$`))
	g.Expect(condition(obj, v1alpha1.ConditionStalled)).NotTo(BeNil())
	g.Expect(tn.counts()).To(Equal(emulator.Counts{}), "requests to the emulator")

	base := obj.DeepCopy()
	obj.Spec.Properties = jsonProperties(t, map[string]any{"level": 3})
	g.Expect(k8s.Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())
	waitForReason(t, key, v1alpha1.ReasonSynced)
	g.Expect(tn.patches()).To(HaveLen(1))
	g.Expect(tn.patches()[0]).To(Equal(map[string]any{"@odata.type": "#microsoft.graph.security", "level": float64(3)}))
}
