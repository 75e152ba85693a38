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

// Package bench measures the operator against a fleet of emulated tenants.
// For each fleet size it starts an envtest control plane, the Graph
// emulator with a per-request latency, and the manager as its own process.
// It creates one Secret and one Security per tenant and records the time
// until every Security is Ready, the Graph requests per tenant of the first
// sync and of one forced resync, and the manager's memory and CPU use.
//
// The command hack/bench prints the results as a table and writes
// docs/benchmarks.md; the package test runs a small fleet so that the
// harness keeps working.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/securityoperator/security-operator/internal/controlplane"
	"github.com/securityoperator/security-operator/internal/managerprocess"
)

// Config selects what a benchmark run measures.
type Config struct {
	// Tenants lists the fleet sizes. Each size runs on a new control plane,
	// emulator and manager process.
	Tenants []int
	// Latency is the emulator's added latency per request.
	Latency time.Duration
	// Concurrency is the manager's --max-concurrent-reconciles.
	Concurrency int
	// KubeQPS and KubeBurst are the manager's --kube-api-qps and
	// --kube-api-burst.
	KubeQPS   float64
	KubeBurst int
	// CreateQPS bounds the requests per second that the harness itself sends
	// to the API server to create objects and to request the resync.
	CreateQPS float64
	// Timeout bounds each fleet size, from the start of its control plane to
	// the stop of its manager.
	Timeout time.Duration
	// ManagerArgs are further manager flags, added after the ones the
	// harness sets, so they override them.
	ManagerArgs []string
	// Progress receives one line per step. Nil discards them.
	Progress io.Writer
}

// Default values of Config, which hack/bench uses as flag defaults.
const (
	DefaultLatency     = 50 * time.Millisecond
	DefaultConcurrency = 32
	// DefaultKubeQPS and DefaultKubeBurst equal the manager's own defaults of
	// --kube-api-qps and --kube-api-burst in main.go.
	DefaultKubeQPS   = 400
	DefaultKubeBurst = 800
	DefaultCreateQPS = 500
	DefaultTimeout   = 15 * time.Minute
)

// Validate reports the first invalid field of c.
func (c Config) Validate() error {
	if len(c.Tenants) == 0 {
		return errors.New("no fleet size: set at least one number of tenants")
	}
	for _, n := range c.Tenants {
		if n < 1 {
			return fmt.Errorf("invalid number of tenants %d: it must be at least 1", n)
		}
	}
	switch {
	case c.Latency < 0:
		return fmt.Errorf("invalid latency %s: it must not be negative", c.Latency)
	case c.Concurrency < 1:
		return fmt.Errorf("invalid concurrency %d: it must be at least 1", c.Concurrency)
	case c.KubeQPS <= 0 || c.KubeBurst < 1:
		return fmt.Errorf("invalid Kubernetes API limits %g QPS, burst %d: both must be positive",
			c.KubeQPS, c.KubeBurst)
	case c.CreateQPS <= 0:
		return fmt.Errorf("invalid create QPS %g: it must be positive", c.CreateQPS)
	case c.Timeout <= 0:
		return fmt.Errorf("invalid timeout %s: it must be positive", c.Timeout)
	}
	return nil
}

// Run builds the manager from this module once and measures each fleet size
// in turn. It returns the results of the sizes that finished, and an error
// for the first size that failed. The working folder with the manager's
// logs is removed after a successful run and kept after a failure, and the
// error names it.
func Run(ctx context.Context, c Config) ([]Result, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	// The harness's client and informer log through controller-runtime,
	// which warns on stderr when no logger is set.
	log.SetLogger(zap.New(zap.WriteTo(c.Progress)))
	root, err := controlplane.ModuleRoot()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "security-operator-bench-")
	if err != nil {
		return nil, fmt.Errorf("failed to create the working folder: %w", err)
	}
	binary := filepath.Join(dir, "manager")
	progress(c.Progress, "Building the manager from %s", root)
	if err := managerprocess.Build(ctx, root, binary); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}

	var results []Result
	for _, n := range c.Tenants {
		r, measured, err := runFleet(ctx, c, fleetFiles{dir: dir, binary: binary}, n)
		if measured {
			results = append(results, r)
		}
		if err != nil {
			return results, fmt.Errorf("%d tenants: %w (manager logs and kubeconfig kept in %s)", n, err, dir)
		}
	}
	return results, os.RemoveAll(dir)
}

func progress(w io.Writer, format string, args ...any) {
	_, _ = fmt.Fprintf(w, time.Now().Format("15:04:05")+" "+format+"\n", args...)
}
