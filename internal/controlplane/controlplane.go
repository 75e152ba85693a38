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

// Package controlplane starts a real kube-apiserver and etcd
// (controller-runtime's envtest) with this project's CRDs and admission
// policies installed, for the tests, the demo and the benchmark of this
// module.
//
// The binaries come from the folder named by KUBEBUILDER_ASSETS, which
// `make test` sets after `make envtest` has built them. Use Start in a single
// test, or New and Stop in TestMain to share one control plane across a
// package's tests.
package controlplane

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// startTimeout bounds the start of etcd and of kube-apiserver each, unless
// KUBEBUILDER_CONTROLPLANE_START_TIMEOUT sets it. envtest's own default of
// 20s can expire while `go test ./...` compiles and runs other packages on
// the same cores.
const startTimeout = 90 * time.Second

// Environment is a running envtest control plane.
type Environment struct {
	// Config connects to the API server with cluster-admin rights.
	Config *rest.Config
	// Client is a client without a cache, using Scheme.
	Client client.Client
	// Scheme contains the client-go types, the CRD types of
	// apiextensions.k8s.io/v1 and the Security API.
	Scheme *runtime.Scheme

	env     *envtest.Environment
	certDir string
}

// NewScheme returns a scheme with the client-go types, CustomResourceDefinition
// and the Security API, which is what tests of this module read and write.
func NewScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(apiextensionsv1.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))
	return scheme
}

// Start starts a control plane for one test and stops it when the test and
// its subtests finish. It fails the test when the control plane cannot
// start, for example because KUBEBUILDER_ASSETS is not set.
func Start(tb testing.TB) *Environment {
	tb.Helper()
	env, err := New()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := env.Stop(); err != nil {
			tb.Errorf("failed to stop envtest: %v", err)
		}
	})
	return env
}

// New starts a control plane with the CRDs from config/crd/bases and the
// admission policies from config/crd/policy installed, and returns once the
// API server enforces the policies. The caller must call Stop, also when its
// tests fail; TestMain is the usual place. When KUBEBUILDER_ASSETS does not
// name a folder with the binaries, the error explains how to build them.
func New() (*Environment, error) {
	assets, err := assetsDir()
	if err != nil {
		return nil, err
	}
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}

	// The API server keeps its certificates in a folder of ours rather than
	// one that envtest deletes on stop, so that StartAPIServer can restart it
	// with the serving certificate that existing clients trust.
	certDir, err := os.MkdirTemp("", "controlplane-apiserver-")
	if err != nil {
		return nil, fmt.Errorf("failed to create the API server's certificate folder: %w", err)
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		BinaryAssetsDirectory: assets,
		ControlPlane:          envtest.ControlPlane{APIServer: &envtest.APIServer{CertDir: certDir}},
	}
	// Without a bound, a stopping API server waits for open watches, such
	// as a manager's, for up to a minute, past envtest's 20s stop timeout.
	env.ControlPlane.APIServer.Configure().Set("shutdown-watch-termination-grace-period", "2s")
	if os.Getenv("KUBEBUILDER_CONTROLPLANE_START_TIMEOUT") == "" {
		env.ControlPlaneStartTimeout = startTimeout
	}
	cfg, err := env.Start()
	if err != nil {
		// Note: Start leaves etcd and kube-apiserver running when it fails
		// after starting them, for example on an invalid CRD.
		return nil, errors.Join(
			fmt.Errorf("failed to start envtest with binaries from %s: %w", assets, err),
			env.Stop(), os.RemoveAll(certDir))
	}

	scheme := NewScheme()
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err == nil {
		err = installPolicies(c, filepath.Join(root, "config", "crd", "policy"))
	}
	if err != nil {
		return nil, errors.Join(err, env.Stop(), os.RemoveAll(certDir))
	}
	return &Environment{Config: cfg, Client: c, Scheme: scheme, env: env, certDir: certDir}, nil
}

// WriteKubeconfig writes a kubeconfig file for a new user in the group
// system:masters, for kubectl and for a manager running as its own process.
// The file holds the user's client key, so it is written with mode 0600.
func (e *Environment) WriteKubeconfig(path, user string) error {
	u, err := e.env.AddUser(envtest.User{Name: user, Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("failed to add user %s to the control plane: %w", user, err)
	}
	data, err := u.KubeConfig()
	if err != nil {
		return fmt.Errorf("failed to render the kubeconfig of %s: %w", user, err)
	}
	return os.WriteFile(path, data, 0o600)
}

// Stop stops the API server and etcd and removes their temporary data.
func (e *Environment) Stop() error {
	return errors.Join(e.env.Stop(), os.RemoveAll(e.certDir))
}

// assetsDir returns KUBEBUILDER_ASSETS after checking that it contains the
// two binaries envtest runs.
func assetsDir() (string, error) {
	dir := os.Getenv("KUBEBUILDER_ASSETS")
	if dir == "" {
		return "", errors.New("KUBEBUILDER_ASSETS is not set: run the tests with `make test`, " +
			"or run `make envtest` and set KUBEBUILDER_ASSETS to the absolute path of the " +
			"folder it builds, bin/k8s/<kubernetes version>-etcd<etcd version>")
	}
	for _, name := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return "", fmt.Errorf("KUBEBUILDER_ASSETS=%s has no %s (%w): run `make envtest` "+
				"to build it, or `make test`", dir, name, err)
		}
	}
	return dir, nil
}
