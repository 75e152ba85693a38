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

// Package controllers holds the Security reconciler, which makes a tenant's
// Graph security object match a Security's spec.
package controllers

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/credentials"
	"github.com/securityoperator/security-operator/internal/graph"
)

// GraphClient reads and patches a tenant's security object.
type GraphClient interface {
	Get(ctx context.Context, t graph.Tenant) (graph.Object, error)
	Patch(ctx context.Context, t graph.Tenant, props map[string]json.RawMessage) (graph.Object, error)
}

// CredentialCache returns a token credential for a tenant, reusing one
// whose content has not changed so that a tenant costs one token request per
// token lifetime.
type CredentialCache interface {
	Credential(src credentials.Source) (azcore.TokenCredential, error)
	Forget(cloud v1alpha1.Cloud, tenantID string)
	Release(cred azcore.TokenCredential)
}

// SecurityReconciler reconciles Security objects.
type SecurityReconciler struct {
	// Client reads Security objects from the cache and writes them.
	client.Client
	// APIReader reads Secrets straight from the API server, so that the
	// manager never caches Secret data.
	APIReader client.Reader
	// Recorder emits Events on Security objects.
	Recorder recorder.EventRecorder
	// Graph reads and patches the tenants' security objects.
	Graph GraphClient
	// Credentials builds and caches the token credentials.
	Credentials CredentialCache
	// Clock is the time source; nil means the real clock.
	Clock clock.PassiveClock
	// MaxConcurrentReconciles is how many Securities reconcile at once.
	MaxConcurrentReconciles int

	// lastCredentials keeps the credential each Security last used, by
	// namespace/name, so that deletion with deletionPolicy Restore still
	// works when the Secret was deleted first.
	lastCredentials sync.Map
	// throttles contains a throttle per tenant key (cloud and tenant ID): the
	// count of throttled reconciles in a row, so that the delay grows while
	// Graph keeps throttling, and the end of the current wait.
	throttles sync.Map
	// causes contains the cause of each stalled Security, by namespace/name,
	// so that a new cause under the same reason gets an Event.
	causes sync.Map
	// tenantLocks holds a *sync.Mutex per tenant key (cloud and tenant ID),
	// so that the Securities of one tenant reconcile one at a time. Only the
	// leader reconciles, so a lock in this process is enough.
	tenantLocks sync.Map
}

// lockTenant waits until no other reconcile holds the tenant of obj, and
// returns the function that releases it.
func (r *SecurityReconciler) lockTenant(obj *v1alpha1.Security) func() {
	m, _ := r.tenantLocks.LoadOrStore(tenantKey(obj), &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// +kubebuilder:rbac:groups=graph.securityoperator.io,resources=securities,verbs=get;list;watch;patch;update
// +kubebuilder:rbac:groups=graph.securityoperator.io,resources=securities/status,verbs=get;patch;update
// +kubebuilder:rbac:groups=graph.securityoperator.io,resources=securities/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile brings one Security's tenant to its spec and records what it
// found in status. Status is patched once, at the end, and only when it
// changed, except that the original values are persisted before a PATCH.
func (r *SecurityReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	obj := &v1alpha1.Security{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		if apierrors.IsNotFound(err) {
			r.forget(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	logger := log.FromContext(ctx).WithValues("tenant", obj.Spec.TenantID)
	ctx = log.IntoContext(ctx, logger)
	// Two Securities of one tenant, created together as by one kubectl
	// apply, must not both decide that they own it and both write to it.
	defer r.lockTenant(obj)()

	if wait := r.throttleWait(tenantKey(obj)); wait > 0 && callsGraph(obj) {
		logger.V(1).Info("Graph throttles the tenant; waiting before calling it again", "wait", wait)
		return ctrl.Result{RequeueAfter: wait}, nil
	}
	if !obj.DeletionTimestamp.IsZero() {
		return r.reconcileDelete(ctx, obj)
	}
	if err := r.syncFinalizer(ctx, obj); err != nil {
		return ctrl.Result{}, err
	}

	patcher := newStatusPatcher(r.Client, obj)
	out := r.reconcileTenant(ctx, obj, patcher)
	return r.finish(ctx, obj, patcher, out)
}

// reconcileTenant runs the phases that lead to a Graph sync, stopping at the
// first that cannot go on. Each returns the outcome that decides the Ready
// condition.
func (r *SecurityReconciler) reconcileTenant(
	ctx context.Context, obj *v1alpha1.Security, patcher *statusPatcher,
) outcome {
	if obj.Spec.Suspend {
		return suspended()
	}
	if out, ok := r.checkConflict(ctx, obj); !ok {
		return out
	}
	desired, out, ok := desiredProperties(obj)
	if !ok {
		return out
	}
	tenant, out, ok := r.tenant(ctx, obj)
	if !ok {
		return out
	}
	return r.sync(ctx, obj, tenant, desired, patcher)
}

// now returns the current time from the reconciler's clock.
func (r *SecurityReconciler) now() time.Time {
	if r.Clock == nil {
		return time.Now()
	}
	return r.Clock.Now()
}

func keyOf(obj *v1alpha1.Security) types.NamespacedName {
	return types.NamespacedName{Namespace: obj.Namespace, Name: obj.Name}
}
