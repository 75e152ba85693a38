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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
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
	key := types.NamespacedName{Namespace: "tenants", Name: "contoso"}

	g.Expect(r.throttleDelay(key, time.Millisecond)).To(Equal(time.Second), "a tiny Retry-After")
	g.Expect(r.throttleDelay(key, time.Millisecond)).To(Equal(2 * time.Second))
	g.Expect(r.throttleDelay(key, time.Millisecond)).To(Equal(4 * time.Second))
	g.Expect(r.throttleDelay(key, 30*time.Second)).To(Equal(30*time.Second), "Retry-After above the backoff")
	for range 20 {
		r.throttleDelay(key, 0)
	}
	g.Expect(r.throttleDelay(key, 0)).To(Equal(maxThrottleDelay))

	other := types.NamespacedName{Namespace: "tenants", Name: "fabrikam"}
	g.Expect(r.throttleDelay(other, 0)).To(Equal(time.Second), "each Security counts its own")
	r.throttles.Delete(key)
	g.Expect(r.throttleDelay(key, 0)).To(Equal(time.Second), "a reconcile that was not throttled resets it")
}

func TestThrottleWaitCountsDown(t *testing.T) {
	g := NewWithT(t)
	clock := testingclock.NewFakeClock(time.Now())
	r := &SecurityReconciler{Clock: clock}
	key := types.NamespacedName{Namespace: "tenants", Name: "contoso"}
	g.Expect(r.throttleWait(key)).To(BeZero(), "a Security that was never throttled")

	g.Expect(r.throttleDelay(key, 3*time.Second)).To(Equal(3 * time.Second))
	g.Expect(r.throttleWait(key)).To(Equal(3 * time.Second))
	clock.Step(2 * time.Second)
	g.Expect(r.throttleWait(key)).To(Equal(time.Second))
	clock.Step(2 * time.Second)
	g.Expect(r.throttleWait(key)).To(BeZero())

	r.throttles.Delete(key)
	g.Expect(r.throttleWait(key)).To(BeZero())
}
