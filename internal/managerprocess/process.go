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

// Package managerprocess builds the operator's manager from this module and
// runs it as a child process, as the demo and the benchmark do. Its memory
// and CPU are then its own, and it reaches Graph as it would in a cluster.
package managerprocess

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Build compiles the manager in the module at root into out.
func Build(ctx context.Context, root, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out,
		"-ldflags", "-X main.version=local", ".")
	cmd.Dir = root
	output, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("failed to build the manager: %w\n%s", err, output)
	}
	return nil
}

// Options start a manager.
type Options struct {
	// Binary is the manager executable.
	Binary string
	// Kubeconfig is the kubeconfig file of the control plane.
	Kubeconfig string
	// GraphURL and AuthorityURL override the Graph and login hosts.
	GraphURL, AuthorityURL string
	// CAFile is the PEM file of the CA that Graph's certificate chains to.
	CAFile string
	// Args are further manager flags.
	Args []string
	// Log receives the manager's standard output and error.
	Log io.Writer
}

// Process is a running manager.
type Process struct {
	cmd  *exec.Cmd
	done chan error
}

// Start starts the manager with health probes on a free loopback port and
// metrics off, unless Args set them.
func Start(o Options) (*Process, error) {
	args := []string{
		"--kubeconfig=" + o.Kubeconfig,
		"--graph-url=" + o.GraphURL,
		"--authority-url=" + o.AuthorityURL,
		"--graph-ca-file=" + o.CAFile,
	}
	if !hasFlag(o.Args, "--health-probe-bind-address") {
		args = append(args, "--health-probe-bind-address=0")
	}
	args = append(args, o.Args...)
	cmd := exec.Command(o.Binary, args...)
	cmd.Stdout, cmd.Stderr = o.Log, o.Log
	// The manager must not inherit a kubeconfig or Azure settings of the
	// person running the demo.
	cmd.Env = filteredEnv()
	// Its own process group keeps the terminal's Ctrl-C away from the
	// manager, so that only the caller decides when and how it stops.
	// controller-runtime exits with status 1 on a second signal, which a
	// SIGINT followed by Stop's SIGTERM would be.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start the manager: %w", err)
	}
	p := &Process{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	return p, nil
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

func filteredEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "KUBECONFIG=") || strings.HasPrefix(kv, "AZURE_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// Pid returns the manager's process ID.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed with the exit error when the manager exits.
func (p *Process) Done() <-chan error { return p.done }

// Stop sends SIGTERM, waits up to grace for a clean exit, then kills.
func (p *Process) Stop(grace time.Duration) error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case err := <-p.done:
		return exitError(err)
	case <-time.After(grace):
		return errors.Join(
			fmt.Errorf("the manager did not stop within %s and was killed", grace),
			p.Kill())
	}
}

// Kill stops the manager at once with SIGKILL, as a node failure would, and
// waits for it to exit. It returns nil when the process ended by a signal.
func (p *Process) Kill() error {
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return exitError(<-p.done)
}

func exitError(err error) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() {
		return nil
	}
	return err
}

// Usage is the resource use of a process, read from /proc.
type Usage struct {
	// PeakRSS is the peak resident set size in bytes (VmHWM).
	PeakRSS int64
	// RSS is the current resident set size in bytes (VmRSS).
	RSS int64
	// CPU is the user plus system CPU time.
	CPU time.Duration
}

// ReadUsage reads the manager's memory and CPU use from /proc (Linux only).
func (p *Process) ReadUsage() (Usage, error) {
	return ReadUsage(p.Pid())
}

// ReadUsage reads a process's memory and CPU use from /proc (Linux only).
func ReadUsage(pid int) (Usage, error) {
	var u Usage
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return u, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		kib, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmHWM:":
			u.PeakRSS = kib * 1024
		case "VmRSS:":
			u.RSS = kib * 1024
		}
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return u, err
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: utime and stime are the 12th and 13th of them, in clock ticks.
	rest := string(stat[strings.LastIndexByte(string(stat), ')')+2:])
	fields := strings.Fields(rest)
	if len(fields) < 13 {
		return u, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, stat)
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	u.CPU = time.Duration(utime+stime) * time.Second / ticksPerSecond
	return u, nil
}
