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
	if previous != nil && previous.Reason == out.reason {
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
