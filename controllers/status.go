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
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// defaultSyncInterval applies when the API server did not default
// spec.syncInterval, as with objects created before the default existed.
const defaultSyncInterval = 15 * time.Minute

// statusPatcher writes a Security's status when it differs from what was
// last written. It sends the whole status with the resourceVersion it read,
// as an update rather than a merge patch. A JSON merge patch cannot store a
// null original value, because null deletes the key. And with an update, a
// concurrent writer makes the write fail with a conflict instead of losing
// a recorded original value.
type statusPatcher struct {
	client client.Client
	before *v1alpha1.Security
}

func newStatusPatcher(c client.Client, obj *v1alpha1.Security) *statusPatcher {
	return &statusPatcher{client: c, before: obj.DeepCopy()}
}

// patch writes obj.Status when it differs from what was last written.
func (p *statusPatcher) patch(ctx context.Context, obj *v1alpha1.Security) error {
	if equality.Semantic.DeepEqual(p.before.Status, obj.Status) {
		return nil
	}
	if err := p.client.Status().Update(ctx, obj); err != nil {
		return fmt.Errorf("failed to update status: %w", err)
	}
	p.before = obj.DeepCopy()
	return nil
}

// finish records the outcome in the conditions, emits the events a change of
// state deserves, patches status and computes the requeue.
func (r *SecurityReconciler) finish(
	ctx context.Context, obj *v1alpha1.Security, patcher *statusPatcher, out outcome,
) (ctrl.Result, error) {
	previous := meta.FindStatusCondition(patcher.before.Status.Conditions, v1alpha1.ConditionReady)
	setConditions(obj, out)
	obj.Status.ObservedGeneration = obj.Generation
	obj.Status.LastHandledRequest = obj.Annotations[v1alpha1.AnnotationRequestedAt]
	r.recordTransition(obj, previous, out)
	recordObjectMetrics(obj, out)

	if err := patcher.patch(ctx, obj); err != nil {
		return ctrl.Result{}, err
	}
	if out.err != nil {
		return ctrl.Result{}, out.err
	}
	if out.stalled && !out.logged {
		// No error goes back to controller-runtime, which would log it, so an
		// administrator reading only the log learns of it here, once per
		// sync interval at most.
		log.FromContext(ctx).Error(errors.New(out.message),
			"Security is stalled; it is retried at its sync interval or when it or its Secret changes",
			"reason", out.reason)
	}
	if out.noRequeue {
		return ctrl.Result{}, nil
	}
	if out.requeueAfter > 0 {
		return ctrl.Result{RequeueAfter: r.throttleDelay(tenantKey(obj), out.requeueAfter)}, nil
	}
	if out.ready {
		r.throttles.Delete(tenantKey(obj))
	}
	return ctrl.Result{RequeueAfter: withJitter(syncInterval(obj))}, nil
}

// setConditions sets Ready from the outcome, and Stalled and Reconciling
// only while they are true, as kstatus expects.
func setConditions(obj *v1alpha1.Security, out outcome) {
	status := metav1.ConditionFalse
	if out.ready {
		status = metav1.ConditionTrue
	}
	setCondition(obj, v1alpha1.ConditionReady, status, out.reason, out.message)
	setOrRemove(obj, v1alpha1.ConditionStalled, out.stalled, out.reason, out.message)
	setOrRemove(obj, v1alpha1.ConditionReconciling, out.retrying, out.reason, out.message)
}

func setOrRemove(obj *v1alpha1.Security, condType string, present bool, reason, message string) {
	if !present {
		meta.RemoveStatusCondition(&obj.Status.Conditions, condType)
		return
	}
	setCondition(obj, condType, metav1.ConditionTrue, reason, message)
}

func setCondition(obj *v1alpha1.Security, condType string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(&obj.Status.Conditions, metav1.Condition{
		Type:               condType,
		Status:             status,
		Reason:             reason,
		Message:            truncate(message, maxConditionMessage),
		ObservedGeneration: obj.Generation,
	})
}

// maxConditionMessage keeps a condition message readable in kubectl and far
// below the API's 32768-character limit.
const maxConditionMessage = 1024

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	// Back up to the start of a character, so that a multi-byte one is not
	// split into invalid UTF-8.
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func syncInterval(obj *v1alpha1.Security) time.Duration {
	if obj.Spec.SyncInterval == nil || obj.Spec.SyncInterval.Duration <= 0 {
		return defaultSyncInterval
	}
	return obj.Spec.SyncInterval.Duration
}

// withJitter adds up to 10% to d, so that Securities created together do not
// all read Graph in the same second forever after.
func withJitter(d time.Duration) time.Duration {
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

// Bounds of the delay after a throttled reconcile.
const (
	minThrottleDelay = time.Second
	maxThrottleDelay = 10 * time.Minute
)

// throttle is the reconciler's record of a tenant that Graph throttles:
// the count of throttled reconciles in a row, and the time before which no
// Security may call Graph for the tenant. Graph throttles per app and
// tenant, and only the Security that manages a tenant calls Graph for it.
type throttle struct {
	count int
	until time.Time
}

// throttleDelay returns how long to wait after a throttled reconcile: Graph's
// Retry-After, but at least minThrottleDelay doubled for each throttled
// reconcile of the tenant in a row, up to maxThrottleDelay. The Graph client
// has already retried within the call, so a Retry-After of a few
// milliseconds, or Graph throttling for minutes, must not turn into a tight
// loop. A record whose wait ended more than maxThrottleDelay ago, as after
// a suspension, starts the count again. It records the end of the wait for
// throttleWait.
func (r *SecurityReconciler) throttleDelay(tenant string, retryAfter time.Duration) time.Duration {
	now := r.now()
	n := 0
	if v, ok := r.throttles.Load(tenant); ok && now.Sub(v.(throttle).until) <= maxThrottleDelay {
		n = v.(throttle).count
	}
	backoff := maxThrottleDelay
	if n < 10 {
		backoff = min(minThrottleDelay<<n, maxThrottleDelay)
	}
	delay := max(retryAfter, backoff)
	r.throttles.Store(tenant, throttle{count: n + 1, until: now.Add(delay)})
	return delay
}

// throttleWait returns how much of the tenant's throttle delay is left.
// Events start reconciles within the delay: a Secret change, a spec edit, a
// deletion, or the deletion of the tenant's previous manager. Those must
// wait too, because Graph would only throttle the tenant again.
func (r *SecurityReconciler) throttleWait(tenant string) time.Duration {
	v, ok := r.throttles.Load(tenant)
	if !ok {
		return 0
	}
	return max(v.(throttle).until.Sub(r.now()), 0)
}

// callsGraph reports whether a reconcile of obj may call Graph: a sync, or a
// deletion that restores the original values. A suspended Security and a
// deletion that restores nothing make no Graph call.
func callsGraph(obj *v1alpha1.Security) bool {
	if !obj.DeletionTimestamp.IsZero() {
		return controllerutil.ContainsFinalizer(obj, v1alpha1.Finalizer) && restoreNeeded(obj)
	}
	return !obj.Spec.Suspend
}
