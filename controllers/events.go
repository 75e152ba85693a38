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
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// Event reasons beyond the condition reasons, which events reuse.
const (
	eventPatched  = "Patched"
	eventRestored = "Restored"
	eventDrift    = v1alpha1.ReasonDriftDetected
)

// Event actions, as the events.k8s.io API requires one.
const (
	actionReconcile = "Reconcile"
	actionPatch     = "PatchGraph"
	actionRestore   = "RestoreGraph"
)

// recordTransition emits an Event when the Ready reason changes, so that a
// repeating error produces one Event rather than one per retry. The return
// to Synced after a failure is an Event too.
func (r *SecurityReconciler) recordTransition(obj *v1alpha1.Security, previous *metav1.Condition, out outcome) {
	causeChanged := r.rememberCause(keyOf(obj), out)
	if previous != nil && previous.Reason == out.reason {
		if causeChanged {
			r.event(obj, corev1.EventTypeWarning, out.reason, actionReconcile, out.message)
		}
		return
	}
	if out.ready {
		if previous != nil && previous.Status != metav1.ConditionTrue {
			r.event(obj, corev1.EventTypeNormal, out.reason, actionReconcile, out.message)
		}
		return
	}
	eventType := corev1.EventTypeWarning
	if out.reason == v1alpha1.ReasonSuspended {
		eventType = corev1.EventTypeNormal
	}
	r.event(obj, eventType, out.reason, actionReconcile, out.message)
}

func (r *SecurityReconciler) event(obj *v1alpha1.Security, eventType, reason, action, note string) {
	if r.Recorder == nil {
		return
	}
	r.Recorder.Eventf(obj, nil, eventType, reason, action, "%s", truncate(note, maxConditionMessage))
}

func joinNames(names []string) string {
	return strings.Join(names, ", ")
}

// rememberCause keeps the cause of a stalled outcome per Security and
// reports whether it differs from the one kept before. Any other outcome
// drops the kept cause. After a restart nothing is kept, so the first
// stall reports no change rather than repeating an Event.
func (r *SecurityReconciler) rememberCause(key types.NamespacedName, out outcome) bool {
	if !out.stalled || out.cause == "" {
		r.causes.Delete(key)
		return false
	}
	previous, found := r.causes.Swap(key, out.cause)
	return found && previous.(string) != out.cause
}
