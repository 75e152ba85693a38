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
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// Backoff bounds for retrying a failed reconcile. The Graph client retries
// within a call first, so the queue starts at a second rather than
// controller-runtime's 5 ms.
const (
	minRetryDelay = time.Second
	maxRetryDelay = 10 * time.Minute
)

// SetupWithManager registers the field indexes and the controller. Only
// changes that need Graph work start a reconcile: a new generation, a new
// requested-at or skip-restore annotation, deletion, a changed Secret, and
// the deletion of another Security of the same tenant. Status writes do not.
func (r *SecurityReconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	indexer := mgr.GetFieldIndexer()
	if err := indexer.IndexField(ctx, &v1alpha1.Security{}, indexTenant, indexByTenant); err != nil {
		return fmt.Errorf("failed to index Securities by tenant: %w", err)
	}
	if err := indexer.IndexField(ctx, &v1alpha1.Security{}, indexSecretRef, indexBySecretRef); err != nil {
		return fmt.Errorf("failed to index Securities by Secret: %w", err)
	}
	secret := &metav1.PartialObjectMetadata{}
	secret.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))

	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.Security{}, builder.WithPredicates(specOrRequestChanged())).
		Watches(&v1alpha1.Security{}, handler.Funcs{DeleteFunc: r.enqueueTenantPeers}).
		Watches(secret, handler.EnqueueRequestsFromMapFunc(r.securitiesForSecret),
			builder.OnlyMetadata, builder.WithPredicates(predicate.ResourceVersionChangedPredicate{})).
		WithOptions(controller.Options{
			MaxConcurrentReconciles: r.MaxConcurrentReconciles,
			RateLimiter: workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](
				minRetryDelay, maxRetryDelay),
		}).
		Complete(r)
}

// specOrRequestChanged passes creation, deletion, and updates that change
// the generation, the deletion timestamp or one of the operator's
// annotations. Status and finalizer updates pass nothing.
func specOrRequestChanged() predicate.Predicate {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool {
			if e.ObjectOld == nil || e.ObjectNew == nil {
				return true
			}
			oldObj, newObj := e.ObjectOld, e.ObjectNew
			if oldObj.GetGeneration() != newObj.GetGeneration() {
				return true
			}
			if oldObj.GetDeletionTimestamp().IsZero() != newObj.GetDeletionTimestamp().IsZero() {
				return true
			}
			for _, key := range []string{v1alpha1.AnnotationRequestedAt, v1alpha1.AnnotationSkipRestore} {
				if oldObj.GetAnnotations()[key] != newObj.GetAnnotations()[key] {
					return true
				}
			}
			return false
		},
	}
}

// enqueueTenantPeers wakes the other Securities of a deleted Security's
// tenant, so that the next oldest takes the tenant over at once.
func (r *SecurityReconciler) enqueueTenantPeers(
	ctx context.Context, e event.TypedDeleteEvent[client.Object],
	q workqueue.TypedRateLimitingInterface[reconcile.Request],
) {
	obj, ok := e.Object.(*v1alpha1.Security)
	if !ok {
		return
	}
	var peers v1alpha1.SecurityList
	if err := r.List(ctx, &peers, client.MatchingFields{indexTenant: tenantKey(obj)}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Failed to list Securities of a deleted Security's tenant")
		return
	}
	for i := range peers.Items {
		if peers.Items[i].UID != obj.UID {
			q.Add(reconcile.Request{NamespacedName: keyOf(&peers.Items[i])})
		}
	}
}

// securitiesForSecret maps a changed Secret to the Securities in its
// namespace that name it.
func (r *SecurityReconciler) securitiesForSecret(ctx context.Context, secret client.Object) []reconcile.Request {
	var list v1alpha1.SecurityList
	err := r.List(ctx, &list,
		client.InNamespace(secret.GetNamespace()),
		client.MatchingFields{indexSecretRef: secret.GetName()})
	if err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Failed to list Securities for a changed Secret",
			"secret", client.ObjectKeyFromObject(secret))
		return nil
	}
	requests := make([]reconcile.Request, 0, len(list.Items))
	for i := range list.Items {
		requests = append(requests, reconcile.Request{NamespacedName: keyOf(&list.Items[i])})
	}
	return requests
}
