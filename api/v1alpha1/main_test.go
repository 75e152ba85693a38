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

// The tests of this package send Securities to a real API server (envtest)
// with the generated CRD and the admission policy installed, so they check
// what a cluster accepts, not what the Go types allow.
package v1alpha1_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/controlplane"
)

// env is the control plane that all tests of the package share.
var env *controlplane.Environment

// namespace holds the objects that the tests create.
const namespace = "default"

func TestMain(m *testing.M) {
	var err error
	env, err = controlplane.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if err := env.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "failed to stop envtest: %v\n", err)
		code = max(code, 1)
	}
	os.Exit(code)
}

// validSpec returns the smallest spec that the API server accepts. Tests
// change one field of it at a time.
func validSpec() map[string]any {
	return map[string]any{
		"tenantID": "72f988bf-86f1-41af-91ab-2d7cd011db47",
		"credentials": map[string]any{
			"secretRef": map[string]any{"name": "graph-credentials"},
		},
	}
}

// newSecurity returns an unstructured Security with the given spec and a
// name that the API server generates, so that tests do not collide.
func newSecurity(spec map[string]any) *unstructured.Unstructured {
	obj := &unstructured.Unstructured{Object: map[string]any{}}
	if spec != nil {
		obj.Object["spec"] = spec
	}
	obj.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("Security"))
	obj.SetNamespace(namespace)
	obj.SetGenerateName("security-")
	return obj
}

// statusCauses returns the causes of an API error, or nil when err is not a
// status error from the API server.
func statusCauses(err error) []metav1.StatusCause {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	return status.Status().Details.Causes
}
