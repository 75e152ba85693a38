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

package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/internal/controlplane"
	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/managerprocess"
)

// fleetFiles are the working folder and the manager binary shared by all
// fleet sizes of a run.
type fleetFiles struct {
	dir, binary string
}

// fleet is everything one fleet size runs on. Its stop method stops what
// start started, in reverse order, also after a failed start.
type fleet struct {
	c       Config
	tenants []tenant

	env     *controlplane.Environment
	graph   *emulator.Server
	client  client.Client
	watcher *watcher
	manager *manager
	// stopWatcher ends the harness's informer.
	stopWatcher context.CancelFunc
}

// runFleet measures one fleet size of n tenants. It reports whether the
// measurement finished, which it can have done even when stopping failed.
func runFleet(ctx context.Context, c Config, files fleetFiles, n int) (r Result, measured bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	f := &fleet{c: c, tenants: newTenants(n)}
	defer func() { err = errors.Join(err, f.stop()) }()
	if err := f.start(ctx, files, n); err != nil {
		return Result{}, false, err
	}
	r, err = f.measure(ctx)
	return r, err == nil, err
}

// start starts the control plane, the emulator with the tenants, the
// harness's client and informer, and the manager.
func (f *fleet) start(ctx context.Context, files fleetFiles, n int) error {
	progress(f.c.Progress, "%d tenants: starting the control plane and the Graph emulator", n)
	env, err := controlplane.New()
	if err != nil {
		return err
	}
	f.env = env
	kubeconfig := filepath.Join(files.dir, fmt.Sprintf("kubeconfig-%d", n))
	if err := env.WriteKubeconfig(kubeconfig, "security-operator-bench"); err != nil {
		return err
	}
	f.graph, err = emulator.Start(emulator.Options{Latency: f.c.Latency})
	if err != nil {
		return fmt.Errorf("failed to start the Graph emulator: %w", err)
	}
	caFile := filepath.Join(files.dir, fmt.Sprintf("graph-ca-%d.pem", n))
	if err := os.WriteFile(caFile, f.graph.CACertPEM(), 0o600); err != nil {
		return fmt.Errorf("failed to write the emulator's CA certificate: %w", err)
	}
	registerTenants(f.graph, f.tenants)

	if err := f.startClients(ctx); err != nil {
		return err
	}
	progress(f.c.Progress, "%d tenants: starting the manager", n)
	f.manager, err = startManager(ctx, f.c, managerConfig{
		binary:     files.binary,
		kubeconfig: kubeconfig,
		logPath:    filepath.Join(files.dir, fmt.Sprintf("manager-%d.log", n)),
		graphURL:   f.graph.URL(),
		caFile:     caFile,
	})
	return err
}

// startClients creates the fleet's namespace and starts the harness's
// client and informer. The client's requests share one rate limiter of
// CreateQPS, so that the harness's load on the API server stays bounded.
func (f *fleet) startClients(ctx context.Context) error {
	cfg := rest.CopyConfig(f.env.Config)
	burst := max(1, int(f.c.CreateQPS))
	cfg.RateLimiter = flowcontrol.NewTokenBucketRateLimiter(float32(f.c.CreateQPS), burst)
	c, err := client.New(cfg, client.Options{Scheme: f.env.Scheme})
	if err != nil {
		return fmt.Errorf("failed to create the harness's client: %w", err)
	}
	f.client = c
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
	if err := c.Create(ctx, ns); err != nil {
		return fmt.Errorf("failed to create namespace %s: %w", namespace, err)
	}
	watchCtx, cancel := context.WithCancel(ctx)
	f.stopWatcher = cancel
	f.watcher, err = startWatcher(watchCtx, f.env.Config, f.env.Scheme)
	return err
}

// measure runs the first sync and the resync and collects the results.
func (f *fleet) measure(ctx context.Context) (Result, error) {
	n := len(f.tenants)
	r := Result{Tenants: n, Latency: f.c.Latency, Concurrency: f.c.Concurrency}
	baseline, err := f.managerUsage()
	if err != nil {
		return r, err
	}
	r.BaselineRSS = baseline.RSS
	before, err := scrape(ctx, f.manager.metricsURL)
	if err != nil {
		return r, err
	}

	if err := f.firstSync(ctx, &r); err != nil {
		return r, err
	}
	afterFirst, err := scrape(ctx, f.manager.metricsURL)
	if err != nil {
		return r, err
	}
	r.APIFirst = subtract(apiRequests(afterFirst), apiRequests(before))

	if err := f.resync(ctx, &r); err != nil {
		return r, err
	}
	afterResync, err := scrape(ctx, f.manager.metricsURL)
	if err != nil {
		return r, err
	}
	r.APIAgain = subtract(apiRequests(afterResync), apiRequests(afterFirst))
	r.HeapInUse = metricValue(afterResync, "go_memstats_heap_inuse_bytes")
	r.ReconcileFirst = meanReconcile(afterFirst, before)
	r.ReconcileAgain = meanReconcile(afterResync, afterFirst)

	usage, err := f.managerUsage()
	if err != nil {
		return r, err
	}
	r.PeakRSS, r.CPU = usage.PeakRSS, usage.CPU
	r.FileRSS, err = readFileRSS(f.manager.process.Pid())
	return r, err
}

// firstSync creates the objects and waits until every Security is Ready.
func (f *fleet) firstSync(ctx context.Context, r *Result) error {
	n := len(f.tenants)
	p, stop, err := f.watcher.track(n, synced)
	if err != nil {
		return err
	}
	defer stop()
	progress(f.c.Progress, "%d tenants: creating %d Secrets and %d Securities", n, n, n)
	machineBefore, machineOK := readCPUTimes()
	managerBefore, err := f.managerUsage()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := createObjects(ctx, f.client, f.tenants); err != nil {
		return err
	}
	r.Create = time.Since(start)
	last, err := f.watcher.wait(ctx, p)
	if err != nil {
		return fmt.Errorf("waiting for every Security to be Ready: %w", err)
	}
	r.Ready = last.Sub(start)
	if machineAfter, ok := readCPUTimes(); ok && machineOK {
		r.MachineFirst = machineAfter.since(machineBefore)
	}
	managerAfter, err := f.managerUsage()
	if err != nil {
		return err
	}
	r.ManagerCPUFirst = managerAfter.CPU - managerBefore.CPU
	r.First = collectRequests(f.graph, f.tenants)
	progress(f.c.Progress, "%d tenants: all Ready after %s", n, r.Ready.Round(time.Millisecond))
	return nil
}

// resync annotates every Security and waits until each has handled it.
func (f *fleet) resync(ctx context.Context, r *Result) error {
	n := len(f.tenants)
	value := time.Now().UTC().Format(time.RFC3339Nano)
	p, stop, err := f.watcher.track(n, handled(value))
	if err != nil {
		return err
	}
	defer stop()
	progress(f.c.Progress, "%d tenants: requesting a resync of every Security", n)
	start := time.Now()
	if err := requestResync(ctx, f.client, f.tenants, value); err != nil {
		return err
	}
	last, err := f.watcher.wait(ctx, p)
	if err != nil {
		return fmt.Errorf("waiting for every Security to handle the resync: %w", err)
	}
	r.Resync = last.Sub(start)
	r.Again = collectRequests(f.graph, f.tenants)
	progress(f.c.Progress, "%d tenants: resync handled after %s", n, r.Resync.Round(time.Millisecond))
	return nil
}

// managerUsage reads the manager's memory and CPU use.
func (f *fleet) managerUsage() (managerprocess.Usage, error) {
	u, err := f.manager.process.ReadUsage()
	if err != nil {
		return u, fmt.Errorf("failed to read the manager's resource use: %w", err)
	}
	return u, nil
}

// stop stops the manager, the informer, the emulator and the control
// plane, whichever started.
func (f *fleet) stop() error {
	var errs []error
	if f.manager != nil {
		if err := f.manager.stop(); err != nil {
			errs = append(errs, fmt.Errorf("failed to stop the manager: %w", err))
		}
	}
	if f.stopWatcher != nil {
		f.stopWatcher()
	}
	if f.graph != nil {
		if err := f.graph.Close(); err != nil {
			errs = append(errs, fmt.Errorf("failed to stop the Graph emulator: %w", err))
		}
	}
	if f.env != nil {
		errs = append(errs, f.env.Stop())
	}
	return errors.Join(errs...)
}
