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

// Package v1alpha1 contains the Security API, which holds the desired
// properties of a Microsoft Entra tenant's Graph security object.
// +kubebuilder:object:generate=true
// +groupName=graph.securityoperator.io
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the group and version of the Security API.
	GroupVersion = schema.GroupVersion{Group: "graph.securityoperator.io", Version: "v1alpha1"}

	// SchemeBuilder adds the Security types to a scheme. It is built on
	// apimachinery alone, so that importing the API does not pull in
	// controller-runtime, whose scheme.Builder is deprecated for this reason.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds the types of this group and version to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// addKnownTypes registers Security and SecurityList, and the meta types
// (such as ListOptions) that every group version needs.
func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(GroupVersion, &Security{}, &SecurityList{})
	metav1.AddToGroupVersion(scheme, GroupVersion)
	return nil
}
