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

// Package cloud maps a Microsoft cloud to its login and Graph endpoints, and
// applies the endpoint overrides that the operator's administrator sets with
// manager flags. A Security object only names a cloud, never a host.
package cloud

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// Endpoints of one Microsoft cloud.
type Endpoints struct {
	// GraphURL is the Graph service root without a trailing slash, such as
	// "https://graph.microsoft.com". It may carry a path prefix when it is
	// overridden.
	GraphURL string
	// AuthorityURL is the Microsoft Entra login host with a trailing slash,
	// such as "https://login.microsoftonline.com/".
	AuthorityURL string
	// Scope is the scope requested in client-credentials token requests: the
	// cloud's Graph resource followed by "/.default". Overrides never change
	// it, so the token audience stays the real Graph resource.
	Scope string
}

// Overrides replace the table's GraphURL and AuthorityURL for every cloud.
// They come only from manager flags set by the operator's administrator, for
// a private route to Graph or for the Graph emulator. Empty fields keep the
// table's value.
type Overrides struct {
	// GraphURL replaces Endpoints.GraphURL: an https URL with an optional
	// path prefix, without user info, query or fragment.
	GraphURL string
	// AuthorityURL replaces Endpoints.AuthorityURL: an https URL with no
	// path, user info, query or fragment.
	AuthorityURL string
}

// Resolver returns the endpoints of a cloud with the overrides applied.
// The zero value resolves the built-in table.
type Resolver struct {
	// Overrides apply to every cloud.
	Overrides Overrides
}

var table = map[v1alpha1.Cloud]Endpoints{
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

// ErrUnknownCloud is wrapped by Endpoints for a cloud not in the table.
var ErrUnknownCloud = errors.New("unknown cloud")

// Endpoints returns the endpoints of cloud c with the overrides applied.
// An empty c means Public. It fails for a cloud not in the table and for an
// invalid override.
func (r Resolver) Endpoints(c v1alpha1.Cloud) (Endpoints, error) {
	if c == "" {
		c = v1alpha1.CloudPublic
	}
	e, ok := table[c]
	if !ok {
		return Endpoints{}, fmt.Errorf("%w %q: expected one of Public, USGovernment, "+
			"USGovernmentDoD or China", ErrUnknownCloud, string(c))
	}
	if err := r.Overrides.Validate(); err != nil {
		return Endpoints{}, err
	}
	if r.Overrides.GraphURL != "" {
		e.GraphURL = strings.TrimRight(r.Overrides.GraphURL, "/")
	}
	if r.Overrides.AuthorityURL != "" {
		e.AuthorityURL = strings.TrimRight(r.Overrides.AuthorityURL, "/") + "/"
	}
	return e, nil
}

// AuthorityOverridden reports whether the login host is replaced. Token
// requests must then skip Microsoft Entra instance discovery, because that
// discovery request goes to the public login host for an unknown authority.
func (r Resolver) AuthorityOverridden() bool {
	return r.Overrides.AuthorityURL != ""
}

// Clouds returns the clouds of the table in a fixed order.
func Clouds() []v1alpha1.Cloud {
	return []v1alpha1.Cloud{
		v1alpha1.CloudPublic, v1alpha1.CloudUSGovernment,
		v1alpha1.CloudUSGovernmentDoD, v1alpha1.CloudChina,
	}
}

// Validate checks that each set override is an absolute https URL without
// user info, query or fragment, and that the authority has no path: the
// token client appends the tenant as the first path segment.
func (o Overrides) Validate() error {
	if o.GraphURL != "" {
		if err := validateURL("graph URL", o.GraphURL); err != nil {
			return err
		}
	}
	if o.AuthorityURL != "" {
		if err := validateURL("authority URL", o.AuthorityURL); err != nil {
			return err
		}
		u, _ := url.Parse(o.AuthorityURL)
		if strings.Trim(u.Path, "/") != "" {
			return fmt.Errorf("invalid authority URL %q: it must have no path", o.AuthorityURL)
		}
	}
	return nil
}

func validateURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid %s %q: %w", name, raw, err)
	}
	switch {
	case u.Scheme != "https":
		return fmt.Errorf("invalid %s %q: the scheme must be https", name, raw)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("invalid %s %q: the host is missing", name, raw)
	case u.User != nil:
		return fmt.Errorf("invalid %s: it must not contain user info", name)
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("invalid %s %q: it must not contain a query", name, raw)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("invalid %s %q: it must not contain a fragment", name, raw)
	}
	return nil
}
