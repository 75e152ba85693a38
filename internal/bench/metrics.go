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
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// sample is one line of the Prometheus text format: a metric name, its
// labels and its value.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// scrape reads the manager's metrics endpoint, which serves the Prometheus
// text format when the request names no other format.
func scrape(ctx context.Context, url string) ([]sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("failed to read the manager's metrics: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("failed to read the manager's metrics from %s: status %s", url, resp.Status)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics parses the Prometheus text format. It skips comments, and it
// reads only label values without commas, quotes or escapes, which is all
// that the metrics the harness reads contain.
func parseMetrics(r io.Reader) ([]sample, error) {
	var out []sample
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseSample(line)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, scanner.Err()
}

func parseSample(line string) (sample, error) {
	s := sample{labels: map[string]string{}}
	var rest string
	if open := strings.IndexByte(line, '{'); open >= 0 {
		end := strings.LastIndexByte(line, '}')
		if end < open {
			return s, fmt.Errorf("invalid metrics line %q: unclosed labels", line)
		}
		s.name = line[:open]
		for _, pair := range strings.Split(line[open+1:end], ",") {
			name, value, ok := strings.Cut(pair, "=")
			if ok {
				s.labels[strings.TrimSpace(name)] = strings.Trim(value, `"`)
			}
		}
		rest = line[end+1:]
	} else {
		name, after, _ := strings.Cut(line, " ")
		s.name, rest = name, after
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return s, fmt.Errorf("invalid metrics line %q: no value", line)
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return s, fmt.Errorf("invalid metrics line %q: %w", line, err)
	}
	s.value = v
	return s, nil
}

// apiRequests sums rest_client_requests_total, the manager's Kubernetes API
// requests, by HTTP method.
func apiRequests(samples []sample) map[string]float64 {
	out := map[string]float64{}
	for _, s := range samples {
		if s.name == "rest_client_requests_total" {
			out[s.labels["method"]] += s.value
		}
	}
	return out
}

// metricValue sums the samples named name over their labels.
func metricValue(samples []sample, name string) float64 {
	total := 0.0
	for _, s := range samples {
		if s.name == name {
			total += s.value
		}
	}
	return total
}

// subtract returns after minus before, method by method.
func subtract(after, before map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(after))
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// meanReconcile returns the mean duration of the reconciles between two
// scrapes, or 0 when there were none.
func meanReconcile(after, before []sample) time.Duration {
	sum := metricValue(after, "controller_runtime_reconcile_time_seconds_sum") -
		metricValue(before, "controller_runtime_reconcile_time_seconds_sum")
	count := metricValue(after, "controller_runtime_reconcile_time_seconds_count") -
		metricValue(before, "controller_runtime_reconcile_time_seconds_count")
	if count <= 0 {
		return 0
	}
	return time.Duration(sum / count * float64(time.Second))
}
