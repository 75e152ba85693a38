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
	"sync"
	"time"
)

// issuedToken is the grant behind an access token.
type issuedToken struct {
	tenantID string
	clientID string
	audience string
	expires  time.Time
	// credential names the registered credential that the token was issued
	// for, such as "secret 0".
	credential string
}

// tokenStore maps access tokens to their grant. Expired tokens are swept
// when the store has grown, so its size follows the number of live tokens.
type tokenStore struct {
	mu        sync.Mutex
	tokens    map[string]issuedToken
	nextSweep int
}

func (s *tokenStore) issue(t issuedToken) string {
	now := time.Now()
	token := accessToken(t, now)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tokens) >= s.nextSweep {
		for k, v := range s.tokens {
			if !v.expires.After(now) {
				delete(s.tokens, k)
			}
		}
		s.nextSweep = max(2*len(s.tokens), 1024)
	}
	s.tokens[token] = t
	return token
}

// lookup returns the grant of a token that exists and has not expired.
func (s *tokenStore) lookup(token string, now time.Time) (issuedToken, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[token]
	if !ok || !t.expires.After(now) {
		return issuedToken{}, false
	}
	return t, true
}

// revoke deletes the tokens of a tenant.
func (s *tokenStore) revoke(tenantID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.tokens {
		if v.tenantID == tenantID {
			delete(s.tokens, k)
		}
	}
}
