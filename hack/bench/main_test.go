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

package main

import (
	"io"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/securityoperator/security-operator/internal/bench"
)

func TestParseFlagsDefaults(t *testing.T) {
	g := NewWithT(t)

	o, err := parseFlags(nil, io.Discard)

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.config.Tenants).To(Equal([]int{100, 1000, 3000}))
	g.Expect(o.config.Latency).To(Equal(50 * time.Millisecond))
	g.Expect(o.config.Concurrency).To(Equal(32))
	g.Expect(o.config.KubeQPS).To(Equal(float64(bench.DefaultKubeQPS)))
	g.Expect(o.out).To(Equal("docs/benchmarks.md"))
}

func TestParseFlagsValues(t *testing.T) {
	g := NewWithT(t)

	o, err := parseFlags([]string{"-tenants", "5, 10", "-latency", "5ms", "-out", "",
		"-manager-arg", "--graph-timeout=5s", "-manager-arg", "--zap-log-level=debug"}, io.Discard)

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(o.config.Tenants).To(Equal([]int{5, 10}))
	g.Expect(o.config.Latency).To(Equal(5 * time.Millisecond))
	g.Expect(o.config.ManagerArgs).To(Equal([]string{"--graph-timeout=5s", "--zap-log-level=debug"}))
	g.Expect(o.out).To(BeEmpty())
}

func TestParseFlagsInvalidSize(t *testing.T) {
	_, err := parseFlags([]string{"-tenants", "100,0"}, io.Discard)

	NewWithT(t).Expect(err).To(MatchError(ContainSubstring(`invalid fleet size "0"`)))
}

func TestParseFlagsInvalidConcurrency(t *testing.T) {
	_, err := parseFlags([]string{"-concurrency", "0"}, io.Discard)

	NewWithT(t).Expect(err).To(MatchError(ContainSubstring("invalid concurrency 0")))
}

func TestParseFlagsRejectsArguments(t *testing.T) {
	_, err := parseFlags([]string{"1000"}, io.Discard)

	NewWithT(t).Expect(err).To(MatchError(ContainSubstring(`unexpected arguments ["1000"]`)))
}

func TestCommandQuotesShellWords(t *testing.T) {
	got := command([]string{"-tenants", "100,1000", "-manager-arg", "--zap-log-level=debug mode", "-out", ""})

	NewWithT(t).Expect(got).To(Equal(
		"go run ./hack/bench -tenants 100,1000 -manager-arg '--zap-log-level=debug mode' -out ''"))
}
