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

package manifests_test

import (
	"testing"

	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestDefaultBindsPropertyNamesPolicy(t *testing.T) {
	g := NewWithT(t)
	objects := renderDefault(t)
	policies := ofKind[admissionregistrationv1.ValidatingAdmissionPolicy](
		t, objects, "ValidatingAdmissionPolicy")
	bindings := ofKind[admissionregistrationv1.ValidatingAdmissionPolicyBinding](
		t, objects, "ValidatingAdmissionPolicyBinding")

	g.Expect(policies).To(HaveLen(1))
	g.Expect(bindings).To(HaveLen(1))
	g.Expect(bindings[0].Spec.PolicyName).To(Equal(policies[0].Name))
	g.Expect(bindings[0].Spec.ValidationActions).To(ConsistOf(admissionregistrationv1.Deny))
	g.Expect(policies[0].Spec.FailurePolicy).To(HaveValue(Equal(admissionregistrationv1.Fail)))
}

func TestDefaultHasNetworkPolicyOnly(t *testing.T) {
	g := NewWithT(t)
	kinds := map[string]bool{}

	for _, obj := range renderDefault(t) {
		kinds[obj.GetKind()] = true
	}

	g.Expect(kinds).NotTo(HaveKey("ServiceMonitor"))
	g.Expect(kinds).To(HaveKey("NetworkPolicy"))
}

// withComponents renders config/default with the optional Prometheus
// component and returns the objects and the manager's pod labels.
func withComponents(t *testing.T) ([]*unstructured.Unstructured, labels.Set) {
	t.Helper()
	objects := renderDefaultWithComponents(t, "../prometheus")
	deployment := &appsv1.Deployment{}
	find(t, objects, "Deployment", deploymentName, deployment)
	return objects, labels.Set(deployment.Spec.Template.Labels)
}

func TestServiceMonitorScrapesMetricsService(t *testing.T) {
	g := NewWithT(t)
	objects, _ := withComponents(t)
	service := &corev1.Service{}
	find(t, objects, "Service", "security-operator-controller-manager-metrics-service", service)
	monitor := &unstructured.Unstructured{}
	find(t, objects, "ServiceMonitor", "security-operator-controller-manager-metrics-monitor",
		&monitor.Object)

	g.Expect(monitor.GetNamespace()).To(Equal(systemNamespace))
	matchLabels, _, err := unstructured.NestedStringMap(monitor.Object, "spec", "selector", "matchLabels")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(matchLabels).NotTo(BeEmpty())
	g.Expect(labels.SelectorFromSet(matchLabels).Matches(labels.Set(service.Labels))).To(BeTrue())
	endpoints, _, err := unstructured.NestedSlice(monitor.Object, "spec", "endpoints")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(endpoints).To(ConsistOf(And(
		HaveKeyWithValue("port", "https"),
		HaveKeyWithValue("scheme", "https"),
		HaveKeyWithValue("path", "/metrics"),
	)))
	g.Expect(service.Spec.Ports).To(ContainElement(HaveField("Name", "https")))
}

func TestNetworkPolicyAdmitsOnlyMetrics(t *testing.T) {
	g := NewWithT(t)
	objects, podLabels := withComponents(t)
	netpol := &networkingv1.NetworkPolicy{}
	find(t, objects, "NetworkPolicy", "security-operator-allow-metrics-traffic", netpol)
	selector, err := metav1.LabelSelectorAsSelector(&netpol.Spec.PodSelector)
	g.Expect(err).NotTo(HaveOccurred())
	metricsPort := intstr.FromInt32(8443)

	g.Expect(netpol.Namespace).To(Equal(systemNamespace))
	g.Expect(selector.Empty()).To(BeFalse())
	g.Expect(selector.Matches(podLabels)).To(BeTrue())
	g.Expect(netpol.Spec.PolicyTypes).To(ConsistOf(networkingv1.PolicyTypeIngress))
	g.Expect(netpol.Spec.Ingress).To(HaveLen(1))
	g.Expect(netpol.Spec.Ingress[0].Ports).To(ConsistOf(HaveField("Port", HaveValue(Equal(metricsPort)))))
	g.Expect(netpol.Spec.Ingress[0].From).To(ConsistOf(networkingv1.NetworkPolicyPeer{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"metrics": "enabled"}},
	}))
}
