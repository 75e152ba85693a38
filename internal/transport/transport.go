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

// Package transport builds the HTTP client that the operator uses for Graph
// and for the token endpoint.
package transport

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// Options configure the HTTP client.
type Options struct {
	// CAFile is a PEM bundle trusted in addition to the system roots, for a
	// private route to Graph or for the Graph emulator. Empty means the
	// system roots only.
	CAFile string
	// MaxIdleConnsPerHost keeps this many idle connections per host. All
	// tenants share one Graph host, so it should be at least the number of
	// concurrent reconciles, or connections are closed and opened again.
	MaxIdleConnsPerHost int
}

// New returns an HTTP client with TLS 1.2 or later and the given trust.
// The client has no overall timeout: the Graph client sets one per request.
func New(o Options) (*http.Client, error) {
	roots, err := rootPool(o.CAFile)
	if err != nil {
		return nil, err
	}
	idle := o.MaxIdleConnsPerHost
	if idle <= 0 {
		idle = 100
	}
	tr := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          idle * 2,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: tr, CheckRedirect: stopAtRedirect}, nil
}

// stopAtRedirect stops the client from following a redirect, so that the
// caller gets the 3xx response instead. Following one, net/http (Go 1.27)
// resends the Authorization header to the same host name or a subdomain on
// any port, and a 307 or 308 resends a token request's body, client secret
// included, to whatever host the Location header names.
func stopAtRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}

func rootPool(caFile string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if caFile == "" {
		return pool, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("failed to read CA file: %w", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s contains no PEM certificate", caFile)
	}
	return pool, nil
}
