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

// Command manager runs the Security operator.
package main

import (
	"crypto/tls"
	"flag"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/controllers"
	"github.com/securityoperator/security-operator/internal/cloud"
	"github.com/securityoperator/security-operator/internal/credentials"
	"github.com/securityoperator/security-operator/internal/graph"
	"github.com/securityoperator/security-operator/internal/metricsauth"
	"github.com/securityoperator/security-operator/internal/transport"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

var scheme = runtime.NewScheme()

// init registers only the types the manager's client reads or writes:
// Securities and Secrets. Events, leases and the metrics endpoint's reviews
// go through client-go's typed clients, which bring their own scheme.
// Registering all of client-go's groups here would keep a second copy of
// that scheme, about 1.5 MiB of heap.
func init() {
	utilruntime.Must(corev1.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))
}

// options are the manager's command-line flags.
type options struct {
	metricsAddr, probeAddr         string
	pprofAddr                      string
	secureMetrics, enableHTTP2     bool
	leaderElect                    bool
	leaderElectionNamespace        string
	maxConcurrentReconciles        int
	watchNamespace                 string
	graphURL, authorityURL, caFile string
	graphTimeout                   time.Duration
	kubeQPS                        float64
	kubeBurst                      int
}

func parseFlags() (options, zap.Options) {
	var o options
	flag.StringVar(&o.metricsAddr, "metrics-bind-address", "0",
		"Address of the metrics endpoint, such as :8443; 0 disables it.")
	flag.BoolVar(&o.secureMetrics, "metrics-secure", true,
		"Serve metrics over HTTPS, with Kubernetes authentication and authorization.")
	flag.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081",
		"Address of the /healthz and /readyz endpoints.")
	flag.BoolVar(&o.leaderElect, "leader-elect", false,
		"Elect a leader, so that only one replica reconciles at a time.")
	flag.StringVar(&o.leaderElectionNamespace, "leader-election-namespace", "",
		"Namespace of the leader election Lease; empty means the manager's own namespace.")
	flag.BoolVar(&o.enableHTTP2, "enable-http2", false,
		"Serve metrics over HTTP/2 as well; off by default against HTTP/2 stream attacks.")
	flag.IntVar(&o.maxConcurrentReconciles, "max-concurrent-reconciles", 32,
		"Securities reconciled at once. Each waits mostly on Graph, so this can exceed the CPU count.")
	flag.StringVar(&o.watchNamespace, "watch-namespace", "",
		"Reconcile only Securities in this namespace; empty means all namespaces.")
	flag.StringVar(&o.graphURL, "graph-url", "",
		"Graph base URL for every cloud, such as https://127.0.0.1:8443 for the emulator; "+
			"empty means each cloud's own Graph host.")
	flag.StringVar(&o.authorityURL, "authority-url", "",
		"Login authority base URL for every cloud; empty means each cloud's own login host. "+
			"Setting it disables instance discovery.")
	flag.StringVar(&o.caFile, "graph-ca-file", "",
		"PEM bundle trusted, in addition to the system roots, for Graph and the login authority.")
	flag.DurationVar(&o.graphTimeout, "graph-timeout", 30*time.Second,
		"Timeout of one HTTP request to Graph.")
	// A first sync writes status twice: the originals before the PATCH, then
	// the result. controller-runtime gives each resource type its own rate
	// limiter, so 32 workers at 200ms per reconcile need about 320 status
	// writes per second when a fleet is first applied.
	flag.Float64Var(&o.kubeQPS, "kube-api-qps", 400,
		"Queries per second to the Kubernetes API server, per resource type.")
	flag.IntVar(&o.kubeBurst, "kube-api-burst", 800,
		"Burst of queries to the Kubernetes API server, per resource type.")
	flag.StringVar(&o.pprofAddr, "pprof-bind-address", "0",
		"Address of the Go pprof endpoint, such as 127.0.0.1:8082; 0 disables it. "+
			"It has no authentication: bind it to loopback only.")
	zapOpts := zap.Options{Development: false}
	zapOpts.BindFlags(flag.CommandLine)
	flag.Parse()
	return o, zapOpts
}

func main() {
	setGCPercent()
	o, zapOpts := parseFlags()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	log := ctrl.Log.WithName("setup")
	if err := run(o); err != nil {
		log.Error(err, "Manager stopped with an error")
		os.Exit(1)
	}
}

func run(o options) error {
	log := ctrl.Log.WithName("setup")
	cfg := ctrl.GetConfigOrDie()
	cfg.QPS, cfg.Burst = float32(o.kubeQPS), o.kubeBurst
	cfg.UserAgent = "security-operator/" + version

	mgr, err := ctrl.NewManager(cfg, managerOptions(o))
	if err != nil {
		return err
	}
	reconciler, err := newReconciler(o, mgr)
	if err != nil {
		return err
	}
	ctx := ctrl.SetupSignalHandler()
	if err := reconciler.SetupWithManager(ctx, mgr); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	log.Info("Starting manager", "version", version,
		"maxConcurrentReconciles", o.maxConcurrentReconciles, "watchNamespace", o.watchNamespace,
		"graphURL", o.graphURL, "authorityURL", o.authorityURL)
	return mgr.Start(ctx)
}

func managerOptions(o options) ctrl.Options {
	var tlsOpts []func(*tls.Config)
	if !o.enableHTTP2 {
		tlsOpts = append(tlsOpts, func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} })
	}
	metricsOpts := metricsserver.Options{
		BindAddress:   o.metricsAddr,
		SecureServing: o.secureMetrics,
		TLSOpts:       tlsOpts,
	}
	if o.secureMetrics {
		metricsOpts.FilterProvider = metricsauth.Provider
	}
	cacheOpts := cache.Options{DefaultTransform: cache.TransformStripManagedFields()}
	if o.watchNamespace != "" {
		cacheOpts.DefaultNamespaces = map[string]cache.Config{o.watchNamespace: {}}
	}
	// Stopping cancels the reconciles' contexts, which ends their Graph
	// requests. The bound stays below the pod's terminationGracePeriodSeconds
	// (30), so that the leader lease is released before the kubelet kills it.
	shutdown := 25 * time.Second
	return ctrl.Options{
		Scheme:                        scheme,
		Metrics:                       metricsOpts,
		HealthProbeBindAddress:        o.probeAddr,
		PprofBindAddress:              o.pprofAddr,
		LeaderElection:                o.leaderElect,
		LeaderElectionID:              "security-operator.graph.securityoperator.io",
		LeaderElectionNamespace:       o.leaderElectionNamespace,
		LeaderElectionReleaseOnCancel: true,
		GracefulShutdownTimeout:       &shutdown,
		Cache:                         cacheOpts,
		// Secrets are read straight from the API server and never cached:
		// the manager watches only their metadata.
		Client: client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}},
	}
}

func newReconciler(o options, mgr ctrl.Manager) (*controllers.SecurityReconciler, error) {
	httpClient, err := transport.New(transport.Options{
		CAFile:              o.caFile,
		MaxIdleConnsPerHost: o.maxConcurrentReconciles * 2,
	})
	if err != nil {
		return nil, err
	}
	resolver := cloud.Resolver{Overrides: cloud.Overrides{GraphURL: o.graphURL, AuthorityURL: o.authorityURL}}
	if _, err := resolver.Endpoints(v1alpha1.CloudPublic); err != nil {
		return nil, err
	}
	graphMetrics := graph.NewMetrics()
	if err := graphMetrics.Register(metrics.Registry); err != nil {
		return nil, err
	}
	return &controllers.SecurityReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder("security-operator"),
		Graph: graph.NewClient(graph.Options{
			Resolver:   resolver,
			HTTPClient: httpClient,
			UserAgent:  "security-operator/" + version,
			Timeout:    o.graphTimeout,
			Metrics:    graphMetrics,
		}),
		Credentials: credentials.NewCache(credentials.Options{
			Resolver:           resolver,
			HTTPClient:         httpClient,
			FederatedTokenFile: os.Getenv("AZURE_FEDERATED_TOKEN_FILE"),
			Metrics:            graphMetrics,
		}),
		MaxConcurrentReconciles: o.maxConcurrentReconciles,
	}, nil
}
