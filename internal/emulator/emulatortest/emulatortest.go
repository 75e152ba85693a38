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

// Package emulatortest starts the Graph emulator for tests and gives them
// an HTTP client that trusts it and can reach nothing but loopback.
package emulatortest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/securityoperator/security-operator/internal/cloud"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// Start starts an emulator on a free loopback port and closes it when the
// test ends.
func Start(t testing.TB, o emulator.Options) *emulator.Server {
	t.Helper()
	s, err := emulator.Start(o)
	if err != nil {
		t.Fatalf("starting the Graph emulator: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Resolver returns a resolver whose Graph and authority overrides both
// point at s.
func Resolver(s *emulator.Server) cloud.Resolver {
	return cloud.Resolver{Overrides: cloud.Overrides{GraphURL: s.URL(), AuthorityURL: s.URL()}}
}

// HTTPClient returns a client that trusts only the emulator's CA, uses no
// proxy, and fails any connection to an address that is not loopback, so
// that a test can never reach a real Microsoft host.
func HTTPClient(t testing.TB, s *emulator.Server) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CACertPEM()) {
		t.Fatal("the emulator's CA PEM does not parse")
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if err := checkLoopback(addr); err != nil {
				return nil, err
			}
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 64,
	}
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Transport: transport}
}

func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("connection to %s rejected: the test client reaches only loopback addresses", addr)
}
