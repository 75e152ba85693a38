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

package controllers

import (
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

var (
	readyGauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "securityoperator_security_ready",
		Help: "1 when the Security's Ready condition is True, else 0.",
	}, []string{"namespace", "name"})
	stalledGauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "securityoperator_security_stalled",
		Help: "1 when the Security's Stalled condition is True, else 0.",
	}, []string{"namespace", "name"})
	patchesTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "securityoperator_patches_total",
		Help: "PATCH requests that Graph accepted for spec properties.",
	})
	driftTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "securityoperator_drift_detected_total",
		Help: "Times a tenant was found to differ from its spec after having matched it, " +
			"or with driftPolicy Report.",
	})
)

func init() {
	metrics.Registry.MustRegister(readyGauge, stalledGauge, patchesTotal, driftTotal)
}

func recordObjectMetrics(obj *v1alpha1.Security, out outcome) {
	readyGauge.WithLabelValues(obj.Namespace, obj.Name).Set(boolValue(out.ready))
	stalledGauge.WithLabelValues(obj.Namespace, obj.Name).Set(boolValue(out.stalled))
}

func deleteObjectMetrics(key types.NamespacedName) {
	readyGauge.DeleteLabelValues(key.Namespace, key.Name)
	stalledGauge.DeleteLabelValues(key.Namespace, key.Name)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
