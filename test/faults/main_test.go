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

// Package faults runs the operator's manager as its own process against a
// control plane and a Graph emulator of its own, for the faults that the
// controllers suite cannot inject into its shared API server and in-process
// manager: an API server restart, a manager killed with SIGKILL while a
// PATCH waits, a leader handing over to a standby replica, and an
// unreachable login host.
package faults

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/securityoperator/security-operator/internal/controlplane"
	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/managerprocess"
)

// buildTimeout bounds the build of the manager binary, which can take
// minutes on a busy machine without a warm build cache.
const buildTimeout = 10 * time.Minute

var (
	cp            *controlplane.Environment
	graphEmulator *emulator.Server
	// managerBinary, kubeconfig and caFile are the files every manager
	// process of the package uses.
	managerBinary, kubeconfig, caFile string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "security-operator-faults-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "creating a temporary folder: %v\n", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()

	cp, err = controlplane.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = cp.Stop() }()

	graphEmulator, err = emulator.Start(emulator.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the Graph emulator: %v\n", err)
		return 1
	}
	defer func() { _ = graphEmulator.Close() }()

	if err := prepareManager(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// prepareManager writes the CA file and the kubeconfig that manager
// processes use, and builds the manager.
func prepareManager(dir string) error {
	caFile = filepath.Join(dir, "graph-ca.pem")
	if err := os.WriteFile(caFile, graphEmulator.CACertPEM(), 0o600); err != nil {
		return err
	}
	kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := cp.WriteKubeconfig(kubeconfig, "security-operator"); err != nil {
		return err
	}
	root, err := controlplane.ModuleRoot()
	if err != nil {
		return err
	}
	managerBinary = filepath.Join(dir, "manager")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	return managerprocess.Build(ctx, root, managerBinary)
}
