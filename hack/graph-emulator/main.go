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

// Command graph-emulator runs the Graph emulator on loopback for demos and
// manual testing of the operator. It registers a demo tenant with a
// client-secret app, writes the emulator's CA certificate to a file, and
// prints the manager flags that point the operator at it.
//
//	go run ./hack/graph-emulator [--addr 127.0.0.1:8443] [--ca-file PATH]
//	    [--latency 50ms] [--tenants-file tenants.json]
//
// The tenants file is a JSON array of
// {"tenantID", "clientID", "secret", "properties": {...}} objects. The
// emulator's admin API and behaviours are described in the documentation of
// package internal/emulator.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/securityoperator/security-operator/internal/emulator"
)

// config is the parsed command line.
type config struct {
	addr        string
	caFile      string
	latency     time.Duration
	tenantsFile string
}

// tenantEntry is one element of the tenants file.
type tenantEntry struct {
	TenantID   string                     `json:"tenantID"`
	ClientID   string                     `json:"clientID"`
	Secret     string                     `json:"secret"`
	Properties map[string]json.RawMessage `json:"properties"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Args[1:], os.Stdout, logger); err != nil {
		logger.Error("Graph emulator failed", "error", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("graph-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8443", "loopback address to listen on, host:port")
	fs.StringVar(
		&c.caFile,
		"ca-file",
		"",
		"file to write the emulator's CA certificate (PEM) to; "+
			"default a new temporary file, removed on exit",
	)
	fs.DurationVar(&c.latency, "latency", 0, "latency added to every request, such as 50ms")
	fs.StringVar(
		&c.tenantsFile,
		"tenants-file",
		"",
		`JSON array of {"tenantID", "clientID", "secret", "properties"} `+
			"to register besides the demo tenant",
	)
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q: all options are flags", fs.Args())
	}
	return c, nil
}

// run starts the emulator and serves until ctx ends.
func run(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	c, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	s, err := emulator.Start(emulator.Options{Addr: c.addr, Latency: c.latency})
	if err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	s.AddTenant(emulator.DemoTenantID)
	s.AddSecretApp(emulator.DemoTenantID, emulator.DemoClientID, emulator.DemoClientSecret)
	extra, err := registerTenants(s, c.tenantsFile)
	if err != nil {
		return err
	}
	caFile, cleanup, err := writeCA(c.caFile, s.CACertPEM())
	if err != nil {
		return err
	}
	defer cleanup()
	printInstructions(stdout, s.URL(), caFile, extra)
	logger.Info("Graph emulator started", "url", s.URL(), "caFile", caFile, "tenants", extra+1)
	<-ctx.Done()
	logger.Info("Graph emulator stopping")
	return s.Close()
}

// registerTenants adds the tenants of the file and returns their number.
func registerTenants(s *emulator.Server, file string) (int, error) {
	if file == "" {
		return 0, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, fmt.Errorf("reading the tenants file: %w", err)
	}
	var entries []tenantEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return 0, fmt.Errorf("invalid tenants file %s: %w", file, err)
	}
	for i, e := range entries {
		if e.TenantID == "" || e.ClientID == "" || e.Secret == "" {
			return 0, fmt.Errorf(
				"invalid tenants file %s: entry %d needs tenantID, clientID and secret",
				file,
				i,
			)
		}
		s.AddTenant(e.TenantID)
		s.AddSecretApp(e.TenantID, e.ClientID, e.Secret)
		if len(e.Properties) > 0 {
			s.SetProperties(e.TenantID, e.Properties)
		}
	}
	return len(entries), nil
}

// writeCA writes the CA to path, or to a new temporary file when path is
// empty, and returns a function that removes a temporary file.
func writeCA(path string, caPEM []byte) (string, func(), error) {
	if path != "" {
		if err := os.WriteFile(path, caPEM, 0o644); err != nil {
			return "", nil, fmt.Errorf("writing the CA file: %w", err)
		}
		return path, func() {}, nil
	}
	f, err := os.CreateTemp("", "graph-emulator-ca-*.pem")
	if err != nil {
		return "", nil, fmt.Errorf("creating the CA file: %w", err)
	}
	_, err = f.Write(caPEM)
	err = errors.Join(err, f.Close())
	if err != nil {
		_ = os.Remove(f.Name())
		return "", nil, fmt.Errorf("writing the CA file: %w", err)
	}
	return f.Name(), func() { _ = os.Remove(f.Name()) }, nil
}

func printInstructions(w io.Writer, url, caFile string, extra int) {
	_, _ = fmt.Fprintf(w, `Graph emulator listening on %[1]s
CA certificate: %[2]s
Demo tenant: %[3]s
Demo app:    %[4]s (client secret: see the demo-credentials Secret in config/samples)
Tenants from --tenants-file: %[5]d

Run the operator against the emulator with these manager flags:

  --graph-url=%[1]s --authority-url=%[1]s --graph-ca-file=%[2]s

Admin API: %[1]s/_emulator/ (see the documentation of package internal/emulator).
Press Ctrl+C to stop.
`, url, caFile, emulator.DemoTenantID, emulator.DemoClientID, extra)
}
