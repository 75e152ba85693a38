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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

func restorePolicy(s *v1alpha1.Security) { s.Spec.DeletionPolicy = v1alpha1.DeletionPolicyRestore }

func TestRestorePutsOriginalsBack(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 1, "settings": map[string]any{"mode": "audit", "keep": true}})
	key := tn.security(t, "restore", map[string]any{
		"level":    5,
		"settings": map[string]any{"mode": "enforce"},
		"added":    "x",
	}, restorePolicy)
	obj := waitForReason(t, key, v1alpha1.ReasonSynced)
	g.Expect(obj.Finalizers).To(ContainElement(v1alpha1.Finalizer))
	g.Expect(tn.graphValue("level")).To(Equal(float64(5)))

	g.Expect(k8s.Delete(context.Background(), obj)).To(Succeed())
	waitGone(t, key)

	g.Expect(tn.graphValue("level")).To(Equal(float64(1)))
	g.Expect(tn.graphValue("settings")).To(Equal(map[string]any{"mode": "audit", "keep": true}))
	g.Expect(graphEmulator.Properties(tn.id)).NotTo(HaveKey("added"), "null clears the property")
}

func TestOrphanLeavesTenant(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 1})
	key := tn.security(t, "orphan", map[string]any{"level": 5})
	obj := waitForReason(t, key, v1alpha1.ReasonSynced)
	patches := tn.counts().Patch

	g.Expect(k8s.Delete(context.Background(), obj)).To(Succeed())
	waitGone(t, key)

	g.Expect(tn.graphValue("level")).To(Equal(float64(5)))
	g.Expect(tn.counts().Patch).To(Equal(patches))
}

func TestRestoreRefusedKeepsObjectUntilSkipped(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 1})
	key := tn.security(t, "refused", map[string]any{"level": 5}, restorePolicy)
	obj := waitForReason(t, key, v1alpha1.ReasonSynced)
	graphEmulator.SetBehaviour(tn.id, emulator.Behaviour{Faults: []emulator.Fault{{Kind: "patch", Status: 403}}})

	g.Expect(k8s.Delete(context.Background(), obj)).To(Succeed())
	obj = waitForReason(t, key, v1alpha1.ReasonRestoreFailed)
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring("Authorization_RequestDenied"))
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring(v1alpha1.AnnotationSkipRestore))
	g.Expect(tn.graphValue("level")).To(Equal(float64(5)))

	base := obj.DeepCopy()
	obj.Annotations = map[string]string{v1alpha1.AnnotationSkipRestore: "true"}
	g.Expect(k8s.Patch(context.Background(), obj, client.MergeFrom(base))).To(Succeed())
	waitGone(t, key)
	g.Expect(tn.graphValue("level")).To(Equal(float64(5)))
}

func TestRestoreAfterSecretDeleted(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	tn.setGraph(t, map[string]any{"level": 1})
	key := tn.security(t, "secret-gone", map[string]any{"level": 5}, restorePolicy)
	obj := waitForReason(t, key, v1alpha1.ReasonSynced)

	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: tn.namespace, Name: tn.secretName}}
	g.Expect(k8s.Delete(context.Background(), secret)).To(Succeed())
	g.Expect(k8s.Delete(context.Background(), obj)).To(Succeed())
	waitGone(t, key)

	g.Expect(tn.graphValue("level")).To(Equal(float64(1)))
}

func TestConflictAndHandOver(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	ownerKey := tn.security(t, "owner", map[string]any{"level": 1})
	owner := waitForReason(t, ownerKey, v1alpha1.ReasonSynced)
	// creationTimestamp has a resolution of one second, and equal timestamps
	// fall back to comparing namespace/name, so the latecomer must be created
	// in a later second to be the younger object.
	time.Sleep(time.Until(owner.CreationTimestamp.Add(1100 * time.Millisecond)))
	other := newTenant(t)
	other.id = tn.id
	otherKey := other.security(t, "latecomer", map[string]any{"level": 2},
		func(s *v1alpha1.Security) { s.Spec.Credentials.SecretRef.Name = tn.secretName })
	// The latecomer's namespace needs the tenant's app credentials.
	other.clientID, other.clientSecret = tn.clientID, tn.clientSecret
	other.writeSecret(t, tn.clientSecret)

	obj := waitForReason(t, otherKey, v1alpha1.ReasonConflict)
	g.Expect(condition(obj, v1alpha1.ConditionReady).Message).
		To(ContainSubstring(tn.namespace + "/owner"))
	g.Expect(tn.graphValue("level")).To(Equal(float64(1)))
	g.Expect(tn.patches()).To(HaveLen(1), "the latecomer makes no Graph call")

	g.Expect(k8s.Delete(context.Background(), get(t, ownerKey))).To(Succeed())
	waitGone(t, ownerKey)

	waitForReason(t, otherKey, v1alpha1.ReasonSynced)
	g.Expect(tn.graphValue("level")).To(Equal(float64(2)))
}

func waitGone(t *testing.T, key types.NamespacedName) {
	t.Helper()
	NewWithT(t).Eventually(func() bool {
		err := k8s.Get(context.Background(), key, &v1alpha1.Security{})
		return apierrors.IsNotFound(err)
	}, timeout, interval).Should(BeTrue())
}
