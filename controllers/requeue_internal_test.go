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
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	testingclock "k8s.io/utils/clock/testing"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/graph"
)

// The envtest suite cannot wait a sync interval (at least 1m), so these
// narrow tests cover the requeue delays that a healthy or throttled
// reconcile returns.

func TestSyncIntervalFromSpec(t *testing.T) {
	g := NewWithT(t)
	obj := &v1alpha1.Security{}
	g.Expect(syncInterval(obj)).To(Equal(defaultSyncInterval))

	obj.Spec.SyncInterval = &metav1.Duration{Duration: 90 * time.Second}
	g.Expect(syncInterval(obj)).To(Equal(90 * time.Second))
}

func TestWithJitterAddsUpToTenPercent(t *testing.T) {
	g := NewWithT(t)
	base := 15 * time.Minute
	seen := map[time.Duration]bool{}
	for range 1000 {
		d := withJitter(base)
		g.Expect(d).To(BeNumerically(">=", base))
		g.Expect(d).To(BeNumerically("<=", base+base/10))
		seen[d] = true
	}
	g.Expect(len(seen)).To(BeNumerically(">", 100), "delays spread over the range")
}

func TestThrottledRequeuesAfterGraphDelay(t *testing.T) {
	g := NewWithT(t)
	out := fromGraphError(&graph.Error{
		Class: graph.ClassThrottled, StatusCode: 429, RetryAfter: 2500 * time.Millisecond,
	})
	g.Expect(out.reason).To(Equal(v1alpha1.ReasonThrottled))
	g.Expect(out.requeueAfter).To(Equal(2500 * time.Millisecond))
	g.Expect(out.err).To(BeNil(), "no exponential backoff on top of Graph's delay")

	out = fromGraphError(&graph.Error{Class: graph.ClassThrottled, StatusCode: 429})
	g.Expect(out.requeueAfter).To(Equal(time.Second), "a throttled tenant never retries at once")
}

func TestThrottleDelayGrowsWhileThrottled(t *testing.T) {
	g := NewWithT(t)
	r := &SecurityReconciler{}
	const tenant = "Public/contoso"

	g.Expect(r.throttleDelay(tenant, time.Millisecond)).To(Equal(time.Second), "a tiny Retry-After")
	g.Expect(r.throttleDelay(tenant, time.Millisecond)).To(Equal(2 * time.Second))
	g.Expect(r.throttleDelay(tenant, time.Millisecond)).To(Equal(4 * time.Second))
	g.Expect(r.throttleDelay(tenant, 30*time.Second)).To(Equal(30*time.Second), "Retry-After above the backoff")
	for range 20 {
		r.throttleDelay(tenant, 0)
	}
	g.Expect(r.throttleDelay(tenant, 0)).To(Equal(maxThrottleDelay))

	g.Expect(r.throttleDelay("Public/fabrikam", 0)).To(Equal(time.Second), "each tenant counts its own")
	r.throttles.Delete(tenant)
	g.Expect(r.throttleDelay(tenant, 0)).To(Equal(time.Second), "a reconcile that was not throttled resets it")
}

func TestThrottleWaitCountsDown(t *testing.T) {
	g := NewWithT(t)
	clock := testingclock.NewFakeClock(time.Now())
	r := &SecurityReconciler{Clock: clock}
	const tenant = "Public/contoso"
	g.Expect(r.throttleWait(tenant)).To(BeZero(), "a tenant that was never throttled")

	g.Expect(r.throttleDelay(tenant, 3*time.Second)).To(Equal(3 * time.Second))
	g.Expect(r.throttleWait(tenant)).To(Equal(3 * time.Second))
	clock.Step(2 * time.Second)
	g.Expect(r.throttleWait(tenant)).To(Equal(time.Second))
	clock.Step(2 * time.Second)
	g.Expect(r.throttleWait(tenant)).To(BeZero())

	r.throttles.Delete(tenant)
	g.Expect(r.throttleWait(tenant)).To(BeZero())
}

func TestThrottleCountRestartsAfterQuiet(t *testing.T) {
	g := NewWithT(t)
	clock := testingclock.NewFakeClock(time.Now())
	r := &SecurityReconciler{Clock: clock}
	const tenant = "Public/contoso"
	for range 6 {
		r.throttleDelay(tenant, 0)
	}
	g.Expect(r.throttleDelay(tenant, 0)).To(Equal(64 * time.Second))

	// Suspended for an hour: the next 429 is not the seventh in a row.
	clock.Step(time.Hour)
	g.Expect(r.throttleDelay(tenant, 0)).To(Equal(time.Second))
}

func TestCallsGraph(t *testing.T) {
	now := metav1.Now()
	cases := []struct {
		name string
		obj  v1alpha1.Security
		want bool
	}{
		{"sync", v1alpha1.Security{}, true},
		{"suspended", v1alpha1.Security{Spec: v1alpha1.SecuritySpec{Suspend: true}}, false},
		{"deleted, Orphan", v1alpha1.Security{ObjectMeta: metav1.ObjectMeta{DeletionTimestamp: &now}}, false},
		{"deleted, Restore with originals", restoring(now, nil), true},
		{"deleted, Restore with skip-restore", restoring(now, map[string]string{
			v1alpha1.AnnotationSkipRestore: "true",
		}), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			NewWithT(t).Expect(callsGraph(&tc.obj)).To(Equal(tc.want))
		})
	}
}

// restoring returns a deleted Security with deletionPolicy Restore, its
// finalizer and one original value.
func restoring(deleted metav1.Time, annotations map[string]string) v1alpha1.Security {
	return v1alpha1.Security{
		ObjectMeta: metav1.ObjectMeta{
			DeletionTimestamp: &deleted,
			Finalizers:        []string{v1alpha1.Finalizer},
			Annotations:       annotations,
		},
		Spec: v1alpha1.SecuritySpec{DeletionPolicy: v1alpha1.DeletionPolicyRestore},
		Status: v1alpha1.SecurityStatus{OriginalProperties: map[string]apiextensionsv1.JSON{
			"level": {Raw: []byte("1")},
		}},
	}
}
