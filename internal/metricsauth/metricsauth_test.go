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

package metricsauth_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/securityoperator/security-operator/internal/controlplane"
	"github.com/securityoperator/security-operator/internal/metricsauth"
)

// TestFilterAsksTheAPIServer runs the filter against a real API server
// with two service accounts, one bound to a role that may get /metrics.
func TestFilterAsksTheAPIServer(t *testing.T) {
	g := NewWithT(t)
	env := controlplane.Start(t)
	cs, err := kubernetes.NewForConfig(env.Config)
	g.Expect(err).NotTo(HaveOccurred())
	scraper := serviceAccountToken(t, cs, "scraper")
	stranger := serviceAccountToken(t, cs, "stranger")
	allowMetrics(t, cs, "scraper")

	var logs bytes.Buffer
	server := filteredServer(t, env.Config, funcr.New(func(prefix, args string) {
		logs.WriteString(prefix + " " + args + "\n")
	}, funcr.Options{Verbosity: 4}))

	cases := []struct {
		name, method, path, authorization string
		status                            int
	}{
		{"no token", http.MethodGet, "/metrics", "", http.StatusUnauthorized},
		{"basic auth", http.MethodGet, "/metrics", "Basic c2NyYXBlcjpzZWNyZXQ=", http.StatusUnauthorized},
		{"invalid token", http.MethodGet, "/metrics", "Bearer not-a-token", http.StatusUnauthorized},
		{"account without role", http.MethodGet, "/metrics", "Bearer " + stranger, http.StatusForbidden},
		{"bound account", http.MethodGet, "/metrics", "Bearer " + scraper, http.StatusOK},
		{"bound account again, cached", http.MethodGet, "/metrics", "Bearer " + scraper, http.StatusOK},
		{"bound account, other path", http.MethodGet, "/debug/pprof/", "Bearer " + scraper, http.StatusForbidden},
		{"bound account, other verb", http.MethodPost, "/metrics", "Bearer " + scraper, http.StatusForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			req, err := http.NewRequestWithContext(context.Background(), tc.method, server.URL+tc.path, nil)
			g.Expect(err).NotTo(HaveOccurred())
			if tc.authorization != "" {
				req.Header.Set("Authorization", tc.authorization)
			}

			resp, err := server.Client().Do(req)
			g.Expect(err).NotTo(HaveOccurred())
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()

			g.Expect(resp.StatusCode).To(Equal(tc.status), "body: %s", body)
			if tc.status == http.StatusOK {
				g.Expect(string(body)).To(Equal("metrics"))
			} else {
				g.Expect(string(body)).NotTo(ContainSubstring("metrics\n"))
			}
		})
	}
	g.Expect(logs.String()).NotTo(ContainSubstring(scraper), "the log never holds a token")
	g.Expect(logs.String()).NotTo(ContainSubstring(stranger), "the log never holds a token")
}

// filteredServer serves "metrics" behind the filter over HTTPS.
func filteredServer(t *testing.T, cfg *rest.Config, log logr.Logger) *httptest.Server {
	t.Helper()
	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	filter, err := metricsauth.Provider(cfg, httpClient)
	if err != nil {
		t.Fatal(err)
	}
	handler, err := filter(log, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("metrics"))
	}))
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewTLSServer(handler)
	t.Cleanup(server.Close)
	return server
}

// serviceAccountToken creates a service account in the default namespace
// and returns a token for it from the TokenRequest API.
func serviceAccountToken(t *testing.T, cs kubernetes.Interface, name string) string {
	t.Helper()
	ctx := context.Background()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name}}
	if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tr, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, name,
		&authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(tr.Status.Token) == "" {
		t.Fatal("the TokenRequest returned no token")
	}
	return tr.Status.Token
}

// allowMetrics binds the service account to a ClusterRole that may get
// /metrics, as config/rbac/metrics_reader_role.yaml grants.
func allowMetrics(t *testing.T, cs kubernetes.Interface, name string) {
	t.Helper()
	ctx := context.Background()
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "metrics-reader"},
		Rules:      []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}},
	}
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "metrics-reader-" + name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects: []rbacv1.Subject{{
			Kind: rbacv1.ServiceAccountKind, Namespace: "default", Name: name,
		}},
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}
