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

package emulator

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// defaultLogSize is the number of requests kept per tenant.
const defaultLogSize = 1000

// tenant is the state of one emulated tenant. Its mutex guards every field
// but id and securityID, which never change.
type tenant struct {
	id         string
	securityID string

	mu        sync.Mutex
	apps      map[string]*app
	props     map[string]json.RawMessage
	behaviour Behaviour
	faults    []Fault
	windowEnd time.Time
	inWindow  int
	log       []Request
	logNext   int
	logSize   int
	counts    Counts
	// hanging is the number of requests that a Hang fault holds now.
	hanging int
}

// app is an app registration with its credentials. An app may have several
// of each, as in Microsoft Entra, which lets a test rotate with overlap.
type app struct {
	secrets    []string
	certs      []appCert
	assertions []string
}

// appCert is a registered certificate, found by its SHA-1 (x5t) or SHA-256
// (x5t#S256) thumbprint.
type appCert struct {
	sha1, sha256 []byte
	key          *rsa.PublicKey
}

func newTenant(id string, logSize int) *tenant {
	return &tenant{
		id:         id,
		securityID: securityID(id),
		apps:       map[string]*app{},
		props:      map[string]json.RawMessage{},
		logSize:    logSize,
	}
}

// securityID derives a stable GUID-shaped id for the tenant's security
// object, so that restarts of the emulator return the same id.
func securityID(tenantID string) string {
	h := sha256.Sum256([]byte("security/" + tenantID))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func (t *tenant) app(clientID string) *app {
	a, ok := t.apps[strings.ToLower(clientID)]
	if !ok {
		a = &app{}
		t.apps[strings.ToLower(clientID)] = a
	}
	return a
}

// takeFault removes and returns the first fault that applies to kind.
func (t *tenant) takeFault(kind string) (Fault, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, f := range t.faults {
		matches := f.Kind == kind || f.Kind == "" && (kind == KindGet || kind == KindPatch)
		if matches {
			t.faults = append(t.faults[:i:i], t.faults[i+1:]...)
			return f, true
		}
	}
	return Fault{}, false
}

func (t *tenant) addHanging(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.hanging += n
}

// overBudget counts a Graph request against the budget and reports whether
// it exceeds it, with the Retry-After value to send.
func (t *tenant) overBudget(now time.Time) (bool, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.behaviour
	if b.Budget <= 0 || b.BudgetWindow <= 0 {
		return false, ""
	}
	if !now.Before(t.windowEnd) {
		t.windowEnd = now.Add(b.BudgetWindow)
		t.inWindow = 0
	}
	if t.inWindow >= b.Budget {
		return true, firstNonEmpty(b.RetryAfter, "1")
	}
	t.inWindow++
	return false, ""
}

// record appends r to the log, overwriting the oldest entry when full, and
// updates the counters.
func (t *tenant) record(r Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch r.Kind {
	case KindToken:
		t.counts.Token++
	case KindDiscovery:
		t.counts.Discovery++
	case KindGet:
		t.counts.Get++
	case KindPatch:
		t.counts.Patch++
	}
	switch {
	case r.Status == 429:
		t.counts.Throttled++
	case r.Status >= 400 || r.Status == 0:
		t.counts.Errors++
	}
	if len(t.log) < t.logSize {
		t.log = append(t.log, r)
		return
	}
	t.log[t.logNext] = r
	t.logNext = (t.logNext + 1) % t.logSize
}

// requests returns a copy of the log, oldest first.
func (t *tenant) requests() []Request {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Request, 0, len(t.log))
	out = append(out, t.log[t.logNext:]...)
	return append(out, t.log[:t.logNext]...)
}

func (t *tenant) resetRequests() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.log, t.logNext, t.counts = nil, 0, Counts{}
}

// snapshot returns a copy of the stored properties.
func (t *tenant) snapshot() map[string]json.RawMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]json.RawMessage, len(t.props))
	for k, v := range t.props {
		out[k] = append(json.RawMessage(nil), v...)
	}
	return out
}

// merge applies props to the stored properties: names match without
// regard to case and keep their stored case, null deletes, and the names
// in drop are skipped. Values of the names in lowercase are lowercased.
func (t *tenant) merge(props map[string]json.RawMessage, drop, lowercase []string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for name, value := range props {
		if containsFold(drop, name) {
			continue
		}
		stored := storedName(t.props, name)
		if strings.TrimSpace(string(value)) == "null" {
			delete(t.props, stored)
			continue
		}
		v, err := normalise(value, containsFold(lowercase, name))
		if err != nil {
			return fmt.Errorf("property %q: %w", name, err)
		}
		t.props[stored] = v
	}
	return nil
}

// storedName returns the key of props that equals name without regard to
// case, or name itself when there is none.
func storedName(props map[string]json.RawMessage, name string) string {
	if _, ok := props[name]; ok {
		return name
	}
	for k := range props {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

func containsFold(list []string, name string) bool {
	for _, v := range list {
		if strings.EqualFold(v, name) {
			return true
		}
	}
	return false
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// lookupApp returns a copy of the app registration of clientID.
func (t *tenant) lookupApp(clientID string) (app, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.apps[strings.ToLower(clientID)]
	if !ok {
		return app{}, false
	}
	return app{
		secrets:    append([]string(nil), a.secrets...),
		certs:      append([]appCert(nil), a.certs...),
		assertions: append([]string(nil), a.assertions...),
	}, true
}

func (t *tenant) latency() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.behaviour.Latency
}

func (t *tenant) tokenLifetime() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.behaviour.TokenLifetime > 0 {
		return t.behaviour.TokenLifetime
	}
	return defaultTokenLifetime
}
