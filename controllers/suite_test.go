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

package controllers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/controllers"
	"github.com/securityoperator/security-operator/internal/cloud"
	"github.com/securityoperator/security-operator/internal/credentials"
	"github.com/securityoperator/security-operator/internal/emulator"
	"github.com/securityoperator/security-operator/internal/graph"
	"github.com/securityoperator/security-operator/internal/transport"
)

// The suite runs the real reconciler in a manager against a real API server
// (envtest) and the Graph emulator over HTTPS, with the production HTTP
// client, Graph client and credential cache.
var (
	k8s           client.Client
	graphEmulator *emulator.Server
	logs          *logBuffer
)

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS is not set: run `make test`, which builds "+
			"kube-apiserver and etcd and sets it")
		return 1
	}
	logs = newLogBuffer()
	ctrl.SetLogger(zap.New(zap.WriteTo(logs), zap.UseDevMode(true)))

	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting envtest: %v\n", err)
		return 1
	}
	defer func() { _ = env.Stop() }()

	graphEmulator, err = emulator.Start(emulator.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the Graph emulator: %v\n", err)
		return 1
	}
	defer func() { _ = graphEmulator.Close() }()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mgr, err := newManager(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the manager: %v\n", err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	// Tests read straight from the API server, so that what they see never
	// lags behind what they wrote.
	k8s, err = client.New(cfg, client.Options{Scheme: mgr.GetScheme()})
	if err != nil {
		fmt.Fprintf(os.Stderr, "creating a client: %v\n", err)
		return 1
	}
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		fmt.Fprintln(os.Stderr, "the manager's cache did not sync")
		return 1
	}

	code := m.Run()
	if err := checkNoSecretsLeaked(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	cancel()
	if err := <-done; err != nil {
		fmt.Fprintf(os.Stderr, "manager stopped with an error: %v\n", err)
		code = 1
	}
	return code
}

func newManager(ctx context.Context, cfg *rest.Config) (ctrl.Manager, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := v1alpha1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Client: client.Options{Cache: &client.CacheOptions{
			DisableFor: []client.Object{&corev1.Secret{}},
		}},
	})
	if err != nil {
		return nil, err
	}
	caFile := filepath.Join(os.TempDir(), fmt.Sprintf("graph-emulator-ca-%d.pem", os.Getpid()))
	if err := os.WriteFile(caFile, graphEmulator.CACertPEM(), 0o600); err != nil {
		return nil, err
	}
	httpClient, err := transport.New(transport.Options{CAFile: caFile})
	if err != nil {
		return nil, err
	}
	resolver := cloud.Resolver{Overrides: cloud.Overrides{
		GraphURL:     graphEmulator.URL(),
		AuthorityURL: graphEmulator.URL(),
	}}
	r := &controllers.SecurityReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder("security-operator"),
		Graph: graph.NewClient(graph.Options{
			Resolver:    resolver,
			HTTPClient:  httpClient,
			UserAgent:   "security-operator/test",
			Timeout:     2 * time.Second,
			BaseBackoff: 50 * time.Millisecond,
		}),
		Credentials: credentials.NewCache(credentials.Options{
			Resolver:   resolver,
			HTTPClient: httpClient,
			// Short retry delays let azcore's retries of a failing token
			// endpoint end within the 2s Graph timeout, so that tests see
			// the endpoint's error rather than a timeout.
			Retry: policy.RetryOptions{RetryDelay: 50 * time.Millisecond, MaxRetryDelay: 200 * time.Millisecond},
		}),
		MaxConcurrentReconciles: 8,
	}
	return mgr, r.SetupWithManager(ctx, mgr)
}
