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

package v1alpha1_test

import (
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// crdName is the name of the Security CRD.
var crdName = "securities." + v1alpha1.GroupVersion.Group

// createTyped creates a Security from validSpec and returns it as the API
// server stored it.
func createTyped(t *testing.T) *v1alpha1.Security {
	t.Helper()
	g := NewWithT(t)
	obj := newSecurity(validSpec())
	g.Expect(env.Client.Create(t.Context(), obj)).To(Succeed())
	sec := &v1alpha1.Security{}
	g.Expect(env.Client.Get(t.Context(), client.ObjectKeyFromObject(obj), sec)).To(Succeed())
	return sec
}

func TestCreateAppliesDefaults(t *testing.T) {
	g := NewWithT(t)

	sec := createTyped(t)

	g.Expect(sec.Spec.Cloud).To(Equal(v1alpha1.CloudPublic))
	g.Expect(sec.Spec.GraphVersion).To(Equal("v1.0"))
	g.Expect(sec.Spec.DriftPolicy).To(Equal(v1alpha1.DriftPolicyCorrect))
	g.Expect(sec.Spec.DeletionPolicy).To(Equal(v1alpha1.DeletionPolicyOrphan))
	g.Expect(sec.Spec.SyncInterval).NotTo(BeNil())
	g.Expect(sec.Spec.SyncInterval.Duration).To(Equal(15 * time.Minute))
	g.Expect(sec.Spec.Suspend).To(BeFalse())
}

func TestUpdateRejectsTenantChange(t *testing.T) {
	g := NewWithT(t)
	sec := createTyped(t)

	sec.Spec.TenantID = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
	err := env.Client.Update(t.Context(), sec)

	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "error: %v", err)
	g.Expect(statusCauses(err)).To(haveCause("spec.tenantID", "tenantID is immutable"))
}

func TestUpdateRejectsCloudChange(t *testing.T) {
	g := NewWithT(t)
	sec := createTyped(t)

	sec.Spec.Cloud = v1alpha1.CloudChina
	err := env.Client.Update(t.Context(), sec)

	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "error: %v", err)
	g.Expect(statusCauses(err)).To(haveCause("spec.cloud", "cloud is immutable"))
}

func TestUpdateAcceptsOtherChanges(t *testing.T) {
	g := NewWithT(t)
	sec := createTyped(t)

	sec.Spec.GraphVersion = "beta"
	sec.Spec.Credentials = v1alpha1.Credentials{
		WorkloadIdentity: &v1alpha1.WorkloadIdentity{ClientID: "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"},
	}
	sec.Spec.Properties = map[string]apiextensionsv1.JSON{"providerStatus": {Raw: []byte(`[]`)}}
	sec.Spec.DriftPolicy = v1alpha1.DriftPolicyReport
	sec.Spec.DeletionPolicy = v1alpha1.DeletionPolicyRestore
	sec.Spec.SyncInterval = &metav1.Duration{Duration: time.Hour}
	sec.Spec.Suspend = true

	g.Expect(env.Client.Update(t.Context(), sec)).To(Succeed())
}

func TestUpdateRejectsInvalidPropertyName(t *testing.T) {
	g := NewWithT(t)
	sec := createTyped(t)

	sec.Spec.Properties = map[string]apiextensionsv1.JSON{"Id": {Raw: []byte(`"x"`)}}
	err := env.Client.Update(t.Context(), sec)

	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "error: %v", err)
	g.Expect(statusCauses(err)).To(haveCause("spec.properties", `must not set "Id"`))
}

func TestCRDPrinterColumns(t *testing.T) {
	g := NewWithT(t)
	crd := &apiextensionsv1.CustomResourceDefinition{}

	g.Expect(env.Client.Get(t.Context(), client.ObjectKey{Name: crdName}, crd)).To(Succeed())

	g.Expect(crd.Spec.Versions).To(HaveLen(1))
	var names []string
	for _, column := range crd.Spec.Versions[0].AdditionalPrinterColumns {
		if column.Priority == 0 {
			names = append(names, column.Name)
		}
	}
	g.Expect(names).To(Equal([]string{"Tenant", "Ready", "Reason", "ID", "Last Sync", "Age"}))
}

// TestServedTableColumns reads the columns that kubectl get prints, from the
// API server's Table response.
func TestServedTableColumns(t *testing.T) {
	g := NewWithT(t)
	dc, err := discovery.NewDiscoveryClientForConfig(env.Config)
	g.Expect(err).NotTo(HaveOccurred())

	body, err := dc.RESTClient().Get().
		AbsPath("/apis", v1alpha1.GroupVersion.Group, v1alpha1.GroupVersion.Version,
			"namespaces", namespace, "securities").
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").
		DoRaw(t.Context())

	g.Expect(err).NotTo(HaveOccurred(), "body: %s", body)
	table := &metav1.Table{}
	g.Expect(json.Unmarshal(body, table)).To(Succeed())
	var names []string
	for _, column := range table.ColumnDefinitions {
		if column.Priority == 0 {
			names = append(names, column.Name)
		}
	}
	g.Expect(names).To(Equal([]string{"Name", "Tenant", "Ready", "Reason", "ID", "Last Sync", "Age"}))
}

func TestDiscoveryShortNameAndCategory(t *testing.T) {
	g := NewWithT(t)
	dc, err := discovery.NewDiscoveryClientForConfig(env.Config)
	g.Expect(err).NotTo(HaveOccurred())

	resources, err := dc.ServerResourcesForGroupVersion(v1alpha1.GroupVersion.String())

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(resources.APIResources).To(ContainElement(And(
		HaveField("Name", "securities"),
		HaveField("Kind", "Security"),
		HaveField("Namespaced", true),
		HaveField("ShortNames", ConsistOf("gsec")),
		HaveField("Categories", ConsistOf("graph")),
	)))
	g.Expect(resources.APIResources).To(ContainElement(HaveField("Name", "securities/status")))
}

// TestNewSecurityIsInProgress checks what Flux and other kstatus users
// see before the operator's first reconcile: a Security with no status
// would count as Current, so the CRD defaults observedGeneration to 0.
func TestNewSecurityIsInProgress(t *testing.T) {
	g := NewWithT(t)
	obj := newSecurity(validSpec())
	g.Expect(env.Client.Create(t.Context(), obj)).To(Succeed())

	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("Security"))
	g.Expect(env.Client.Get(t.Context(), client.ObjectKeyFromObject(obj), u)).To(Succeed())
	observed, found, err := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(found).To(BeTrue(), "status.observedGeneration is defaulted")
	g.Expect(observed).To(BeZero())

	res, err := status.Compute(u)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(res.Status).To(Equal(status.InProgressStatus), res.Message)
}
