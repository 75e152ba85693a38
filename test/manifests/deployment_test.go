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
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/labels"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"k8s.io/utils/ptr"
)

// managerDeployment returns the manager's Deployment from config/default.
func managerDeployment(t *testing.T) *appsv1.Deployment {
	t.Helper()
	deployment := &appsv1.Deployment{}
	find(t, renderDefault(t), "Deployment", deploymentName, deployment)
	return deployment
}

// managerContainer returns the container named manager.
func managerContainer(t *testing.T, deployment *appsv1.Deployment) corev1.Container {
	t.Helper()
	for _, c := range deployment.Spec.Template.Spec.Containers {
		if c.Name == "manager" {
			return c
		}
	}
	t.Fatalf("Deployment %s has no container named manager", deployment.Name)
	return corev1.Container{}
}

// TestDeploymentMeetsRestrictedPodSecurity runs the checks of the Pod
// Security admission plugin, at the restricted level and latest version,
// on the manager's pod template.
func TestDeploymentMeetsRestrictedPodSecurity(t *testing.T) {
	g := NewWithT(t)
	deployment := managerDeployment(t)
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	g.Expect(err).NotTo(HaveOccurred())
	level := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}

	results := evaluator.EvaluatePod(level, &deployment.Spec.Template.ObjectMeta,
		&deployment.Spec.Template.Spec)

	g.Expect(results).NotTo(BeEmpty())
	for _, result := range results {
		g.Expect(result.Allowed).To(BeTrue(), "%s: %s", result.ForbiddenReason, result.ForbiddenDetail)
	}
}

func TestDeploymentSecurityContext(t *testing.T) {
	g := NewWithT(t)
	deployment := managerDeployment(t)
	pod := deployment.Spec.Template.Spec.SecurityContext
	container := managerContainer(t, deployment).SecurityContext

	g.Expect(pod).NotTo(BeNil())
	g.Expect(pod.RunAsNonRoot).To(Equal(ptr.To(true)))
	g.Expect(pod.RunAsUser).To(Equal(ptr.To[int64](65532)))
	g.Expect(pod.SeccompProfile).To(Equal(&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}))
	g.Expect(container).NotTo(BeNil())
	g.Expect(container.RunAsNonRoot).To(Equal(ptr.To(true)))
	g.Expect(container.RunAsUser).To(Equal(ptr.To[int64](65532)))
	g.Expect(container.ReadOnlyRootFilesystem).To(Equal(ptr.To(true)))
	g.Expect(container.AllowPrivilegeEscalation).To(Equal(ptr.To(false)))
	g.Expect(container.Capabilities).NotTo(BeNil())
	g.Expect(container.Capabilities.Drop).To(ConsistOf(corev1.Capability("ALL")))
	g.Expect(container.Capabilities.Add).To(BeEmpty())
}

func TestDeploymentManagerContainer(t *testing.T) {
	g := NewWithT(t)
	deployment := managerDeployment(t)
	container := managerContainer(t, deployment)

	g.Expect(deployment.Namespace).To(Equal(systemNamespace))
	g.Expect(container.Image).To(Equal("ghcr.io/securityoperator/security-operator:latest"))
	g.Expect(container.Args).To(ConsistOf("--leader-elect", "--health-probe-bind-address=:8081",
		"--metrics-bind-address=:8443"))
	g.Expect(container.Resources.Requests).To(Equal(corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("128Mi"),
	}))
	g.Expect(container.Resources.Limits).To(Equal(corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi"),
	}))
	// The manager's graceful shutdown timeout in main.go is 25s; the kubelet
	// must wait longer so that the leader lease is released, not expired.
	g.Expect(deployment.Spec.Template.Spec.TerminationGracePeriodSeconds).To(Equal(ptr.To[int64](30)))
	g.Expect(deployment.Spec.Template.Spec.ServiceAccountName).To(Equal(serviceAccount))
}

func TestDeploymentProbes(t *testing.T) {
	g := NewWithT(t)
	container := managerContainer(t, managerDeployment(t))

	g.Expect(container.LivenessProbe).NotTo(BeNil())
	g.Expect(container.LivenessProbe.HTTPGet).NotTo(BeNil())
	g.Expect(container.LivenessProbe.HTTPGet.Path).To(Equal("/healthz"))
	g.Expect(container.LivenessProbe.HTTPGet.Port.IntValue()).To(Equal(8081))
	g.Expect(container.ReadinessProbe).NotTo(BeNil())
	g.Expect(container.ReadinessProbe.HTTPGet).NotTo(BeNil())
	g.Expect(container.ReadinessProbe.HTTPGet.Path).To(Equal("/readyz"))
	g.Expect(container.ReadinessProbe.HTTPGet.Port.IntValue()).To(Equal(8081))
}

func TestNamespaceEnforcesRestrictedPodSecurity(t *testing.T) {
	g := NewWithT(t)
	namespace := &corev1.Namespace{}

	find(t, renderDefault(t), "Namespace", systemNamespace, namespace)

	g.Expect(namespace.Labels).To(HaveKeyWithValue("pod-security.kubernetes.io/enforce", "restricted"))
	g.Expect(namespace.Labels).To(HaveKeyWithValue("pod-security.kubernetes.io/audit", "restricted"))
	g.Expect(namespace.Labels).To(HaveKeyWithValue("pod-security.kubernetes.io/warn", "restricted"))
}

func TestMetricsServiceSelectsManager(t *testing.T) {
	g := NewWithT(t)
	objects := renderDefault(t)
	deployment := &appsv1.Deployment{}
	find(t, objects, "Deployment", deploymentName, deployment)
	service := &corev1.Service{}
	find(t, objects, "Service", "security-operator-controller-manager-metrics-service", service)
	podLabels := labels.Set(deployment.Spec.Template.Labels)

	g.Expect(service.Namespace).To(Equal(systemNamespace))
	g.Expect(service.Spec.Selector).NotTo(BeEmpty())
	g.Expect(labels.SelectorFromSet(service.Spec.Selector).Matches(podLabels)).To(BeTrue())
	g.Expect(service.Spec.Ports).To(ConsistOf(And(
		HaveField("Name", "https"),
		HaveField("Port", int32(8443)),
		HaveField("TargetPort.IntVal", int32(8443)),
	)))
	g.Expect(managerContainer(t, deployment).Ports).To(ContainElement(
		HaveField("ContainerPort", int32(8443))))
}
