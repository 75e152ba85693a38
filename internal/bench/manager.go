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
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/securityoperator/security-operator/internal/managerprocess"
)

// logWorkersStarted is the message that controller-runtime (v0.25) logs
// once the controller's caches have synced and its workers start.
const logWorkersStarted = "Starting workers"

// managerStopGrace is how long the manager may take to stop after SIGTERM.
const managerStopGrace = 30 * time.Second

// manager is a running manager process and the file its output goes to.
type manager struct {
	process    *managerprocess.Process
	log        *logWatch
	file       *os.File
	metricsURL string
}

// managerConfig contains the files and URLs of one manager process.
type managerConfig struct {
	binary, kubeconfig, logPath string
	graphURL, caFile            string
}

// startManager starts the manager with the metrics endpoint on a free
// loopback port over plain HTTP, and waits until its workers started.
func startManager(ctx context.Context, c Config, mc managerConfig) (*manager, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	file, err := os.Create(mc.logPath)
	if err != nil {
		return nil, fmt.Errorf("failed to create the manager's log file: %w", err)
	}
	watch := &logWatch{out: file, started: make(chan struct{})}
	args := []string{
		"--max-concurrent-reconciles=" + strconv.Itoa(c.Concurrency),
		"--kube-api-qps=" + strconv.FormatFloat(c.KubeQPS, 'f', -1, 64),
		"--kube-api-burst=" + strconv.Itoa(c.KubeBurst),
		"--metrics-bind-address=127.0.0.1:" + strconv.Itoa(port),
		"--metrics-secure=false",
	}
	p, err := managerprocess.Start(managerprocess.Options{
		Binary:       mc.binary,
		Kubeconfig:   mc.kubeconfig,
		GraphURL:     mc.graphURL,
		AuthorityURL: mc.graphURL,
		CAFile:       mc.caFile,
		Args:         append(args, c.ManagerArgs...),
		Log:          watch,
	})
	if err != nil {
		return nil, errors.Join(err, file.Close())
	}
	m := &manager{process: p, log: watch, file: file, metricsURL: fmt.Sprintf("http://127.0.0.1:%d/metrics", port)}
	select {
	case <-watch.started:
		return m, nil
	case err := <-p.Done():
		return nil, errors.Join(fmt.Errorf("the manager exited before its workers started: %w", err), file.Close())
	case <-ctx.Done():
		return nil, errors.Join(fmt.Errorf("the manager's workers did not start: %w", ctx.Err()), m.stop())
	}
}

// stop stops the manager and closes its log file.
func (m *manager) stop() error {
	return errors.Join(m.process.Stop(managerStopGrace), m.file.Close())
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("failed to find a free port: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return port, ln.Close()
}

// logWatch copies the manager's output to a file, and watches it for the
// start of the workers.
type logWatch struct {
	out     *os.File
	started chan struct{}

	mu        sync.Mutex
	partial   []byte
	seenStart bool
}

func (l *logWatch) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.scan(l.partial[:i])
		l.partial = l.partial[i+1:]
	}
	return l.out.Write(p)
}

func (l *logWatch) scan(line []byte) {
	if !l.seenStart && bytes.Contains(line, []byte(logWorkersStarted)) {
		l.seenStart = true
		close(l.started)
	}
}

// readFileRSS reads RssFile, the resident memory backed by files, of a
// process from /proc (Linux only), in bytes.
func readFileRSS(pid int) (int64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, fmt.Errorf("failed to read the manager's memory use: %w", err)
	}
	fields := strings.Fields(procField(string(b), "RssFile"))
	if len(fields) == 0 {
		return 0, fmt.Errorf("no RssFile in /proc/%d/status", pid)
	}
	kib, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid RssFile in /proc/%d/status: %w", pid, err)
	}
	return kib * 1024, nil
}
