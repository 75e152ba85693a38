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

package credentials

import (
	"context"
	"slices"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// expiryMargin is how long before its expiry a token stops being reused.
// MSAL uses the same five minutes, so a token lives as long as it did when
// azidentity kept it.
const expiryMargin = 5 * time.Minute

// tokenCredential is the credential that Cache hands out. It keeps the
// last token and builds an azidentity credential only to request a new
// one, and drops it after the request. An azidentity credential contains
// an MSAL client with its own token cache, authority metadata and HTTP
// pipeline, about 9 KiB in a heap profile, and one operator keeps a
// credential per tenant.
type tokenCredential struct {
	src   Source
	build func(Source) (azcore.TokenCredential, error)
	now   func() time.Time
	// first is the azidentity credential that Cache built to check src. The
	// first token request uses it instead of building another.
	first azcore.TokenCredential
	// lock is a one-slot semaphore rather than a mutex, so that a caller
	// waiting for another caller's token request can give up with its
	// context.
	lock   chan struct{}
	token  azcore.AccessToken
	scopes []string
}

func newTokenCredential(
	src Source,
	first azcore.TokenCredential,
	build func(Source) (azcore.TokenCredential, error),
	now func() time.Time,
) *tokenCredential {
	return &tokenCredential{
		src: src, first: first, build: build, now: now,
		lock: make(chan struct{}, 1),
	}
}

// GetToken implements azcore.TokenCredential. It returns the last token
// while it is valid for the same scopes for more than expiryMargin and
// before its refresh time, and otherwise requests a new one. Concurrent
// callers wait for each other, so the second one reuses the first one's
// token.
func (t *tokenCredential) GetToken(
	ctx context.Context,
	opts policy.TokenRequestOptions,
) (azcore.AccessToken, error) {
	select {
	case t.lock <- struct{}{}:
	case <-ctx.Done():
		return azcore.AccessToken{}, ctx.Err()
	}
	defer func() { <-t.lock }()

	now := t.now()
	reusable := t.reusable(opts, now)
	if reusable && (t.token.RefreshOn.IsZero() || now.Before(t.token.RefreshOn)) {
		return t.token, nil
	}
	token, err := t.request(ctx, opts)
	if err != nil {
		if reusable {
			// Past its refresh time but still valid: MSAL also keeps the
			// old token when the early refresh fails.
			return t.token, nil
		}
		return azcore.AccessToken{}, err
	}
	if opts.TenantID == "" {
		// A token for another tenant must not be returned to later requests
		// for this credential's own tenant.
		t.token, t.scopes = token, slices.Clone(opts.Scopes)
	}
	return token, nil
}

// reusable reports whether the last token is valid for opts at now. A
// claims challenge always needs a new token.
func (t *tokenCredential) reusable(opts policy.TokenRequestOptions, now time.Time) bool {
	return t.token.Token != "" &&
		opts.Claims == "" && opts.TenantID == "" &&
		slices.Equal(t.scopes, opts.Scopes) &&
		now.Add(expiryMargin).Before(t.token.ExpiresOn)
}

func (t *tokenCredential) request(
	ctx context.Context,
	opts policy.TokenRequestOptions,
) (azcore.AccessToken, error) {
	cred := t.first
	t.first = nil
	if cred == nil {
		var err error
		if cred, err = t.build(t.src); err != nil {
			return azcore.AccessToken{}, err
		}
	}
	return cred.GetToken(ctx, opts)
}

// clear drops the last token, so that the next GetToken requests a new
// one. It waits for a token request in flight.
func (t *tokenCredential) clear() {
	t.lock <- struct{}{}
	t.token, t.scopes = azcore.AccessToken{}, nil
	<-t.lock
}
