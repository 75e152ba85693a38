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
	"fmt"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"
)

func TestDecisionCacheExpires(t *testing.T) {
	g := NewWithT(t)
	c := newDecisionCache(8)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	key := cacheKey("token", "get", "/metrics")
	c.put(key, decision{status: http.StatusOK, user: "scraper"}, now, time.Minute)

	d, ok := c.get(key, now.Add(59*time.Second))
	g.Expect(ok).To(BeTrue())
	g.Expect(d.status).To(Equal(http.StatusOK))

	_, ok = c.get(key, now.Add(time.Minute))
	g.Expect(ok).To(BeFalse(), "expired at its TTL")
	_, ok = c.get(cacheKey("token", "get", "/debug"), now)
	g.Expect(ok).To(BeFalse(), "another path is another decision")
}

func TestDecisionCacheStaysBounded(t *testing.T) {
	g := NewWithT(t)
	c := newDecisionCache(8)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for i := range 100 {
		c.put(cacheKey(fmt.Sprint("token-", i), "get", "/metrics"), decision{status: http.StatusOK}, now, time.Minute)
		g.Expect(len(c.entries)).To(BeNumerically("<=", 8))
	}
	_, ok := c.get(cacheKey("token-99", "get", "/metrics"), now)
	g.Expect(ok).To(BeTrue(), "the newest entry survives a purge")
}

func TestBearerToken(t *testing.T) {
	g := NewWithT(t)
	cases := map[string]string{
		"Bearer abc":   "abc",
		"bearer abc ":  "abc",
		"Bearer ":      "",
		"Basic abc":    "",
		"":             "",
		"Bearerabc":    "",
		"Bearer a b c": "a b c",
	}
	for header, want := range cases {
		req, err := http.NewRequest(http.MethodGet, "https://127.0.0.1/metrics", nil)
		g.Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Authorization", header)
		token, ok := bearerToken(req)
		g.Expect(token).To(Equal(want), "header %q", header)
		g.Expect(ok).To(Equal(want != ""), "header %q", header)
	}
}
