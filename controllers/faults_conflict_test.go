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

	"github.com/securityoperator/security-operator/internal/emulator"
)

// TestStatusConflictRecordsOriginalsOnce lets another writer change the
// Security while a reconcile waits for Graph, so that the reconcile's
// status write, which records the original values before the PATCH, fails
// with a conflict. The reconcile must send no PATCH, and the next one must
// record the originals from Graph and patch once.
func TestStatusConflictRecordsOriginalsOnce(t *testing.T) {
	g := NewWithT(t)
	// The first GET hangs until the Graph client's timeout and is retried
	// in the same call, which leaves time to write the object while the
	// reconcile waits.
	s := startFaultScenario(t, emulator.Fault{Kind: "get", Hang: true})
	g.Eventually(func() int { return graphEmulator.Hanging(s.tn.id) }, timeout, interval).Should(Equal(1))

	obj := get(t, s.key)
	base := obj.DeepCopy()
	obj.Labels = map[string]string{"written-by": "another-writer"}
	g.Expect(k8s.Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())

	g.Eventually(func() bool { return s.conflictLogged() }, timeout, interval).Should(BeTrue())
	g.Expect(s.tn.counts().Patch).To(BeZero(), "PATCHes of the reconcile whose status write failed")
	s.removeFaults()
	s.expectRecovered(t)
	g.Expect(s.tn.counts().Patch).To(Equal(int64(1)))
	g.Expect(get(t, s.key).Labels).To(HaveKeyWithValue("written-by", "another-writer"))
}

// conflictLogged reports whether the manager logged a conflict on the
// scenario's Security.
func (s *faultScenario) conflictLogged() bool {
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, s.tn.namespace) && strings.Contains(line, "the object has been modified") {
			return true
		}
	}
	return false
}
