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

// Command demo runs the operator against a local control plane and the
// Graph emulator, applies config/samples with kubectl, waits for Ready and
// shows the result. `make demo` builds what it needs and runs it:
//
//	go run ./hack/demo [-once] [-kubectl PATH] [-manager PATH] [-ready-timeout 2m]
//
// KUBEBUILDER_ASSETS must name the folder with kube-apiserver and etcd that
// `make envtest` builds. With -once, or DEMO_ONCE=true, the demo exits after
// the first Ready, with status 1 if Ready never comes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/securityoperator/security-operator/internal/controlplane"
	"github.com/securityoperator/security-operator/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo failed: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	once, _ := strconv.ParseBool(os.Getenv("DEMO_ONCE"))
	o := demo.Options{Out: os.Stdout}
	flag.BoolVar(&o.Once, "once", once,
		"Exit after the sample is Ready, with status 1 if it never is (default from DEMO_ONCE).")
	flag.StringVar(&o.Kubectl, "kubectl", "",
		"kubectl to run (default: kubectl in KUBEBUILDER_ASSETS, else the one on PATH).")
	flag.StringVar(&o.Manager, "manager", "", "Built manager binary (default: build one).")
	flag.DurationVar(&o.ReadyTimeout, "ready-timeout", 2*time.Minute, "How long to wait for Ready.")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: all options are flags", flag.Args())
	}

	root, err := controlplane.ModuleRoot()
	if err != nil {
		return err
	}
	o.Root = root
	if o.Kubectl == "" {
		if o.Kubectl, err = findKubectl(); err != nil {
			return err
		}
	}
	return demo.Run(ctx, o)
}

// findKubectl prefers the kubectl built next to kube-apiserver, whose
// version matches the control plane, over one on PATH.
func findKubectl() (string, error) {
	if assets := os.Getenv("KUBEBUILDER_ASSETS"); assets != "" {
		candidate := filepath.Join(assets, "kubectl")
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
	}
	path, err := exec.LookPath("kubectl")
	if err != nil {
		return "", errors.New("no kubectl found: run `make envtest`, which builds one, " +
			"or pass -kubectl PATH")
	}
	return path, nil
}
