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
	"errors"
	"fmt"
	"time"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/graph"
)

// outcome is the result of one reconcile: the Ready condition it leads to,
// whether the Security is stalled or still progressing, and when to run
// again. Every phase returns one, so status, events and the requeue always
// agree.
type outcome struct {
	// ready is true only when Graph matches the spec.
	ready bool
	// reason and message go to the Ready condition.
	reason, message string
	// stalled marks a state that only a change to the spec, the
	// credentials or the tenant can end; it sets Stalled=True.
	stalled bool
	// retrying marks a transient failure that the operator retries; it sets
	// Reconciling=True.
	retrying bool
	// requeueAfter overrides the sync interval; zero means use it.
	requeueAfter time.Duration
	// noRequeue stops periodic resyncs, for suspended objects.
	noRequeue bool
	// err, when set, is returned to controller-runtime, which retries with
	// exponential backoff.
	err error
	// logged is true when the phase that produced the outcome has logged
	// the failure already.
	logged bool
	// cause identifies a stalled outcome's failure without the parts that
	// change on every attempt, such as request-ids. When it changes while
	// the reason stays, the user fixed one problem and met the next, which
	// deserves an Event. Empty means no such Event.
	cause string
}

func synced(message string) outcome {
	return outcome{ready: true, reason: v1alpha1.ReasonSynced, message: message}
}

func suspended() outcome {
	return outcome{
		reason:    v1alpha1.ReasonSuspended,
		message:   "Reconciliation is suspended: spec.suspend is true",
		noRequeue: true,
	}
}

func stalled(reason, format string, args ...any) outcome {
	message := fmt.Sprintf(format, args...)
	return outcome{reason: reason, message: message, stalled: true, cause: message}
}

// stalledByGraph is stalled with Graph's error, whose cause leaves out the
// request-ids and the Retry-After.
func stalledByGraph(reason string, gerr *graph.Error) outcome {
	out := stalled(reason, "%s", gerr.Error())
	out.cause = gerr.Cause()
	return out
}

// fromGraphError turns a failed Graph or token call into an outcome whose
// reason names the class of failure and whose message keeps Graph's error
// code and request-id for support.
func fromGraphError(err error) outcome {
	var gerr *graph.Error
	if !errors.As(err, &gerr) {
		return outcome{
			reason:   v1alpha1.ReasonGraphUnavailable,
			message:  err.Error(),
			retrying: true,
			err:      err,
		}
	}
	msg := gerr.Error()
	switch gerr.Class {
	case graph.ClassAuthentication:
		if !gerr.Token {
			// Graph rejected a token that the token endpoint issued, for
			// example one revoked since. The caller drops the cached
			// credential, so a retry with backoff requests a new token.
			return outcome{
				reason:   v1alpha1.ReasonAuthenticationFailed,
				message:  msg,
				retrying: true,
				err:      gerr,
			}
		}
		return stalledByGraph(v1alpha1.ReasonAuthenticationFailed, gerr)
	case graph.ClassPermission:
		return stalledByGraph(v1alpha1.ReasonPermissionDenied, gerr)
	case graph.ClassRejected:
		return stalledByGraph(v1alpha1.ReasonPropertiesRejected, gerr)
	case graph.ClassThrottled:
		return outcome{
			reason:       v1alpha1.ReasonThrottled,
			message:      msg,
			retrying:     true,
			requeueAfter: throttleDelay(gerr.RetryAfter),
		}
	default:
		return outcome{
			reason:   v1alpha1.ReasonGraphUnavailable,
			message:  msg,
			retrying: true,
			err:      gerr,
		}
	}
}

// throttleDelay is Graph's requested delay, or a second when Graph gave
// none, so that a throttled tenant never retries at once.
func throttleDelay(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Second
	}
	return d
}
