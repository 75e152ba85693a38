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

// Package demo runs the operator's main job on one machine: a local control
// plane, the Graph emulator with a demo tenant, the manager as its own
// process pointed at the emulator, and the samples applied with kubectl. It
// prints each step, what the operator changed in the tenant, and the
// commands to try next.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/securityoperator/security-operator/internal/controlplane"
	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/managerprocess"
)

// Options configure Run.
type Options struct {
	// Root is the repository's root folder, which holds config/samples.
	Root string
	// Kubectl is the kubectl executable.
	Kubectl string
	// Manager is a built manager binary. When empty, Run builds one.
	Manager string
	// Once makes Run return after the sample is Ready instead of waiting
	// for ctx to end. Run then fails when Ready does not come in time.
	Once bool
	// ReadyTimeout bounds the wait for the sample's Ready condition.
	ReadyTimeout time.Duration
	// Out receives the progress and the results.
	Out io.Writer
}

// sampleName is the name of the Security in config/samples.
const sampleName = "demo"

// initialProviderStatus is the demo tenant's providerStatus before the
// operator runs: both providers off, so that the sample visibly turns
// Defender for Endpoint on and leaves Defender for Cloud Apps off.
const initialProviderStatus = `[
  {"provider": "Microsoft Defender for Endpoint", "vendor": "Microsoft", "enabled": false},
  {"provider": "Microsoft Defender for Cloud Apps", "vendor": "Microsoft", "enabled": false}
]`

// session records the processes and files that one Run started, so that
// stop can release them.
type session struct {
	o       Options
	dir     string
	plane   *controlplane.Environment
	graph   *emulator.Server
	manager *managerprocess.Process
	kubectl kubectl
	caFile  string
	logFile string
}

// Run starts everything, applies the samples and waits for Ready. Unless
// o.Once is set, it then keeps everything running until ctx ends. It stops
// every process it started and removes its files before it returns.
func Run(ctx context.Context, o Options) (err error) {
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 2 * time.Minute
	}
	dir, err := os.MkdirTemp("", "security-operator-demo-")
	if err != nil {
		return err
	}
	s := &session{o: o, dir: dir}
	defer func() { err = errors.Join(err, s.stop()) }()

	if err := s.start(ctx); err != nil {
		return err
	}
	if err := s.applySamples(ctx); err != nil {
		return err
	}
	if err := s.show(ctx); err != nil {
		return err
	}
	if o.Once {
		s.step("Done: the sample is Ready; stopping because -once is set")
		return nil
	}
	s.printNextSteps()
	select {
	case <-ctx.Done():
		s.step("Interrupted: stopping the operator, the emulator and the control plane")
		return nil
	case err := <-s.manager.Done():
		// The folder with the log is removed on return, so show the log now.
		s.printLogTail()
		return fmt.Errorf("the operator exited unexpectedly: %w", err)
	}
}

// step prints the start of one step.
func (s *session) step(format string, args ...any) {
	_, _ = fmt.Fprintf(s.o.Out, "\n==> "+format+"\n", args...)
}

// start starts the control plane, the emulator and the manager.
func (s *session) start(ctx context.Context) error {
	s.step("Starting a local control plane (kube-apiserver and etcd from %s)",
		os.Getenv("KUBEBUILDER_ASSETS"))
	plane, err := controlplane.New()
	if err != nil {
		return err
	}
	s.plane = plane
	kubeconfig := filepath.Join(s.dir, "kubeconfig")
	if err := plane.WriteKubeconfig(kubeconfig, "demo-admin"); err != nil {
		return err
	}
	s.kubectl = kubectl{binary: s.o.Kubectl, kubeconfig: kubeconfig, out: s.o.Out}
	_, _ = fmt.Fprintf(s.o.Out, "    API server %s, kubeconfig %s\n", plane.Config.Host, kubeconfig)

	if err := s.startEmulator(); err != nil {
		return err
	}
	return s.startManager(ctx)
}

// startEmulator starts the Graph emulator with the demo tenant and app.
func (s *session) startEmulator() error {
	s.step("Starting the Graph emulator with demo tenant %s", emulator.DemoTenantID)
	graph, err := emulator.Start(emulator.Options{})
	if err != nil {
		return err
	}
	s.graph = graph
	graph.AddTenant(emulator.DemoTenantID)
	graph.AddSecretApp(emulator.DemoTenantID, emulator.DemoClientID, emulator.DemoClientSecret)
	graph.SetProperties(emulator.DemoTenantID, map[string]json.RawMessage{
		"providerStatus": json.RawMessage(initialProviderStatus),
	})
	s.caFile = filepath.Join(s.dir, "graph-emulator-ca.pem")
	if err := os.WriteFile(s.caFile, graph.CACertPEM(), 0o600); err != nil {
		return err
	}
	_, _ = fmt.Fprintf(s.o.Out, "    Graph and login endpoint %s, CA certificate %s\n", graph.URL(), s.caFile)
	return s.printTenant("The demo tenant before the operator runs")
}

// printTenant prints the emulator's view of the demo tenant.
func (s *session) printTenant(title string) error {
	// Decoding the stored values sorts their keys, so that the views before
	// and after the operator ran compare line by line.
	props := map[string]any{}
	for name, raw := range s.graph.Properties(emulator.DemoTenantID) {
		var value any
		if err := json.Unmarshal(raw, &value); err != nil {
			return err
		}
		props[name] = value
	}
	data, err := json.MarshalIndent(props, "    ", "  ")
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintf(s.o.Out, "    %s (GET %s/_emulator/tenants/%s/properties):\n    %s\n",
		title, s.graph.URL(), emulator.DemoTenantID, data)
	return nil
}

// stop stops what start started, newest first, and removes the folder.
func (s *session) stop() error {
	var errs []error
	if s.manager != nil {
		errs = append(errs, s.manager.Stop(30*time.Second))
	}
	if s.graph != nil {
		errs = append(errs, s.graph.Close())
	}
	if s.plane != nil {
		errs = append(errs, s.plane.Stop())
	}
	errs = append(errs, os.RemoveAll(s.dir))
	return errors.Join(errs...)
}
