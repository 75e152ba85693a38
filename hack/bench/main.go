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

// Command bench measures the operator against fleets of emulated tenants
// and prints one Markdown table. With -out it also writes the report,
// docs/benchmarks.md by default. It needs KUBEBUILDER_ASSETS, which
// `make bench` sets:
//
//	make bench BENCH_ARGS='-tenants 100,1000 -latency 50ms'
//	KUBEBUILDER_ASSETS=$PWD/bin/k8s/... go run ./hack/bench [flags]
//
// What each fleet size does is described in package internal/bench.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/securityoperator/security-operator/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		os.Exit(1)
	}
}

// options are the parsed flags.
type options struct {
	config bench.Config
	out    string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	o := options{config: bench.Config{
		Tenants: []int{100, 1000, 3000},
	}}
	c := &o.config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Func("tenants", "comma-separated fleet sizes, each measured on a new control plane "+
		"(default 100,1000,3000)", func(s string) error {
		sizes, err := parseSizes(s)
		c.Tenants = sizes
		return err
	})

	fs.DurationVar(&c.Latency, "latency", bench.DefaultLatency,
		"latency the Graph emulator adds to every request")
	fs.IntVar(&c.Concurrency, "concurrency", bench.DefaultConcurrency,
		"the manager's --max-concurrent-reconciles")
	fs.Float64Var(&c.KubeQPS, "kube-api-qps", bench.DefaultKubeQPS,
		"the manager's --kube-api-qps, in requests per second")
	fs.IntVar(&c.KubeBurst, "kube-api-burst", bench.DefaultKubeBurst, "the manager's --kube-api-burst")

	fs.Float64Var(&c.CreateQPS, "create-qps", bench.DefaultCreateQPS,
		"requests per second the harness sends to the API server to create and annotate objects")
	fs.DurationVar(&c.Timeout, "timeout", bench.DefaultTimeout,
		"time limit of each fleet size, from the start of its control plane to the stop of its manager")
	fs.Func("manager-arg", "further manager flag, such as --graph-timeout=10s; repeat for more",
		func(s string) error {
			c.ManagerArgs = append(c.ManagerArgs, s)
			return nil
		})

	fs.StringVar(&o.out, "out", "docs/benchmarks.md",
		"file to write the report to, relative to the working folder; empty writes none")

	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q: all options are flags", fs.Args())
	}
	return o, c.Validate()
}

// parseSizes parses a comma-separated list of fleet sizes.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, field := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("invalid fleet size %q: use positive integers separated by commas, "+
				"such as 100,1000", field)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	meta := bench.Meta{
		Machine: bench.ReadMachine(),
		Date:    time.Now(),
		Command: command(args),
		Config:  o.config,
	}
	o.config.Progress = stderr
	results, runErr := bench.Run(ctx, o.config)
	if len(results) > 0 {
		_, _ = fmt.Fprint(stdout, bench.Table(results))
	}
	if runErr != nil {
		return runErr
	}
	if o.out == "" {
		return nil
	}
	if err := os.WriteFile(o.out, []byte(bench.Report(results, meta)), 0o644); err != nil {
		return fmt.Errorf("failed to write the report: %w", err)
	}
	_, _ = fmt.Fprintf(stderr, "Wrote %s\n", o.out)
	return nil
}

// command renders the command line as `go run ./hack/bench` with the
// arguments given, quoting those that a shell would split.
func command(args []string) string {
	parts := []string{"go", "run", "./hack/bench"}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$\\|&;<>()*?") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
