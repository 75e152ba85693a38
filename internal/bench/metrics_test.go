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
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

const exposition = `# HELP rest_client_requests_total Number of HTTP requests.
# TYPE rest_client_requests_total counter
rest_client_requests_total{code="200",host="127.0.0.1:6443",method="GET"} 7
rest_client_requests_total{code="200",host="127.0.0.1:6443",method="PUT"} 20
rest_client_requests_total{code="409",host="127.0.0.1:6443",method="PUT"} 1
controller_runtime_reconcile_time_seconds_sum{controller="security"} 3.5
controller_runtime_reconcile_time_seconds_count{controller="security"} 10
go_goroutines 92
`

func TestParseMetricsSamples(t *testing.T) {
	g := NewWithT(t)

	samples, err := parseMetrics(strings.NewReader(exposition))

	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(samples).To(HaveLen(6))
	g.Expect(samples[0].name).To(Equal("rest_client_requests_total"))
	g.Expect(samples[0].labels).To(HaveKeyWithValue("method", "GET"))
	g.Expect(samples[0].value).To(Equal(7.0))
	g.Expect(metricValue(samples, "go_goroutines")).To(Equal(92.0))
}

func TestParseMetricsInvalidValue(t *testing.T) {
	_, err := parseMetrics(strings.NewReader("go_goroutines many\n"))

	NewWithT(t).Expect(err).To(MatchError(ContainSubstring(`invalid metrics line "go_goroutines many"`)))
}

func TestAPIRequestsByMethod(t *testing.T) {
	g := NewWithT(t)
	samples, err := parseMetrics(strings.NewReader(exposition))
	g.Expect(err).NotTo(HaveOccurred())

	byMethod := apiRequests(samples)

	g.Expect(byMethod).To(Equal(map[string]float64{"GET": 7, "PUT": 21}))
	g.Expect(subtract(byMethod, map[string]float64{"GET": 7, "PUT": 1})).To(Equal(map[string]float64{"PUT": 20}))
}

func TestMeanReconcileBetweenScrapes(t *testing.T) {
	g := NewWithT(t)
	after, err := parseMetrics(strings.NewReader(exposition))
	g.Expect(err).NotTo(HaveOccurred())
	before, err := parseMetrics(strings.NewReader(
		"controller_runtime_reconcile_time_seconds_sum 0.5\ncontroller_runtime_reconcile_time_seconds_count 4\n"))
	g.Expect(err).NotTo(HaveOccurred())

	g.Expect(meanReconcile(after, before)).To(Equal(500 * time.Millisecond))
	g.Expect(meanReconcile(after, after)).To(BeZero())
}
