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

package v1alpha1

// Condition types. Ready is always present; Reconciling and Stalled are
// present only while true, as kstatus expects.
const (
	// ConditionReady is True when Graph matches the spec.
	ConditionReady = "Ready"
	// ConditionReconciling is True while the operator is working toward the
	// spec and expects to make progress without help.
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when only a change to the spec, the
	// credentials or the tenant's permissions can make progress.
	ConditionStalled = "Stalled"
)

// Condition reasons.
const (
	// ReasonSynced: Graph matches the spec.
	ReasonSynced = "Synced"
	// ReasonProgressing: a reconcile is reading or patching Graph.
	ReasonProgressing = "Progressing"
	// ReasonSuspended: spec.suspend is true.
	ReasonSuspended = "Suspended"
	// ReasonConflict: an older Security manages the same tenant.
	ReasonConflict = "Conflict"
	// ReasonCredentialsInvalid: the Secret or one of its keys is missing or
	// unusable.
	ReasonCredentialsInvalid = "CredentialsInvalid"
	// ReasonInvalidSpec: the spec passed admission but cannot be used, for
	// example because its properties are too large.
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonAuthenticationFailed: the token endpoint or Graph rejected the
	// credentials.
	ReasonAuthenticationFailed = "AuthenticationFailed"
	// ReasonPermissionDenied: Graph returned 403 for the application.
	ReasonPermissionDenied = "PermissionDenied"
	// ReasonPropertiesRejected: Graph rejected the request, usually a
	// property it does not accept (400).
	ReasonPropertiesRejected = "PropertiesRejected"
	// ReasonThrottled: Graph returned 429 and the operator waits as asked.
	ReasonThrottled = "Throttled"
	// ReasonGraphUnavailable: Graph or the token endpoint failed or timed
	// out; the operator retries with backoff.
	ReasonGraphUnavailable = "GraphUnavailable"
	// ReasonDriftDetected: Graph differs from the spec and driftPolicy is
	// Report.
	ReasonDriftDetected = "DriftDetected"
	// ReasonNotApplied: Graph accepted a PATCH but did not store some
	// properties as asked.
	ReasonNotApplied = "NotApplied"
	// ReasonRestoreFailed: deletion with deletionPolicy Restore could not
	// patch the original values back.
	ReasonRestoreFailed = "RestoreFailed"
)

// Annotations and the finalizer.
const (
	// AnnotationRequestedAt requests an immediate resync whenever its value
	// changes. Any value works, and a timestamp is customary.
	AnnotationRequestedAt = "graph.securityoperator.io/requested-at"
	// AnnotationSkipRestore, set to "true", lets a Security with
	// deletionPolicy Restore be deleted without restoring, for example when
	// the tenant no longer accepts the operator's credentials.
	AnnotationSkipRestore = "graph.securityoperator.io/skip-restore"
	// Finalizer holds a Security with deletionPolicy Restore until the
	// original values are back in Graph.
	Finalizer = "graph.securityoperator.io/restore"
)

// Keys of the credentials Secret.
const (
	// SecretKeyClientID is the app registration's application (client) ID.
	SecretKeyClientID = "clientID"
	// SecretKeyClientSecret is a client secret of the app registration.
	SecretKeyClientSecret = "clientSecret"
	// SecretKeyCertificate is a PEM certificate registered on the app.
	SecretKeyCertificate = "tls.crt"
	// SecretKeyPrivateKey is the PEM private key of that certificate.
	SecretKeyPrivateKey = "tls.key"
)
