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

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/emulator"
)

// syncBuffer is a buffer that the command writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunServesDemoTenant(t *testing.T) {
	g := NewWithT(t)
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	tenantsFile := filepath.Join(dir, "tenants.json")
	g.Expect(os.WriteFile(tenantsFile, []byte(`[{"tenantID":"22222222-2222-2222-2222-222222222222",`+
		`"clientID":"c","secret":"other-secret","properties":{"a":1}}]`), 0o600)).
		To(Succeed())
	out := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--ca-file", caFile,
			"--tenants-file", tenantsFile, "--latency", "1ms"}, out, logger)
	}()

	flags := regexp.MustCompile(
		`--graph-url=(https://127\.0\.0\.1:\d+) --authority-url=(\S+) --graph-ca-file=(\S+)`,
	)
	g.Eventually(out.String, 5*time.Second).Should(MatchRegexp(flags.String()))
	m := flags.FindStringSubmatch(out.String())
	g.Expect(m[2]).To(Equal(m[1]))
	g.Expect(m[3]).To(Equal(caFile))
	g.Expect(out.String()).NotTo(ContainSubstring(emulator.DemoClientSecret))
	g.Expect(out.String()).To(ContainSubstring(emulator.DemoTenantID))

	client := trustingClient(t, caFile)
	for tenant, secret := range map[string]string{
		emulator.DemoTenantID:                  emulator.DemoClientSecret,
		"22222222-2222-2222-2222-222222222222": "other-secret",
	} {
		clientID := emulator.DemoClientID
		if tenant != emulator.DemoTenantID {
			clientID = "c"
		}
		resp, err := client.PostForm(m[1]+"/"+tenant+"/oauth2/v2.0/token", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {clientID},
			"client_secret": {secret}, "scope": {"https://graph.microsoft.com/.default"},
		})
		g.Expect(err).NotTo(HaveOccurred())
		_ = resp.Body.Close()
		g.Expect(resp.StatusCode).To(Equal(http.StatusOK), tenant)
	}

	cancel()
	g.Eventually(done, 5*time.Second).Should(Receive(BeNil()))
	g.Expect(caFile).To(BeAnExistingFile())
}

func TestRunRejectsBadInput(t *testing.T) {
	cases := map[string][]string{
		"public address": {"--addr", "0.0.0.0:0"},
		"missing tenants": {
			"--addr",
			"127.0.0.1:0",
			"--tenants-file",
			"/nonexistent/tenants.json",
		},
		"unknown flag":   {"--port", "1"},
		"extra argument": {"serve"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			err := run(
				context.Background(),
				args,
				io.Discard,
				slog.New(slog.NewTextHandler(io.Discard, nil)),
			)
			g.Expect(err).To(HaveOccurred())
		})
	}
}

func TestWriteCATemporaryFileRemoved(t *testing.T) {
	g := NewWithT(t)
	path, cleanup, err := writeCA("", []byte("pem"))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(path).To(BeAnExistingFile())
	g.Expect(strings.HasPrefix(filepath.Base(path), "graph-emulator-ca-")).To(BeTrue())
	cleanup()
	g.Expect(path).NotTo(BeAnExistingFile())
}

func trustingClient(t *testing.T, caFile string) *http.Client {
	t.Helper()
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("the CA file holds no certificate")
	}
	transport := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Transport: transport, Timeout: 5 * time.Second}
}
