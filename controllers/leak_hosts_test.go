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

package controllers_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// specFields maps the path of every field under spec to what keeps it from
// naming a host. A new field fails TestSpecCannotNameHost until it is added
// here, so that its author must decide whether it could send a token
// elsewhere.
var specFields = map[string]string{
	"cloud":                                 "enum of the four Microsoft clouds",
	"credentials":                           "object",
	"credentials.secretRef":                 "object",
	"credentials.secretRef.name":            "DNS subdomain pattern; the Secret's namespace is the Security's",
	"credentials.workloadIdentity":          "object",
	"credentials.workloadIdentity.clientID": "GUID pattern",
	"deletionPolicy":                        "enum",
	"driftPolicy":                           "enum",
	"graphVersion":                          "version segment pattern",
	"properties":                            "free-form JSON sent only as the PATCH body",
	"suspend":                               "boolean",
	"syncInterval":                          "duration pattern",
	"tenantID":                              "GUID pattern",
}

// TestSpecCannotNameHost checks the CRD schema: spec has no field but the
// known ones, and every string field is an enum or has a pattern that
// rejects a URL and a host:port.
func TestSpecCannotNameHost(t *testing.T) {
	g := NewWithT(t)
	data, err := os.ReadFile(filepath.Join("..", "config", "crd", "bases",
		"graph.securityoperator.io_securities.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	var crd apiextensionsv1.CustomResourceDefinition
	g.Expect(yaml.Unmarshal(data, &crd)).To(Succeed())
	g.Expect(crd.Spec.Versions).To(HaveLen(1))
	spec := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]

	fields := map[string]apiextensionsv1.JSONSchemaProps{}
	collectFields("", spec, fields)

	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	g.Expect(names).To(ConsistOf(keys(specFields)), "fields under spec")
	for name, field := range fields {
		if field.Type != "string" {
			continue
		}
		for _, host := range []string{"https://attacker.example/", "attacker.example:443"} {
			g.Expect(acceptsString(field, host)).To(BeFalse(), "spec.%s accepts %q", name, host)
		}
	}
}

// TestUnknownHostFieldsDropped creates Securities that try to name a Graph
// host, a login host and a Secret in another namespace. Strict field
// validation rejects them, and the default validation drops the fields.
func TestUnknownHostFieldsDropped(t *testing.T) {
	g := NewWithT(t)
	tn := newTenant(t)
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(),
		"kind":       "Security",
		"metadata":   map[string]any{"namespace": tn.namespace, "name": "hosts"},
		"spec": map[string]any{
			"tenantID":      tn.id,
			"graphURL":      "https://attacker.example",
			"authorityHost": "https://attacker.example",
			"credentials": map[string]any{"secretRef": map[string]any{
				"name": tn.secretName, "namespace": "kube-system",
			}},
			"properties": map[string]any{"level": int64(2)},
		},
	}}

	err := k8s.Create(context.Background(), obj.DeepCopy(), client.FieldValidation("Strict"))
	g.Expect(err).To(MatchError(ContainSubstring(`unknown field "spec.graphURL"`)))
	g.Expect(err).To(MatchError(ContainSubstring(`unknown field "spec.authorityHost"`)))
	g.Expect(err).To(MatchError(ContainSubstring(`unknown field "spec.credentials.secretRef.namespace"`)))

	g.Expect(k8s.Create(context.Background(), obj)).To(Succeed())
	key := client.ObjectKeyFromObject(obj)
	stored := &unstructured.Unstructured{}
	stored.SetGroupVersionKind(obj.GroupVersionKind())
	g.Expect(k8s.Get(context.Background(), key, stored)).To(Succeed())
	g.Expect(stored.Object["spec"]).NotTo(HaveKey("graphURL"))
	g.Expect(stored.Object["spec"]).NotTo(HaveKey("authorityHost"))
	g.Expect(stored.Object["spec"].(map[string]any)["credentials"]).
		To(Equal(map[string]any{"secretRef": map[string]any{"name": tn.secretName}}))
	waitForReason(t, key, v1alpha1.ReasonSynced)
}

// TestTokenNeverLeavesForAnotherHost makes the emulator respond with
// redirects to a second loopback HTTPS server, for Graph GET and PATCH and
// for the token endpoint. The operator must never connect to that server,
// so that neither a token nor a client secret can follow a redirect.
func TestTokenNeverLeavesForAnotherHost(t *testing.T) {
	g := NewWithT(t)
	elsewhere := startCountingServer(t)
	_, port, err := net.SplitHostPort(elsewhere.Listener.Addr().String())
	g.Expect(err).NotTo(HaveOccurred())
	token := "https://127.0.0.1:" + port + "/tenant/oauth2/v2.0/token"
	graph := "https://127.0.0.1:" + port + "/v1.0/security"
	cases := []struct {
		fault  emulator.Fault
		reason string
	}{
		// A 3xx from the token endpoint or from Graph counts as the service
		// being unavailable, and the operator retries with backoff.
		{emulator.Fault{Kind: "token", Status: 302, Location: token}, v1alpha1.ReasonGraphUnavailable},
		{emulator.Fault{Kind: "token", Status: 307, Location: strings.Replace(token, "127.0.0.1", "localhost", 1)},
			v1alpha1.ReasonGraphUnavailable},
		{emulator.Fault{Kind: "get", Status: 307, Location: graph}, v1alpha1.ReasonGraphUnavailable},
		{emulator.Fault{Kind: "get", Status: 301, Location: strings.Replace(graph, "127.0.0.1", "localhost", 1)},
			v1alpha1.ReasonGraphUnavailable},
		{emulator.Fault{Kind: "patch", Status: 308, Location: graph}, v1alpha1.ReasonGraphUnavailable},
		{emulator.Fault{Kind: "patch", Status: 307, Location: strings.Replace(graph, "127.0.0.1", "localhost", 1)},
			v1alpha1.ReasonGraphUnavailable},
	}
	for _, tc := range cases {
		location, err := url.Parse(tc.fault.Location)
		g.Expect(err).NotTo(HaveOccurred())
		name := fmt.Sprintf("%s %d to %s", tc.fault.Kind, tc.fault.Status, location.Hostname())
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			s := startFaultScenario(t, repeat(tc.fault, 4)...)

			obj := s.expectFailure(t, tc.reason, "", true)
			g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring(
				fmt.Sprintf("with status %d", tc.fault.Status)))
			g.Expect(condition(obj, v1alpha1.ConditionReady).Message).NotTo(ContainSubstring(port))
			g.Expect(elsewhere.connections.Load()).To(BeZero(), "connections to the other server")
			s.removeFaults()
			s.expectRecovered(t)
		})
	}
	g.Expect(elsewhere.connections.Load()).To(BeZero(), "connections to the other server")
	g.Expect(elsewhere.requests.Load()).To(BeZero(), "requests to the other server")
}

// countingServer is a loopback HTTPS server that counts the connections
// it accepts and the requests it receives.
type countingServer struct {
	*httptest.Server
	connections, requests atomic.Int64
}

func startCountingServer(t *testing.T) *countingServer {
	t.Helper()
	c := &countingServer{}
	c.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		c.requests.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	c.Listener = &countingListener{Listener: c.Listener, accepted: &c.connections}
	c.StartTLS()
	t.Cleanup(c.Close)
	return c
}

type countingListener struct {
	net.Listener
	accepted *atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return conn, err
}

// collectFields adds every property under schema to fields, by dotted path.
func collectFields(
	prefix string, schema apiextensionsv1.JSONSchemaProps, fields map[string]apiextensionsv1.JSONSchemaProps,
) {
	for name, property := range schema.Properties {
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		fields[path] = property
		collectFields(path, property, fields)
	}
}

// acceptsString reports whether a string field's enum or pattern admits
// value. A field with neither accepts anything.
func acceptsString(field apiextensionsv1.JSONSchemaProps, value string) bool {
	if len(field.Enum) > 0 {
		for _, e := range field.Enum {
			if string(e.Raw) == `"`+value+`"` {
				return true
			}
		}
		return false
	}
	patterns := celPatterns(field)
	if field.Pattern != "" {
		patterns = append(patterns, field.Pattern)
	}
	for _, pattern := range patterns {
		if !regexp.MustCompile(pattern).MatchString(value) {
			return false
		}
	}
	return true
}

// celMatches finds the regular expression of a rule that is exactly
// self.matches('...'), as the CRD uses to give a pattern its own message.
var celMatches = regexp.MustCompile(`^self\.matches\('([^']*)'\)$`)

// celPatterns returns the regular expressions of the field's CEL rules of
// the form self.matches('...').
func celPatterns(field apiextensionsv1.JSONSchemaProps) []string {
	var patterns []string
	for _, rule := range field.XValidations {
		if m := celMatches.FindStringSubmatch(rule.Rule); m != nil {
			patterns = append(patterns, m[1])
		}
	}
	return patterns
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
