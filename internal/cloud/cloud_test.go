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

package cloud

import (
	"errors"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

func TestEndpointsTable(t *testing.T) {
	cases := map[v1alpha1.Cloud]Endpoints{
		"": {
			GraphURL:     "https://graph.microsoft.com",
			AuthorityURL: "https://login.microsoftonline.com/",
			Scope:        "https://graph.microsoft.com/.default",
		},
		v1alpha1.CloudPublic: {
			GraphURL:     "https://graph.microsoft.com",
			AuthorityURL: "https://login.microsoftonline.com/",
			Scope:        "https://graph.microsoft.com/.default",
		},
		v1alpha1.CloudUSGovernment: {
			GraphURL:     "https://graph.microsoft.us",
			AuthorityURL: "https://login.microsoftonline.us/",
			Scope:        "https://graph.microsoft.us/.default",
		},
		v1alpha1.CloudUSGovernmentDoD: {
			GraphURL:     "https://dod-graph.microsoft.us",
			AuthorityURL: "https://login.microsoftonline.us/",
			Scope:        "https://dod-graph.microsoft.us/.default",
		},
		v1alpha1.CloudChina: {
			GraphURL:     "https://microsoftgraph.chinacloudapi.cn",
			AuthorityURL: "https://login.chinacloudapi.cn/",
			Scope:        "https://microsoftgraph.chinacloudapi.cn/.default",
		},
	}
	for c, want := range cases {
		t.Run(string(c), func(t *testing.T) {
			g := NewWithT(t)
			got, err := Resolver{}.Endpoints(c)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got).To(Equal(want))
		})
	}
}

func TestEndpointsUnknownCloud(t *testing.T) {
	g := NewWithT(t)
	_, err := Resolver{}.Endpoints("Mars")
	g.Expect(errors.Is(err, ErrUnknownCloud)).To(BeTrue())
	g.Expect(err.Error()).To(ContainSubstring(`"Mars"`))
}

func TestEndpointsOverridesKeepScope(t *testing.T) {
	r := Resolver{Overrides: Overrides{
		GraphURL:     "https://127.0.0.1:8443/",
		AuthorityURL: "https://127.0.0.1:8443",
	}}
	for _, c := range Clouds() {
		t.Run(string(c), func(t *testing.T) {
			g := NewWithT(t)
			table, err := Resolver{}.Endpoints(c)
			g.Expect(err).NotTo(HaveOccurred())
			got, err := r.Endpoints(c)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(got.GraphURL).To(Equal("https://127.0.0.1:8443"))
			g.Expect(got.AuthorityURL).To(Equal("https://127.0.0.1:8443/"))
			g.Expect(got.Scope).To(Equal(table.Scope))
		})
	}
}

func TestEndpointsOneOverride(t *testing.T) {
	g := NewWithT(t)
	r := Resolver{Overrides: Overrides{GraphURL: "https://proxy.example.internal/graph"}}
	got, err := r.Endpoints(v1alpha1.CloudChina)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(got.GraphURL).To(Equal("https://proxy.example.internal/graph"))
	g.Expect(got.AuthorityURL).To(Equal("https://login.chinacloudapi.cn/"))
	g.Expect(r.AuthorityOverridden()).To(BeFalse())
}

func TestOverridesValidate(t *testing.T) {
	cases := map[string]struct {
		overrides Overrides
		message   string
	}{
		"http graph": {
			Overrides{GraphURL: "http://127.0.0.1:8443"},
			"scheme must be https",
		},
		"http authority": {
			Overrides{AuthorityURL: "http://127.0.0.1"},
			"scheme must be https",
		},
		"no host":            {Overrides{GraphURL: "https:///v1.0"}, "host is missing"},
		"relative":           {Overrides{GraphURL: "graph.microsoft.com"}, "scheme must be https"},
		"user info":          {Overrides{GraphURL: "https://user:pw@127.0.0.1"}, "user info"},
		"query":              {Overrides{GraphURL: "https://127.0.0.1/?a=b"}, "query"},
		"empty query":        {Overrides{GraphURL: "https://127.0.0.1/?"}, "query"},
		"fragment":           {Overrides{AuthorityURL: "https://127.0.0.1/#x"}, "fragment"},
		"authority path":     {Overrides{AuthorityURL: "https://127.0.0.1/tenant"}, "no path"},
		"unparseable":        {Overrides{GraphURL: "https://[::1"}, "invalid graph URL"},
		"authority userinfo": {Overrides{AuthorityURL: "https://a@127.0.0.1"}, "user info"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			err := tc.overrides.Validate()
			g.Expect(err).To(MatchError(ContainSubstring(tc.message)))
			_, err = Resolver{Overrides: tc.overrides}.Endpoints(v1alpha1.CloudPublic)
			g.Expect(err).To(HaveOccurred())
		})
	}
}

func TestOverridesErrorHidesUserInfo(t *testing.T) {
	g := NewWithT(t)
	err := Overrides{GraphURL: "https://user:hunter2@127.0.0.1"}.Validate()
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).NotTo(ContainSubstring("hunter2"))
}

func TestAuthorityOverridden(t *testing.T) {
	g := NewWithT(t)
	g.Expect(Resolver{}.AuthorityOverridden()).To(BeFalse())
	r := Resolver{Overrides: Overrides{AuthorityURL: "https://127.0.0.1:1"}}
	g.Expect(r.AuthorityOverridden()).To(BeTrue())
}
