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

package metricsauth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// decisionCache keeps recent decisions by a hash of token, verb and path.
// It holds at most max entries: when full, it drops the expired ones, and
// all of them if none has expired, so that callers with many tokens cannot
// grow it without bound.
type decisionCache struct {
	mu      sync.Mutex
	max     int
	entries map[[sha256.Size]byte]cachedDecision
}

type cachedDecision struct {
	decision
	expires time.Time
}

func newDecisionCache(maxEntries int) *decisionCache {
	return &decisionCache{max: maxEntries, entries: map[[sha256.Size]byte]cachedDecision{}}
}

// get returns the decision for key unless it is missing or expired at now.
func (c *decisionCache) get(key [sha256.Size]byte, now time.Time) (decision, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.expires) {
		return decision{}, false
	}
	return e.decision, true
}

// put stores d for key from now until ttl has passed.
func (c *decisionCache) put(key [sha256.Size]byte, d decision, now time.Time, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
	}
	c.entries[key] = cachedDecision{decision: d, expires: now.Add(ttl)}
}
