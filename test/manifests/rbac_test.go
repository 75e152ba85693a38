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
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// allowedVerbs lists, per API group and resource ("core" is the group ""),
// the most that any rendered Role or ClusterRole may grant. Widening an
// entry or adding a resource is a security decision: make it here, on
// purpose, in the same change as the RBAC marker or YAML that needs it.
var allowedVerbs = map[string][]string{
	// The manager reads and updates Securities; the editor role also
	// creates and deletes them.
	"graph.securityoperator.io/securities": {
		"get", "list", "watch", "create", "update", "patch", "delete",
	},
	"graph.securityoperator.io/securities/status":     {"get", "update", "patch"},
	"graph.securityoperator.io/securities/finalizers": {"update"},
	// Credentials are only ever read.
	"core/secrets":                              {"get", "list", "watch"},
	"core/events":                               {"create", "patch"},
	"events.k8s.io/events":                      {"create", "patch"},
	"coordination.k8s.io/leases":                {"get", "list", "watch", "create", "update", "patch", "delete"},
	"authentication.k8s.io/tokenreviews":        {"create"},
	"authorization.k8s.io/subjectaccessreviews": {"create"},
	"nonResourceURL /metrics":                   {"get"},
}

// roleRules returns the rules of every rendered Role and ClusterRole, keyed
// by "Kind name".
func roleRules(t *testing.T, objects []*unstructured.Unstructured) map[string][]rbacv1.PolicyRule {
	t.Helper()
	rules := map[string][]rbacv1.PolicyRule{}
	for _, role := range ofKind[rbacv1.Role](t, objects, "Role") {
		rules["Role "+role.Name] = role.Rules
	}
	for _, role := range ofKind[rbacv1.ClusterRole](t, objects, "ClusterRole") {
		g := NewWithT(t)
		g.Expect(role.AggregationRule).To(BeNil(), "ClusterRole %s aggregates other roles", role.Name)
		rules["ClusterRole "+role.Name] = role.Rules
	}
	return rules
}

// ruleKeys returns the allowedVerbs keys that a rule grants verbs on.
func ruleKeys(rule rbacv1.PolicyRule) []string {
	var keys []string
	for _, url := range rule.NonResourceURLs {
		keys = append(keys, "nonResourceURL "+url)
	}
	for _, group := range rule.APIGroups {
		if group == "" {
			group = "core"
		}
		for _, resource := range rule.Resources {
			keys = append(keys, group+"/"+resource)
		}
	}
	return keys
}

func TestRBACHasNoWildcards(t *testing.T) {
	g := NewWithT(t)
	rules := roleRules(t, renderDefault(t))

	g.Expect(rules).NotTo(BeEmpty())
	for role, roleRules := range rules {
		for _, rule := range roleRules {
			g.Expect(rule.Verbs).NotTo(ContainElement(ContainSubstring("*")), "%s: %+v", role, rule)
			g.Expect(rule.APIGroups).NotTo(ContainElement(ContainSubstring("*")), "%s: %+v", role, rule)
			g.Expect(rule.Resources).NotTo(ContainElement(ContainSubstring("*")), "%s: %+v", role, rule)
			g.Expect(rule.NonResourceURLs).NotTo(ContainElement(ContainSubstring("*")), "%s: %+v", role, rule)
		}
	}
}

func TestRBACVerbsWithinAllowedList(t *testing.T) {
	g := NewWithT(t)
	rules := roleRules(t, renderDefault(t))

	for role, roleRules := range rules {
		for _, rule := range roleRules {
			keys := ruleKeys(rule)
			g.Expect(keys).NotTo(BeEmpty(), "%s grants nothing: %+v", role, rule)
			for _, key := range keys {
				g.Expect(allowedVerbs).To(HaveKey(key), "%s grants access to %s", role, key)
				g.Expect(allowedVerbs[key]).To(ContainElements(rule.Verbs),
					"%s grants verbs on %s beyond the allowed list", role, key)
			}
		}
	}
}

// TestRBACBindingsResolve checks that every binding names a rendered role
// and the manager's service account, so that a name prefix or a renamed
// file cannot leave the manager without its permissions.
func TestRBACBindingsResolve(t *testing.T) {
	g := NewWithT(t)
	objects := renderDefault(t)
	rules := roleRules(t, objects)
	var refs []rbacv1.RoleRef
	var subjects []rbacv1.Subject
	for _, binding := range ofKind[rbacv1.ClusterRoleBinding](t, objects, "ClusterRoleBinding") {
		refs = append(refs, binding.RoleRef)
		subjects = append(subjects, binding.Subjects...)
	}
	for _, binding := range ofKind[rbacv1.RoleBinding](t, objects, "RoleBinding") {
		g.Expect(binding.Namespace).To(Equal(systemNamespace))
		refs = append(refs, binding.RoleRef)
		subjects = append(subjects, binding.Subjects...)
	}

	find(t, objects, "ServiceAccount", serviceAccount, &corev1.ServiceAccount{})
	g.Expect(refs).To(HaveLen(3))
	for _, ref := range refs {
		g.Expect(rules).To(HaveKey(ref.Kind + " " + ref.Name))
	}
	for _, subject := range subjects {
		g.Expect(subject).To(Equal(rbacv1.Subject{
			Kind: "ServiceAccount", Name: serviceAccount, Namespace: systemNamespace,
		}))
	}
	g.Expect(ofKind[rbacv1.ClusterRoleBinding](t, objects, "ClusterRoleBinding")).To(
		ContainElement(HaveField("RoleRef.Name", "security-operator-manager-role")))
}
