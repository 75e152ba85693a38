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
	"sort"
	"sync"
)

// secretLog keeps every credential and token value the server has seen,
// so that tests can check that none of them leaks.
type secretLog struct {
	mu     sync.Mutex
	values map[string]struct{}
}

func (l *secretLog) add(value string) {
	if value == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.values == nil {
		l.values = map[string]struct{}{}
	}
	l.values[value] = struct{}{}
}

// SecretValues returns, sorted, every client secret and federated assertion
// registered with the server, every client secret, client assertion and
// bearer token sent to it, and every access token it issued, since it
// started. Tests use it to check that logs, events and status never contain
// one. The values stay in memory for the server's lifetime.
func (s *Server) SecretValues() []string {
	s.secrets.mu.Lock()
	defer s.secrets.mu.Unlock()
	out := make([]string, 0, len(s.secrets.values))
	for v := range s.secrets.values {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
