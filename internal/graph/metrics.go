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

package graph

import (
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the Prometheus metrics of Graph and token requests. Their
// labels have a fixed, small set of values: there is no tenant label, so a
// thousand tenants cost no more series than one. A nil *Metrics records
// nothing.
type Metrics struct {
	requests       *prometheus.CounterVec
	latency        *prometheus.HistogramVec
	tokenRequests  *prometheus.CounterVec
	retryWaits     *prometheus.CounterVec
	retryWaitTime  *prometheus.CounterVec
	credentialsLen prometheus.Gauge
}

// Token request results, the values of the result label of
// securityoperator_graph_token_requests_total.
const (
	TokenResultSuccess   = "success"
	TokenResultRejected  = "rejected"
	TokenResultThrottled = "throttled"
	TokenResultError     = "error"
	TokenResultNoAnswer  = "no_response"
)

// NewMetrics creates the metrics without registering them.
func NewMetrics() *Metrics {
	const ns, sub = "securityoperator", "graph"
	return &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "requests_total",
			Help: "Graph request attempts by HTTP method, status code (0 without a " +
				"response) and class (OK or the error class).",
		}, []string{"method", "code", "class"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "request_duration_seconds",
			Help:    "Duration of Graph request attempts in seconds, by HTTP method.",
			Buckets: []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method"}),
		tokenRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "token_requests_total",
			Help: "Requests to the Microsoft Entra token endpoint by result: success, " +
				"rejected (4xx), throttled (429), error (5xx) or no_response.",
		}, []string{"result"}),
		retryWaits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "throttle_waits_total",
			Help: "Waits before an in-call retry of a Graph request, by the class " +
				"of the failure (Throttled or Unavailable).",
		}, []string{"class"}),
		retryWaitTime: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "throttle_wait_seconds_total",
			Help: "Seconds spent waiting before in-call retries of Graph requests, " +
				"by the class of the failure.",
		}, []string{"class"}),
		credentialsLen: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "cached_credentials",
			Help: "Token credentials held by the credential cache, one per tenant and app.",
		}),
	}
}

// Register creates the metrics and registers them with registry.
func Register(registry prometheus.Registerer) (*Metrics, error) {
	m := NewMetrics()
	return m, m.Register(registry)
}

// Register registers the metrics with registry. It fails when any of them
// is already registered.
func (m *Metrics) Register(registry prometheus.Registerer) error {
	var errs []error
	for _, c := range m.collectors() {
		errs = append(errs, registry.Register(c))
	}
	return errors.Join(errs...)
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{
		m.requests, m.latency, m.tokenRequests, m.retryWaits, m.retryWaitTime,
		m.credentialsLen,
	}
}

// observeRequest records one Graph request attempt. class is "" for a
// success.
func (m *Metrics) observeRequest(method string, status int, class Class, d time.Duration) {
	if m == nil {
		return
	}
	label := string(class)
	if label == "" {
		label = "OK"
	}
	m.requests.WithLabelValues(method, strconv.Itoa(status), label).Inc()
	m.latency.WithLabelValues(method).Observe(d.Seconds())
}

// observeWait records a wait before an in-call retry.
func (m *Metrics) observeWait(class Class, d time.Duration) {
	if m == nil {
		return
	}
	m.retryWaits.WithLabelValues(string(class)).Inc()
	m.retryWaitTime.WithLabelValues(string(class)).Add(d.Seconds())
}

// ObserveTokenRequest records one request to the token endpoint that got
// the HTTP status, or no response when failed is true.
func (m *Metrics) ObserveTokenRequest(status int, failed bool) {
	if m == nil {
		return
	}
	m.tokenRequests.WithLabelValues(tokenResult(status, failed)).Inc()
}

func tokenResult(status int, failed bool) string {
	switch {
	case failed:
		return TokenResultNoAnswer
	case status == 429:
		return TokenResultThrottled
	case status >= 500:
		return TokenResultError
	case status >= 400:
		return TokenResultRejected
	default:
		return TokenResultSuccess
	}
}

// SetCachedCredentials records how many credentials the cache holds.
func (m *Metrics) SetCachedCredentials(n int) {
	if m == nil {
		return
	}
	m.credentialsLen.Set(float64(n))
}
