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
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// indexTenant is a field index of Securities by the tenant they manage, so
// that finding a conflict reads only the Securities of one tenant.
const indexTenant = ".spec.tenant"

// tenantKey identifies a tenant across namespaces: the same tenant ID in
// two clouds is two tenants, and GUIDs compare case-insensitively.
func tenantKey(obj *v1alpha1.Security) string {
	cloud := obj.Spec.Cloud
	if cloud == "" {
		cloud = v1alpha1.CloudPublic
	}
	return string(cloud) + "/" + strings.ToLower(obj.Spec.TenantID)
}

func indexByTenant(o client.Object) []string {
	obj, ok := o.(*v1alpha1.Security)
	if !ok {
		return nil
	}
	return []string{tenantKey(obj)}
}

// checkConflict finds the Security that owns obj's tenant. One that has
// already read or written the tenant keeps it; among the others, the oldest
// by creation time, then by namespace and name, wins. Every other Security
// of the tenant is left alone with reason Conflict and makes no Graph call,
// so two specs never fight over one tenant. creationTimestamp has a
// resolution of one second, so without the first rule a newcomer created in
// the owner's second could take over and record the owner's values as
// originals.
//
// The reconciles of one tenant hold its lock (lockTenant), and with more than
// one Security for the tenant the statuses are read from the API server, so
// two Securities created together cannot both take the tenant. cloud and
// tenantID are immutable, so a Security never moves onto a tenant that
// another one already manages.
func (r *SecurityReconciler) checkConflict(ctx context.Context, obj *v1alpha1.Security) (outcome, bool) {
	var peers v1alpha1.SecurityList
	if err := r.List(ctx, &peers, client.MatchingFields{indexTenant: tenantKey(obj)}); err != nil {
		return outcome{reason: v1alpha1.ReasonProgressing, message: err.Error(), retrying: true, err: err}, false
	}
	candidates := peers.Items
	if len(candidates) > 1 {
		// The cache can lag behind a status write that a reconcile of a peer
		// made just before this one took the tenant lock, so the statuses
		// that decide ownership are read from the API server.
		var err error
		if candidates, err = r.readLive(ctx, candidates); err != nil {
			return outcome{reason: v1alpha1.ReasonProgressing, message: err.Error(), retrying: true, err: err}, false
		}
	}
	owner := obj
	for i := range candidates {
		if candidates[i].UID == obj.UID {
			owner = &candidates[i]
			break
		}
	}
	self := owner
	for i := range candidates {
		if ownsBefore(&candidates[i], owner) {
			owner = &candidates[i]
		}
	}
	if owner.UID == self.UID {
		return outcome{}, true
	}
	return stalled(v1alpha1.ReasonConflict,
		"Security %s/%s already manages tenant %s in cloud %s; "+
			"this object makes no Graph call until that one is deleted",
		owner.Namespace, owner.Name, obj.Spec.TenantID, cloudName(obj)), false
}

// ownsBefore reports whether a wins ownership of a tenant over b.
func ownsBefore(a, b *v1alpha1.Security) bool {
	if managed(a) != managed(b) {
		return managed(a)
	}
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

func cloudName(obj *v1alpha1.Security) v1alpha1.Cloud {
	if obj.Spec.Cloud == "" {
		return v1alpha1.CloudPublic
	}
	return obj.Spec.Cloud
}

// managed reports whether obj has read or written its tenant: it synced,
// patched, or recorded original values. A Security in Conflict never has.
func managed(obj *v1alpha1.Security) bool {
	st := obj.Status
	return st.LastSyncTime != nil || st.LastPatchTime != nil || len(st.OriginalProperties) > 0
}

// readLive reads objs again from the API server, leaving out those that are
// gone.
func (r *SecurityReconciler) readLive(ctx context.Context, objs []v1alpha1.Security) ([]v1alpha1.Security, error) {
	live := make([]v1alpha1.Security, 0, len(objs))
	for i := range objs {
		var obj v1alpha1.Security
		err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(&objs[i]), &obj)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		live = append(live, obj)
	}
	return live, nil
}
