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

package controllers_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/emulator"
)

// Every fault scenario gives its tenant this Graph request budget. Its
// rate, 120 requests per minute, is below Graph's documented 150 per app and
// tenant, and its short window shows a retry storm of a few seconds.
const (
	faultBudget       = 20
	faultBudgetWindow = 10 * time.Second
	// extraRequests bounds the Graph requests of a scenario beyond the
	// injected faults: a GET, a PATCH, and the retried ones after the
	// fault.
	extraRequests = 4
)

// requestIDPattern matches Graph's request-id in a condition message.
const requestIDPattern = `; request-id [0-9a-f-]{36}`

// faultScenario is one tenant whose Graph values are known before the
// operator changes any, so that the invariants can be checked after a fault.
type faultScenario struct {
	tn     *tenant
	key    types.NamespacedName
	before map[string]any
	spec   map[string]any
	// faults are the faults injected for the scenario.
	faults []emulator.Fault
	// secretChanges counts the new client secrets written to the Secret,
	// each of which costs a token request.
	secretChanges int
}

// startFaultScenario registers the tenant, sets its Graph values, injects
// faults with the scenario budget, and creates the Security.
func startFaultScenario(t *testing.T, faults ...emulator.Fault) *faultScenario {
	t.Helper()
	s := &faultScenario{
		tn:     newTenant(t),
		before: map[string]any{"level": 1, "mode": "audit", "untouched": "keep"},
		spec:   map[string]any{"level": 3, "mode": "enforce", "added": true},
		faults: faults,
	}
	s.tn.setGraph(t, s.before)
	graphEmulator.SetBehaviour(s.tn.id, emulator.Behaviour{
		Budget: faultBudget, BudgetWindow: faultBudgetWindow, Faults: faults,
	})
	s.key = s.tn.security(t, "faults", s.spec)
	return s
}

// removeFaults clears the faults that are left, keeping the budget.
func (s *faultScenario) removeFaults() {
	graphEmulator.SetBehaviour(s.tn.id, emulator.Behaviour{
		Budget: faultBudget, BudgetWindow: faultBudgetWindow,
	})
}

// expectFailure waits for the reason and checks the condition message:
// Graph's or Microsoft Entra's error code when set, and the request-id when
// the server sent one.
func (s *faultScenario) expectFailure(t *testing.T, reason, code string, requestID bool) *v1alpha1.Security {
	t.Helper()
	g := NewWithT(t)
	obj := waitForReason(t, s.key, reason)
	ready := condition(obj, v1alpha1.ConditionReady)
	g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
	if code != "" {
		g.Expect(ready.Message).To(ContainSubstring(": "+code+":"), "Graph's error code")
	}
	if requestID {
		g.Expect(ready.Message).To(MatchRegexp(requestIDPattern), "Graph's request-id")
	} else {
		g.Expect(ready.Message).NotTo(MatchRegexp(requestIDPattern), "no request-id was sent")
	}
	g.Expect(ready.Message).NotTo(ContainSubstring(s.tn.clientSecret))
	return obj
}

// expectRecovered checks the invariants that must hold once a fault is
// gone: Ready with Graph equal to the spec, original values from before the
// first change, PATCH bodies with only spec properties and spec values, the
// budget kept, and a bounded number of Graph requests. Last it requests a
// resync and checks that a tenant in sync costs one GET and no PATCH, so
// that a reconcile loop would show.
func (s *faultScenario) expectRecovered(t *testing.T) {
	t.Helper()
	g := NewWithT(t)
	obj := waitForReason(t, s.key, v1alpha1.ReasonSynced)

	g.Expect(condition(obj, v1alpha1.ConditionReady).Status).To(Equal(metav1.ConditionTrue))
	for name, want := range s.spec {
		g.Expect(s.tn.graphValue(name)).To(Equal(decoded(t, want)), "Graph value of %s", name)
	}
	g.Expect(s.tn.graphValue("untouched")).To(Equal("keep"))
	expectOriginals(t, obj, s.before, s.spec)
	expectPatchesWithinSpec(t, s.tn, s.spec)
	expectBudgetKept(t, s.tn, faultBudget, faultBudgetWindow)

	expectRetryAfterHonoured(t, s.tn, s.faults)
	counts := s.tn.counts()
	g.Expect(counts.Get+counts.Patch).To(BeNumerically("<=", len(s.faults)+extraRequests),
		"Graph requests of the scenario")
	g.Expect(counts.Throttled).To(Equal(int64(s.injected429s())), "429s beyond the injected ones")
	g.Expect(counts.Token).To(BeNumerically("<=", s.tokenFaults()+s.secretChanges+2),
		"token requests of the scenario")

	before := s.tn.counts()
	requestResync(t, s.key)
	after := s.tn.counts()
	g.Expect(after.Get-before.Get).To(Equal(int64(1)), "GETs of a resync in sync")
	g.Expect(after.Patch-before.Patch).To(BeZero(), "PATCHes of a resync in sync")
}

func (s *faultScenario) tokenFaults() int {
	n := 0
	for _, f := range s.faults {
		if f.Kind == "token" {
			n++
		}
	}
	return n
}

func (s *faultScenario) injected429s() int {
	n := 0
	for _, f := range s.faults {
		if f.Status == 429 && f.Kind != "token" {
			n++
		}
	}
	return n
}

// expectOriginals checks that status.originalProperties holds, for each
// spec property that the operator changed, the value Graph had before, or
// null when Graph had none, and nothing else.
func expectOriginals(t *testing.T, obj *v1alpha1.Security, before, spec map[string]any) {
	t.Helper()
	g := NewWithT(t)
	want := map[string]any{}
	for name, value := range spec {
		old, ok := before[name]
		switch {
		case !ok:
			want[name] = nil
		case !equalJSON(t, old, value):
			want[name] = decoded(t, old)
		}
	}
	got := map[string]any{}
	for name, value := range obj.Status.OriginalProperties {
		got[name] = nil
		if len(value.Raw) > 0 {
			var v any
			g.Expect(json.Unmarshal(value.Raw, &v)).To(Succeed())
			got[name] = v
		}
	}
	g.Expect(got).To(Equal(want), "status.originalProperties")
}

// expectPatchesWithinSpec checks every PATCH body the tenant received:
// only spec properties, each with its spec value, and the OData type.
func expectPatchesWithinSpec(t *testing.T, tn *tenant, spec map[string]any) {
	t.Helper()
	g := NewWithT(t)
	for i, body := range tn.patches() {
		for name, value := range body {
			if name == "@odata.type" {
				continue
			}
			g.Expect(spec).To(HaveKey(name), "PATCH %d sent a property absent from the spec", i)
			g.Expect(value).To(Equal(decoded(t, spec[name])), "PATCH %d value of %s", i, name)
		}
	}
}

// expectBudgetKept checks from the request log that no window of the given
// length contains more Graph requests than the budget, faulted ones
// included.
func expectBudgetKept(t *testing.T, tn *tenant, budget int, window time.Duration) {
	t.Helper()
	var times []time.Time
	for _, r := range graphEmulator.Requests(tn.id) {
		if r.Kind == emulator.KindGet || r.Kind == emulator.KindPatch {
			times = append(times, r.Time)
		}
	}
	// The log is in order of completion; a request held open completes late.
	slices.SortFunc(times, time.Time.Compare)
	maxInWindow := 0
	for i := range times {
		n := 0
		for _, other := range times[i:] {
			if other.Sub(times[i]) < window {
				n++
			}
		}
		maxInWindow = max(maxInWindow, n)
	}
	NewWithT(t).Expect(maxInWindow).To(BeNumerically("<=", budget),
		"Graph requests in one %s window", window)
}

// expectRetryAfterHonoured checks that every Graph request that followed
// an injected 429 with Retry-After came at least that long after it. The
// log keeps arrival times, and the client waits after the response, so the
// gap between arrivals is a lower bound of the wait.
func expectRetryAfterHonoured(t *testing.T, tn *tenant, faults []emulator.Fault) {
	t.Helper()
	g := NewWithT(t)
	var wait time.Duration
	for _, f := range faults {
		if f.Status == 429 && f.RetryAfter != "" && f.Kind != "token" {
			seconds, err := strconv.ParseFloat(f.RetryAfter, 64)
			g.Expect(err).NotTo(HaveOccurred())
			wait = time.Duration(seconds * float64(time.Second))
		}
	}
	if wait == 0 {
		return
	}
	var graphRequests []emulator.Request
	for _, r := range graphEmulator.Requests(tn.id) {
		if r.Kind == emulator.KindGet || r.Kind == emulator.KindPatch {
			graphRequests = append(graphRequests, r)
		}
	}
	for i := 1; i < len(graphRequests); i++ {
		if previous := graphRequests[i-1]; previous.Status == 429 {
			g.Expect(graphRequests[i].Time.Sub(previous.Time)).To(BeNumerically(">=", wait),
				"wait after the 429 at %s", previous.Time)
		}
	}
}

// decoded returns v as encoding/json decodes it into an any, such as
// float64 for numbers.
func decoded(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	var out any
	NewWithT(t).Expect(json.Unmarshal(raw, &out)).To(Succeed())
	return out
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	return reflect.DeepEqual(decoded(t, a), decoded(t, b))
}

func TestGraphStatusFaults(t *testing.T) {
	cases := []struct {
		name    string
		faults  []emulator.Fault
		reason  string
		code    string
		message string
	}{
		{
			name:   "429 with Retry-After",
			faults: repeat(emulator.Fault{Kind: "get", Status: 429, RetryAfter: "1"}, 3),
			reason: v1alpha1.ReasonThrottled, code: "TooManyRequests", message: "retry after 1s",
		},
		{
			name:   "429 with fractional Retry-After",
			faults: repeat(emulator.Fault{Kind: "get", Status: 429, RetryAfter: "0.75"}, 3),
			reason: v1alpha1.ReasonThrottled, code: "TooManyRequests", message: "retry after 750ms",
		},
		{
			name:   "429 without Retry-After",
			faults: repeat(emulator.Fault{Kind: "get", Status: 429}, 3),
			reason: v1alpha1.ReasonThrottled, code: "TooManyRequests", message: "retry after",
		},
		{
			name:   "429 on PATCH",
			faults: repeat(emulator.Fault{Kind: "patch", Status: 429, RetryAfter: "0.5"}, 3),
			reason: v1alpha1.ReasonThrottled, code: "TooManyRequests", message: "graph PATCH",
		},
		{
			name:   "500",
			faults: []emulator.Fault{{Kind: "get", Status: 500}},
			reason: v1alpha1.ReasonGraphUnavailable, code: "generalException", message: "status 500",
		},
		{
			name:   "502",
			faults: repeat(emulator.Fault{Kind: "get", Status: 502}, 3),
			reason: v1alpha1.ReasonGraphUnavailable, code: "BadGateway", message: "status 502",
		},
		{
			name:   "503",
			faults: repeat(emulator.Fault{Kind: "get", Status: 503, RetryAfter: "0.2"}, 3),
			reason: v1alpha1.ReasonGraphUnavailable, code: "serviceNotAvailable", message: "status 503",
		},
		{
			name:   "503 on PATCH",
			faults: repeat(emulator.Fault{Kind: "patch", Status: 503}, 3),
			reason: v1alpha1.ReasonGraphUnavailable, code: "serviceNotAvailable", message: "graph PATCH",
		},
		{
			name:   "504",
			faults: repeat(emulator.Fault{Kind: "get", Status: 504}, 3),
			reason: v1alpha1.ReasonGraphUnavailable, code: "GatewayTimeout", message: "status 504",
		},
		{
			name:   "504 after PATCH stored",
			faults: repeat(emulator.Fault{Kind: "patch", Status: 504, AfterApply: true}, 3),
			reason: v1alpha1.ReasonGraphUnavailable, code: "GatewayTimeout", message: "graph PATCH",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startFaultScenario(t, tc.faults...)

			obj := s.expectFailure(t, tc.reason, tc.code, true)
			g := NewWithT(t)
			g.Expect(condition(obj, v1alpha1.ConditionReady).Message).To(ContainSubstring(tc.message))
			g.Expect(condition(obj, v1alpha1.ConditionReconciling)).NotTo(BeNil())
			g.Expect(condition(obj, v1alpha1.ConditionStalled)).To(BeNil())
			s.removeFaults()

			s.expectRecovered(t)
		})
	}
}
