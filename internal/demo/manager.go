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

package demo

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/securityoperator/security-operator/internal/managerprocess"
)

// readyzTimeout bounds the wait for the manager's readiness probe.
const readyzTimeout = time.Minute

// startManager builds the manager unless o.Manager names one, starts it
// against the control plane and the emulator, and waits until its
// readiness probe returns 200.
func (s *session) startManager(ctx context.Context) error {
	binary := s.o.Manager
	if binary == "" {
		s.step("Building the manager")
		binary = filepath.Join(s.dir, "manager")
		if err := managerprocess.Build(ctx, s.o.Root, binary); err != nil {
			return err
		}
	}
	probeAddr, err := freeLoopbackAddr()
	if err != nil {
		return err
	}
	s.logFile = filepath.Join(s.dir, "manager.log")
	log, err := os.Create(s.logFile)
	if err != nil {
		return err
	}
	// The process keeps its own descriptor; this one is not needed after Start.
	defer func() { _ = log.Close() }()

	s.step("Starting the operator (%s), log in %s", binary, s.logFile)
	args := []string{"--health-probe-bind-address=" + probeAddr}
	_, _ = fmt.Fprintf(s.o.Out, "    %s --kubeconfig=%s --graph-url=%s --authority-url=%s --graph-ca-file=%s %s\n",
		binary, s.kubectl.kubeconfig, s.graph.URL(), s.graph.URL(), s.caFile, strings.Join(args, " "))
	manager, err := managerprocess.Start(managerprocess.Options{
		Binary:       binary,
		Kubeconfig:   s.kubectl.kubeconfig,
		GraphURL:     s.graph.URL(),
		AuthorityURL: s.graph.URL(),
		CAFile:       s.caFile,
		Args:         args,
		Log:          log,
	})
	if err != nil {
		return err
	}
	s.manager = manager

	_, _ = fmt.Fprintf(s.o.Out, "    waiting for http://%s/readyz\n", probeAddr)
	return s.waitReadyz(ctx, "http://"+probeAddr+"/readyz")
}

// waitReadyz polls the manager's readiness probe until it returns 200, the
// manager exits, or readyzTimeout passes.
func (s *session) waitReadyz(ctx context.Context, url string) error {
	client := &http.Client{Timeout: time.Second}
	ctx, cancel := context.WithTimeout(ctx, readyzTimeout)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		select {
		case err := <-s.manager.Done():
			return false, fmt.Errorf("the operator exited before it was ready: %w", err)
		default:
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return false, nil
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		s.printLogTail()
		return fmt.Errorf("the operator did not become ready: %w", err)
	}
	return nil
}

// printLogTail prints the last lines of the manager's log, for failures.
func (s *session) printLogTail() {
	data, err := os.ReadFile(s.logFile)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	_, _ = fmt.Fprintf(s.o.Out, "    last lines of the operator's log:\n      %s\n",
		strings.Join(lines, "\n      "))
}

// freeLoopbackAddr returns a loopback address with a port that was free a
// moment ago.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}
