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
	"github.com/securityoperator/security-operator/internal/emulator"
)

// collectRequests reads the request counts of every tenant and of the
// unattributed log, then resets them so that the next phase counts from
// zero.
func collectRequests(s *emulator.Server, tenants []tenant) RequestStats {
	var st RequestStats
	for i, t := range tenants {
		c := s.Counts(t.id)
		st.add(c, i == 0)
		s.ResetRequests(t.id)
	}
	st.Unattributed = s.Counts("")
	s.ResetRequests("")
	return st
}

// add adds one tenant's counts. first is true for the first tenant, whose
// counts start the minimums.
func (st *RequestStats) add(c emulator.Counts, first bool) {
	kinds := []struct {
		value            int64
		low, high, total *int64
	}{
		{c.Token, &st.Min.Token, &st.Max.Token, &st.Total.Token},
		{c.Discovery, &st.Min.Discovery, &st.Max.Discovery, &st.Total.Discovery},
		{c.Get, &st.Min.Get, &st.Max.Get, &st.Total.Get},
		{c.Patch, &st.Min.Patch, &st.Max.Patch, &st.Total.Patch},
		{c.Throttled, &st.Min.Throttled, &st.Max.Throttled, &st.Total.Throttled},
		{c.Errors, &st.Min.Errors, &st.Max.Errors, &st.Total.Errors},
	}
	for _, k := range kinds {
		if first || k.value < *k.low {
			*k.low = k.value
		}
		*k.high = max(*k.high, k.value)
		*k.total += k.value
	}
	st.MaxRoundTrips = max(st.MaxRoundTrips, c.Token+c.Get+c.Patch)
}
