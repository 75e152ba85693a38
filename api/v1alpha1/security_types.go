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

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Cloud is a Microsoft cloud instance. Each has its own login and Graph
// hosts, and tokens from one are not valid in another.
// +kubebuilder:validation:Enum=Public;USGovernment;USGovernmentDoD;China
type Cloud string

const (
	// CloudPublic is the global Azure cloud, including GCC.
	CloudPublic Cloud = "Public"
	// CloudUSGovernment is the US Government L4 cloud (GCC High).
	CloudUSGovernment Cloud = "USGovernment"
	// CloudUSGovernmentDoD is the US Government L5 cloud (DoD).
	CloudUSGovernmentDoD Cloud = "USGovernmentDoD"
	// CloudChina is the cloud operated by 21Vianet.
	CloudChina Cloud = "China"
)

// DriftPolicy is what the operator does when Graph differs from the spec.
// +kubebuilder:validation:Enum=Correct;Report
type DriftPolicy string

const (
	// DriftPolicyCorrect patches drifted properties back to the spec.
	DriftPolicyCorrect DriftPolicy = "Correct"
	// DriftPolicyReport only reports drift in status and never writes to Graph.
	DriftPolicyReport DriftPolicy = "Report"
)

// DeletionPolicy is what happens to the tenant when a Security is deleted.
// +kubebuilder:validation:Enum=Orphan;Restore
type DeletionPolicy string

const (
	// DeletionPolicyOrphan leaves the tenant as it is.
	DeletionPolicyOrphan DeletionPolicy = "Orphan"
	// DeletionPolicyRestore patches back the values recorded in
	// status.originalProperties before the object goes away.
	DeletionPolicyRestore DeletionPolicy = "Restore"
)

// SecuritySpec is the desired state of a tenant's Graph security object.
type SecuritySpec struct {
	// tenantID is the Microsoft Entra tenant ID (the Directory ID), a GUID
	// such as 72f988bf-86f1-41af-91ab-2d7cd011db47, not a domain name. It
	// cannot change after creation: create a new Security for another tenant.
	// +required
	// +kubebuilder:validation:MaxLength=36
	// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')",message="tenantID must be the tenant's GUID (its Directory ID), not a domain name"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="tenantID is immutable"
	TenantID string `json:"tenantID"`

	// cloud is the Microsoft cloud the tenant lives in. It selects the login
	// and Graph hosts; a Security can never name a host itself. Default:
	// Public. It cannot change after creation, because the original values
	// recorded in status belong to the tenant in this cloud.
	// +optional
	// +kubebuilder:default=Public
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="cloud is immutable"
	Cloud Cloud `json:"cloud,omitempty"`

	// graphVersion is the Graph version path segment, such as v1.0 or beta.
	// Default: v1.0. Some properties, such as providerStatus, are writable
	// only in beta.
	// +optional
	// +kubebuilder:default="v1.0"
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^(v[0-9]+\.[0-9]+|[a-z][a-z0-9]*)$`
	GraphVersion string `json:"graphVersion,omitempty"`

	// credentials selects how the operator authenticates to the tenant:
	// exactly one of secretRef or workloadIdentity.
	// +required
	Credentials Credentials `json:"credentials"`

	// NOTE: the name rules below are enforced by the ValidatingAdmissionPolicy
	// in config/crd/policy, not by x-kubernetes-validations: the API server
	// (checked with v1.37) cannot compile CEL rules on a map whose values
	// have no schema, and it then rejects the whole CRD.

	// properties maps Graph property names to the JSON values the tenant's
	// security object should have. Properties not named here are never read
	// for comparison and never written. An object value is compared and
	// patched by the keys it names. An array is compared by length and
	// element by element, by position, with the same rules. When Graph's
	// array has the same length, each element is patched by position, so
	// sub-fields it does not name keep their values. Otherwise the array is
	// sent as it is. null clears the property. Names are case-insensitive in Graph, so two names that
	// differ only in case are rejected, as are id (read-only) and names
	// starting with @ (OData annotations that the operator adds itself).
	// A name starts with a letter, then letters, digits or underscores, at
	// most 128 characters; at most 64 names. The name rules are checked at
	// admission by the ValidatingAdmissionPolicy security-property-names,
	// which reports one bad name at a time, because CRD validation rules
	// cannot see the keys of free-form JSON. The operator rejects more than
	// 32 KiB of JSON in total.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:MaxProperties=64
	Properties map[string]apiextensionsv1.JSON `json:"properties,omitempty"`

	// driftPolicy selects what to do when Graph differs from the spec: Correct
	// patches the difference back, Report only records it in status.
	// Default: Correct.
	// +optional
	// +kubebuilder:default=Correct
	DriftPolicy DriftPolicy `json:"driftPolicy,omitempty"`

	// deletionPolicy says what happens to the tenant when this object is
	// deleted: Orphan leaves it as it is, Restore patches back the values
	// recorded in status.originalProperties. Setting the annotation
	// graph.securityoperator.io/skip-restore: "true" lets a stuck Restore go.
	// Default: Orphan.
	// +optional
	// +kubebuilder:default=Orphan
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// syncInterval is how often Graph is read again to find changes made
	// outside the operator, such as 15m or 1h30m, in units of ms, s, m and h
	// (no days). Default: 15m. The minimum is 1m, because Graph throttles an
	// application at about 150 requests per minute per tenant.
	// +optional
	// +kubebuilder:default="15m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]+([.][0-9]+)?(ms|s|m|h))+$') || duration(self) >= duration('1m')",message="syncInterval must be at least 1m"
	SyncInterval *metav1.Duration `json:"syncInterval,omitempty"`

	// suspend stops reconciling: while true the operator reads nothing from
	// and writes nothing to Graph, and deletion orphans.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// Credentials selects one way to authenticate to the tenant.
// +kubebuilder:validation:XValidation:rule="has(self.secretRef) != has(self.workloadIdentity)",message="credentials must set exactly one of secretRef or workloadIdentity"
type Credentials struct {
	// secretRef names a Secret in the Security's own namespace that holds an
	// app registration's credentials: the key clientID, and either
	// clientSecret or the PEM pair tls.crt and tls.key.
	// +optional
	SecretRef *SecretReference `json:"secretRef,omitempty"`

	// workloadIdentity authenticates with the federated token of the
	// operator's own service account, exchanged for the app registration
	// with the given client ID.
	// +optional
	WorkloadIdentity *WorkloadIdentity `json:"workloadIdentity,omitempty"`
}

// SecretReference names a Secret in the same namespace as the Security.
type SecretReference struct {
	// name is the Secret's name.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`
}

// WorkloadIdentity names the app registration that trusts the operator's
// service account token.
type WorkloadIdentity struct {
	// clientID is the app registration's application (client) ID, a GUID.
	// +required
	// +kubebuilder:validation:Pattern=`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`
	ClientID string `json:"clientID"`
}

// SecurityStatus is the observed state of a tenant's Graph security object.
type SecurityStatus struct {
	// observedGeneration is the metadata.generation that the last reconcile
	// acted on.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// id is the id that Graph returned for the security object, when it
	// returned one.
	// +optional
	ID string `json:"id,omitempty"`

	// lastSyncTime is when Graph was last confirmed to match the spec.
	// +optional
	LastSyncTime *metav1.Time `json:"lastSyncTime,omitempty"`

	// lastPatchTime is when the operator last sent a PATCH to Graph.
	// +optional
	LastPatchTime *metav1.Time `json:"lastPatchTime,omitempty"`

	// driftedProperties lists, sorted, the spec properties whose Graph value
	// differed from the spec at the last read.
	// +optional
	// +listType=set
	DriftedProperties []string `json:"driftedProperties,omitempty"`

	// notAppliedProperties lists, sorted, the properties that Graph accepted
	// in the last PATCH but did not store as asked. They are not sent again
	// until the spec changes or the next sync interval.
	// +optional
	// +listType=set
	NotAppliedProperties []string `json:"notAppliedProperties,omitempty"`

	// originalProperties holds the value each property had in Graph before
	// the operator first changed it; null means Graph had no value. The first
	// recorded value is kept. deletionPolicy Restore patches these back.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	// +kubebuilder:pruning:PreserveUnknownFields
	OriginalProperties map[string]apiextensionsv1.JSON `json:"originalProperties,omitempty"`

	// lastHandledRequest is the value of the
	// graph.securityoperator.io/requested-at annotation that the last
	// reconcile handled.
	// +optional
	LastHandledRequest string `json:"lastHandledRequest,omitempty"`

	// conditions are Ready (always present), and Reconciling and Stalled
	// (present only while true).
	// +optional
	// +listType=map
	// +listMapKey=type
	// +patchStrategy=merge
	// +patchMergeKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type"`
}

// Security holds the desired properties of one Microsoft Entra tenant's Graph
// security object, and the operator's view of how Graph matches them.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=gsec,categories=graph
// +kubebuilder:printcolumn:name="Tenant",type=string,JSONPath=`.spec.tenantID`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="ID",type=string,JSONPath=`.status.id`
// +kubebuilder:printcolumn:name="Last Sync",type=date,JSONPath=`.status.lastSyncTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Cloud",type=string,JSONPath=`.spec.cloud`,priority=1
// +kubebuilder:printcolumn:name="Drift",type=string,JSONPath=`.spec.driftPolicy`,priority=1
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
type Security struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired state of the tenant's security object.
	// +required
	Spec SecuritySpec `json:"spec"`

	// status is the observed state, written by the operator. Until its
	// first reconcile, a Security reads with observedGeneration 0, which
	// tools that follow kstatus, such as Flux, report as in progress.
	// +optional
	// +kubebuilder:default={observedGeneration: 0}
	Status SecurityStatus `json:"status,omitempty"`
}

// SecurityList is a list of Security objects.
// +kubebuilder:object:root=true
type SecurityList struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the Security objects.
	Items []Security `json:"items"`
}
