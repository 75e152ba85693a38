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

package credentials

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azcloud "github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/securityoperator/security-operator/internal/graph"
)

// tokenPathSuffix ends the path of every Microsoft Entra v2.0 token request.
const tokenPathSuffix = "/oauth2/v2.0/token"

// build creates the credential of src. It makes no network request.
func (c *Cache) build(src Source) (azcore.TokenCredential, error) {
	endpoints, err := c.o.Resolver.Endpoints(src.Cloud)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	opts := azcore.ClientOptions{
		Cloud: azcloud.Configuration{
			ActiveDirectoryAuthorityHost: endpoints.AuthorityURL,
		},
		Retry:            c.o.Retry,
		PerRetryPolicies: []policy.Policy{tokenCounter{metrics: c.o.Metrics}},
	}
	if c.o.HTTPClient != nil {
		opts.Transport = c.o.HTTPClient
	}
	// An unknown authority makes MSAL ask the public login host to validate
	// it, so an overridden authority must skip that instance discovery.
	noDiscovery := c.o.Resolver.AuthorityOverridden()
	var cred azcore.TokenCredential
	switch {
	case src.ClientSecret != "":
		cred, err = buildSecret(src, opts, noDiscovery)
	case src.WorkloadIdentity:
		cred, err = c.buildAssertion(src, opts, noDiscovery)
	default:
		cred, err = buildCertificate(src, opts, noDiscovery)
	}
	if err != nil {
		return nil, err
	}
	return cred, nil
}

func buildSecret(
	src Source,
	opts azcore.ClientOptions,
	noDiscovery bool,
) (azcore.TokenCredential, error) {
	cred, err := azidentity.NewClientSecretCredential(
		src.TenantID,
		src.ClientID,
		src.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{
			ClientOptions:            opts,
			DisableInstanceDiscovery: noDiscovery,
		},
	)
	if err != nil {
		// The error names the tenant ID or an empty secret, never the secret.
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return cred, nil
}

func buildCertificate(
	src Source,
	opts azcore.ClientOptions,
	noDiscovery bool,
) (azcore.TokenCredential, error) {
	certs, key, err := parseCertificate(src.CertificatePEM, src.PrivateKeyPEM)
	if err != nil {
		return nil, err
	}
	cred, err := azidentity.NewClientCertificateCredential(
		src.TenantID,
		src.ClientID,
		certs,
		key,
		&azidentity.ClientCertificateCredentialOptions{
			ClientOptions:            opts,
			DisableInstanceDiscovery: noDiscovery,
		},
	)
	if err != nil {
		// The error names the key type or the mismatch, never key material.
		return nil, fmt.Errorf("%w: tls.crt and tls.key: %w", ErrInvalid, err)
	}
	return cred, nil
}

// buildAssertion creates a workload identity credential that reads the
// federated token file on each token request, so that the kubelet's
// rotation of the file is picked up. azidentity's own workload identity
// credential keeps the file content for ten minutes.
func (c *Cache) buildAssertion(
	src Source,
	opts azcore.ClientOptions,
	noDiscovery bool,
) (azcore.TokenCredential, error) {
	file := c.o.FederatedTokenFile
	if file == "" {
		return nil, fmt.Errorf("%w: workload identity is not configured: the operator has no "+
			"federated token file (AZURE_FEDERATED_TOKEN_FILE)", ErrInvalid)
	}
	cred, err := azidentity.NewClientAssertionCredential(
		src.TenantID,
		src.ClientID,
		readAssertion(file),
		&azidentity.ClientAssertionCredentialOptions{
			ClientOptions:            opts,
			DisableInstanceDiscovery: noDiscovery,
		},
	)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return cred, nil
}

func readAssertion(file string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("reading the federated token file: %w", err)
		}
		token := strings.TrimSpace(string(b))
		if token == "" {
			return "", fmt.Errorf("the federated token file %s is empty", file)
		}
		return token, nil
	}
}

// tokenCounter counts each attempt of a token request, retries included.
type tokenCounter struct {
	metrics *graph.Metrics
}

// Do implements policy.Policy.
func (p tokenCounter) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	raw := req.Raw()
	if raw.Method == http.MethodPost && strings.HasSuffix(raw.URL.Path, tokenPathSuffix) {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		p.metrics.ObserveTokenRequest(status, err != nil)
	}
	return resp, err
}
