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
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/graph"
	"github.com/securityoperator/security-operator/internal/properties"
)

// maxPropertiesSize bounds the encoded size of spec.properties. Admission
// bounds their number; the API server cannot measure the size of free-form
// JSON, so the reconciler does, before anything reaches Graph.
const maxPropertiesSize = 32 * 1024

// propertyName is the form of a Graph property name that spec.properties
// accepts; the admission policy security-property-names checks the same.
var propertyName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,127}$`)

// desiredProperties returns spec.properties as raw JSON values. It checks
// again what the admission policy checks, so that a cluster without the
// policy still never sends id, an OData annotation or an ambiguous name.
func desiredProperties(obj *v1alpha1.Security) (map[string]json.RawMessage, outcome, bool) {
	desired := make(map[string]json.RawMessage, len(obj.Spec.Properties))
	size := 0
	// Sorted, so that a spec with several bad names always names the same
	// one, and its Event is not repeated with another name each time.
	for _, name := range slices.Sorted(maps.Keys(obj.Spec.Properties)) {
		value := obj.Spec.Properties[name]
		if msg := invalidName(name, obj.Spec.Properties); msg != "" {
			return nil, stalled(v1alpha1.ReasonInvalidSpec, "spec.properties: %q %s", name, msg), false
		}
		raw := value.Raw
		if len(raw) == 0 {
			raw = json.RawMessage("null")
		}
		desired[name] = raw
		size += len(name) + len(raw)
	}
	if size > maxPropertiesSize {
		return nil, stalled(v1alpha1.ReasonInvalidSpec,
			"spec.properties is %d bytes of JSON; the limit is %d", size, maxPropertiesSize), false
	}
	for _, name := range slices.Sorted(maps.Keys(desired)) {
		if path, key := caseDuplicate(desired[name], "spec.properties."+name); path != "" {
			return nil, stalled(v1alpha1.ReasonInvalidSpec,
				"%s has more than one key %q ignoring case; Graph matches names without regard to case",
				path, key), false
		}
	}
	return desired, outcome{}, true
}

// caseDuplicate finds an object within raw that holds two keys equal
// ignoring case, which a PATCH could carry only one of, and returns its path
// and one of the keys, or "" when there is none.
func caseDuplicate(raw json.RawMessage, path string) (string, string) {
	var value any
	if err := json.Unmarshal(raw, &value); err != nil {
		return "", ""
	}
	return caseDuplicateIn(value, path)
}

func caseDuplicateIn(value any, path string) (string, string) {
	switch v := value.(type) {
	case map[string]any:
		seen := make(map[string]bool, len(v))
		for _, key := range slices.Sorted(maps.Keys(v)) {
			folded := strings.ToLower(key)
			if seen[folded] {
				return path, key
			}
			seen[folded] = true
		}
		for _, key := range slices.Sorted(maps.Keys(v)) {
			if p, k := caseDuplicateIn(v[key], path+"."+key); p != "" {
				return p, k
			}
		}
	case []any:
		for i, element := range v {
			if p, k := caseDuplicateIn(element, fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p, k
			}
		}
	}
	return "", ""
}

func invalidName(name string, all map[string]apiextensionsv1.JSON) string {
	switch {
	case strings.EqualFold(name, "id"):
		return "is read-only: Graph assigns the id"
	case !propertyName.MatchString(name):
		return "is not a valid property name"
	}
	for other := range all {
		if other != name && strings.EqualFold(other, name) {
			return "appears more than once ignoring case"
		}
	}
	return ""
}

// sync reads the tenant's security object, and with driftPolicy Correct
// patches the properties that differ from the spec. It records what it found
// in status: id, drifted properties and the sync and patch times.
func (r *SecurityReconciler) sync(
	ctx context.Context, obj *v1alpha1.Security, tenant graph.Tenant,
	desired map[string]json.RawMessage, patcher *statusPatcher,
) outcome {
	current, err := r.Graph.Get(ctx, tenant)
	if err != nil {
		return r.graphFailure(ctx, tenant, "Failed to read the security object", err)
	}
	setID(obj, current)
	drifted, err := properties.Drifted(desired, current)
	if err != nil {
		return outcome{reason: v1alpha1.ReasonGraphUnavailable, message: err.Error(), retrying: true, err: err}
	}
	r.reportDrift(obj, drifted)
	obj.Status.DriftedProperties = drifted
	if len(drifted) == 0 {
		return r.markSynced(obj)
	}
	if obj.Spec.DriftPolicy == v1alpha1.DriftPolicyReport {
		// The state the user requested, not a failure: logged at info level
		// on each reconcile, which is once per sync interval unless the
		// object or its Secret changes.
		log.FromContext(ctx).Info("Graph differs from the spec; driftPolicy Report leaves it",
			"drifted", drifted)
		out := stalled(v1alpha1.ReasonDriftDetected,
			"Graph differs from the spec in %s; driftPolicy is Report, so nothing is patched",
			joinNames(drifted))
		// reportDrift has already sent an Event for a new set of drifted
		// properties.
		out.logged, out.cause = true, ""
		return out
	}
	toPatch := r.patchable(obj, drifted)
	if len(toPatch) == 0 {
		return notApplied(obj.Status.NotAppliedProperties)
	}
	return r.patch(ctx, obj, tenant, desired, current, toPatch, patcher)
}

// patch records the original values of toPatch, persists them, sends one
// PATCH with only those properties, and checks that Graph kept them.
func (r *SecurityReconciler) patch(
	ctx context.Context, obj *v1alpha1.Security, tenant graph.Tenant,
	desired, current map[string]json.RawMessage, toPatch []string, patcher *statusPatcher,
) outcome {
	body, err := patchBody(desired, current, toPatch)
	if err != nil {
		return stalled(v1alpha1.ReasonInvalidSpec, "%s", err.Error())
	}
	recorded := recordOriginals(obj, current, toPatch)
	if len(recorded) > 0 {
		// The originals must be stored before Graph changes, or a crash
		// between the PATCH and the status write would lose them.
		setCondition(obj, v1alpha1.ConditionReconciling, metav1.ConditionTrue,
			v1alpha1.ReasonProgressing, "Patching "+joinNames(toPatch))
		if err := patcher.patch(ctx, obj); err != nil {
			return outcome{reason: v1alpha1.ReasonProgressing, message: err.Error(), retrying: true, err: err}
		}
	}
	stored, err := r.Graph.Patch(ctx, tenant, body)
	if err != nil {
		if notStored(err) {
			// Graph stored nothing, so the originals recorded for this PATCH
			// describe no change. If they were kept, a restore would send
			// them, and a property Graph rejects would make it fail.
			for _, name := range recorded {
				delete(obj.Status.OriginalProperties, name)
			}
		}
		return r.graphFailure(ctx, tenant, "Failed to patch the security object", err)
	}
	now := metav1.NewTime(r.now())
	obj.Status.LastPatchTime = &now
	setID(obj, stored)
	r.event(obj, corev1.EventTypeNormal, eventPatched, actionPatch, "Patched "+joinNames(toPatch))
	patchesTotal.Inc()
	log.FromContext(ctx).Info("Patched the security object", "properties", toPatch)

	still, err := properties.Drifted(desired, stored)
	if err != nil {
		return outcome{reason: v1alpha1.ReasonGraphUnavailable, message: err.Error(), retrying: true, err: err}
	}
	obj.Status.DriftedProperties = still
	obj.Status.NotAppliedProperties = intersect(still, toPatch)
	if len(still) == 0 {
		return r.markSynced(obj)
	}
	return notApplied(still)
}

func notApplied(names []string) outcome {
	return stalled(v1alpha1.ReasonNotApplied,
		"Graph accepted the PATCH but did not store %s as specified; "+
			"the operator tries again after the spec changes or at the next sync interval",
		joinNames(names))
}

// patchable returns the drifted properties to send. A property that Graph
// did not keep in the last PATCH is not sent again until the spec changes
// or a sync interval has passed since that PATCH. So a property that Graph
// normalises or drops cannot cause a PATCH on every reconcile.
func (r *SecurityReconciler) patchable(obj *v1alpha1.Security, drifted []string) []string {
	st := obj.Status
	quiet := st.ObservedGeneration == obj.Generation && st.LastPatchTime != nil &&
		r.now().Before(st.LastPatchTime.Add(syncInterval(obj)))
	if !quiet {
		return drifted
	}
	var out []string
	for _, name := range drifted {
		if !slices.Contains(st.NotAppliedProperties, name) {
			out = append(out, name)
		}
	}
	return out
}

// patchBody builds the PATCH body: each property to send, with an object
// value laid over Graph's current value so that sub-fields the spec does not
// name keep their values.
func patchBody(desired, current map[string]json.RawMessage, names []string) (map[string]json.RawMessage, error) {
	body := make(map[string]json.RawMessage, len(names))
	for _, name := range names {
		_, value, _ := properties.Lookup(current, name)
		merged, err := properties.Merge(desired[name], value)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", name, err)
		}
		body[name] = merged
	}
	return body, nil
}

func (r *SecurityReconciler) markSynced(obj *v1alpha1.Security) outcome {
	now := metav1.NewTime(r.now())
	obj.Status.LastSyncTime = &now
	obj.Status.NotAppliedProperties = nil
	if len(obj.Spec.Properties) == 1 {
		return synced("Graph matches the spec (1 property)")
	}
	return synced(fmt.Sprintf("Graph matches the spec (%d properties)", len(obj.Spec.Properties)))
}

// reportDrift emits an Event when a tenant that was in sync, or one whose
// drift is only reported, starts to differ in other properties than before.
// With driftPolicy Correct, a difference found at the first sync or right
// after a spec change is not drift: the spec moved, not the tenant.
func (r *SecurityReconciler) reportDrift(obj *v1alpha1.Security, drifted []string) {
	if len(drifted) == 0 || slices.Equal(drifted, obj.Status.DriftedProperties) {
		return
	}
	specMoved := obj.Status.LastSyncTime == nil || obj.Status.ObservedGeneration != obj.Generation
	if specMoved && obj.Spec.DriftPolicy != v1alpha1.DriftPolicyReport {
		return
	}
	driftTotal.Inc()
	r.event(obj, corev1.EventTypeWarning, eventDrift, actionReconcile,
		"Graph differs from the spec in "+joinNames(drifted))
}

// graphFailure turns a failed Graph call into its outcome. A transient
// failure is returned as an error, so controller-runtime logs it and
// retries with exponential backoff. Any other failure is logged here with
// its request-id, because no error is returned for it.
func (r *SecurityReconciler) graphFailure(ctx context.Context, tenant graph.Tenant, msg string, err error) outcome {
	var gerr *graph.Error
	if errors.As(err, &gerr) && gerr.Class == graph.ClassAuthentication {
		// A cached credential would hand out the rejected token until it
		// expires, and a new one requests a new token.
		r.Credentials.Forget(tenant.Cloud, tenant.ID)
	}
	out := fromGraphError(err)
	if out.err == nil {
		log.FromContext(ctx).Error(err, msg, "reason", out.reason)
		out.logged = true
	}
	return out
}

func setID(obj *v1alpha1.Security, o graph.Object) {
	if id := o.ID(); id != "" {
		obj.Status.ID = id
	}
}

// recordOriginals stores, for each name not yet recorded, the value Graph
// has now, or null when Graph has none, and returns the names it added.
func recordOriginals(obj *v1alpha1.Security, current map[string]json.RawMessage, names []string) []string {
	var added []string
	for _, name := range names {
		if hasOriginal(obj, name) {
			continue
		}
		_, value, ok := properties.Lookup(current, name)
		if !ok {
			value = json.RawMessage("null")
		}
		if obj.Status.OriginalProperties == nil {
			obj.Status.OriginalProperties = map[string]apiextensionsv1.JSON{}
		}
		obj.Status.OriginalProperties[name] = apiextensionsv1.JSON{Raw: value}
		added = append(added, name)
	}
	return added
}

// notStored reports whether a failed PATCH certainly changed nothing: the
// token request failed, so the PATCH was never sent, or Graph rejected it
// with 400, 401 or 403. After a timeout, a reset or a 5xx, Graph may have
// stored it.
func notStored(err error) bool {
	var gerr *graph.Error
	if !errors.As(err, &gerr) {
		return false
	}
	if gerr.Token {
		return true
	}
	switch gerr.Class {
	case graph.ClassRejected, graph.ClassPermission, graph.ClassAuthentication:
		return true
	default:
		return false
	}
}

func hasOriginal(obj *v1alpha1.Security, name string) bool {
	originals := make(map[string]json.RawMessage, len(obj.Status.OriginalProperties))
	for k, v := range obj.Status.OriginalProperties {
		originals[k] = v.Raw
	}
	_, _, ok := properties.Lookup(originals, name)
	return ok
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
