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
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/graph"
)

// syncFinalizer adds the finalizer when deletionPolicy is Restore, before
// anything is patched, and removes it when the policy is Orphan, which needs
// no work on deletion.
func (r *SecurityReconciler) syncFinalizer(ctx context.Context, obj *v1alpha1.Security) error {
	want := obj.Spec.DeletionPolicy == v1alpha1.DeletionPolicyRestore
	if want == controllerutil.ContainsFinalizer(obj, v1alpha1.Finalizer) {
		return nil
	}
	base := obj.DeepCopy()
	if want {
		controllerutil.AddFinalizer(obj, v1alpha1.Finalizer)
	} else {
		controllerutil.RemoveFinalizer(obj, v1alpha1.Finalizer)
	}
	if err := r.Patch(ctx, obj, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})); err != nil {
		return fmt.Errorf("failed to update finalizers: %w", err)
	}
	return nil
}

// reconcileDelete restores the original values when deletionPolicy is
// Restore, then lets the object go. When Graph rejects the restore, the object
// stays with a condition that gives the cause, and the skip-restore
// annotation lets it go anyway.
func (r *SecurityReconciler) reconcileDelete(ctx context.Context, obj *v1alpha1.Security) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, v1alpha1.Finalizer) {
		r.forget(keyOf(obj))
		return ctrl.Result{}, nil
	}
	patcher := newStatusPatcher(r.Client, obj)
	if restoreNeeded(obj) {
		out, done := r.restore(ctx, obj)
		if !done {
			return r.finish(ctx, obj, patcher, out)
		}
	}
	base := obj.DeepCopy()
	controllerutil.RemoveFinalizer(obj, v1alpha1.Finalizer)
	if err := r.Patch(ctx, obj, client.MergeFrom(base)); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(fmt.Errorf("failed to remove finalizer: %w", err))
	}
	r.forget(keyOf(obj))
	return ctrl.Result{}, nil
}

// restoreNeeded reports whether deletion must patch original values back.
func restoreNeeded(obj *v1alpha1.Security) bool {
	switch {
	case obj.Spec.DeletionPolicy != v1alpha1.DeletionPolicyRestore:
		return false
	case obj.Spec.Suspend:
		return false
	case skipRestore(obj):
		return false
	}
	return len(obj.Status.OriginalProperties) > 0
}

// restore patches status.originalProperties back to Graph. It reports
// whether the finalizer may go.
func (r *SecurityReconciler) restore(ctx context.Context, obj *v1alpha1.Security) (outcome, bool) {
	if out, ok := r.checkConflict(ctx, obj); !ok {
		// A Security that never owned the tenant changed nothing in it.
		return out, true
	}
	tenant, out, ok := r.restoreTenant(ctx, obj)
	if !ok {
		return restoreFailed(out.message), false
	}
	body := make(map[string]json.RawMessage, len(obj.Status.OriginalProperties))
	names := make([]string, 0, len(obj.Status.OriginalProperties))
	for name, value := range obj.Status.OriginalProperties {
		body[name] = value.Raw
		if len(value.Raw) == 0 {
			// apiextensionsv1.JSON holds a JSON null as an empty Raw.
			body[name] = json.RawMessage("null")
		}
		names = append(names, name)
	}
	sort.Strings(names)
	if _, err := r.Graph.Patch(ctx, tenant, body); err != nil {
		gout := r.graphFailure(ctx, tenant, "Failed to restore the original values", err)
		out := restoreFailed(err.Error())
		// The message contains request-ids, so the cause comes from gout.
		out.cause = gout.cause
		if gout.retrying {
			out.message = fmt.Sprintf("Restoring the original values failed and is retried: %s. "+
				"To delete without restoring, set the annotation %s: \"true\"",
				err.Error(), v1alpha1.AnnotationSkipRestore)
			out.stalled, out.retrying = false, true
			out.requeueAfter, out.err = gout.requeueAfter, gout.err
		}
		return out, false
	}
	r.event(obj, corev1.EventTypeNormal, eventRestored, actionRestore, "Restored "+joinNames(names))
	log.FromContext(ctx).Info("Restored the original values", "properties", names)
	return outcome{}, true
}

// restoreTenant returns the tenant with the current credentials, or, when
// the Secret is already gone (as when a namespace is deleted), with the
// credential this Security used last.
func (r *SecurityReconciler) restoreTenant(ctx context.Context, obj *v1alpha1.Security) (graph.Tenant, outcome, bool) {
	tenant, out, ok := r.tenant(ctx, obj)
	if ok {
		return tenant, out, true
	}
	last, found := r.lastCredentials.Load(keyOf(obj))
	if !found {
		return tenant, out, false
	}
	return graph.Tenant{
		ID:         obj.Spec.TenantID,
		Cloud:      cloudName(obj),
		Version:    graphVersion(obj),
		Credential: last.(azcore.TokenCredential),
	}, outcome{}, true
}

func restoreFailed(cause string) outcome {
	return stalled(v1alpha1.ReasonRestoreFailed,
		"Could not restore the original values before deletion: %s. "+
			"Fix the cause, or set the annotation %s: \"true\" to delete without restoring",
		cause, v1alpha1.AnnotationSkipRestore)
}

// forget drops what the operator keeps in memory for a deleted Security. A
// Security that never built a credential, such as one in Conflict, leaves
// the cache alone, because the tenant's owner still uses that entry.
func (r *SecurityReconciler) forget(key types.NamespacedName) {
	deleteObjectMetrics(key)
	r.causes.Delete(key)
	last, found := r.lastCredentials.LoadAndDelete(key)
	if !found {
		return
	}
	r.Credentials.Release(last.(azcore.TokenCredential))
}

// skipRestore reports whether the skip-restore annotation is set to a true
// value, such as "true" or "True", as strconv.ParseBool reads it.
func skipRestore(obj *v1alpha1.Security) bool {
	skip, err := strconv.ParseBool(obj.Annotations[v1alpha1.AnnotationSkipRestore])
	return err == nil && skip
}
