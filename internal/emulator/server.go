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
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a Server.
type Options struct {
	// Addr is the listen address. The default "127.0.0.1:0" picks a free port.
	// Only loopback addresses are accepted.
	Addr string
	// Latency is added to every request: token, discovery, GET and PATCH.
	Latency time.Duration
	// RequestLogSize is the number of requests kept per tenant. Default
	// 1000.
	RequestLogSize int
}

// Server is a running emulator. All methods are safe for concurrent use.
type Server struct {
	o      Options
	url    string
	caPEM  []byte
	http   *http.Server
	ln     net.Listener
	admin  *http.ServeMux
	done   chan struct{}
	closed sync.Once

	mu      sync.RWMutex
	tenants map[string]*tenant
	// unattributed logs requests whose tenant is unknown, such as Graph
	// requests without a valid token.
	unattributed *tenant
	tokens       tokenStore
	secrets      secretLog
}

// Start listens on o.Addr and serves HTTPS with a newly generated CA.
func Start(o Options) (*Server, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.RequestLogSize <= 0 {
		o.RequestLogSize = defaultLogSize
	}
	if err := checkLoopback(o.Addr); err != nil {
		return nil, err
	}
	caPEM, leaf, err := newCertificates()
	if err != nil {
		return nil, fmt.Errorf("generating certificates: %w", err)
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		o: o, url: "https://" + ln.Addr().String(), caPEM: caPEM, ln: ln,
		done:         make(chan struct{}),
		tenants:      map[string]*tenant{},
		unattributed: newTenant("", o.RequestLogSize),
		tokens:       tokenStore{tokens: map[string]issuedToken{}},
	}
	s.admin = s.adminMux()
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{leaf},
			MinVersion:   tls.VersionTLS12,
		},
		// Handshake failures of clients that do not trust the CA are the
		// client's to report.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { _ = s.http.ServeTLS(ln, "", "") }()
	return s, nil
}

// checkLoopback rejects listen addresses other than loopback ones, because
// the emulator has no authentication.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("invalid address %q: the emulator listens only on a loopback address "+
		"such as 127.0.0.1", addr)
}

// URL returns the base URL, such as "https://127.0.0.1:8443". It serves both
// the login endpoints and Graph.
func (s *Server) URL() string { return s.url }

// CACertPEM returns the CA certificate that signed the server certificate.
func (s *Server) CACertPEM() []byte { return append([]byte(nil), s.caPEM...) }

// Close stops the server at once, ending hung requests and open
// connections.
func (s *Server) Close() error {
	var err error
	s.closed.Do(func() {
		close(s.done)
		// Note: the listener is closed here as well, because http.Server
		// closes only listeners that its serving goroutine has reached.
		_ = s.ln.Close()
		err = s.http.Close()
		if errors.Is(err, net.ErrClosed) {
			// http.Server closed the listener a second time, because its
			// serving goroutine had reached it: the stop was clean.
			err = nil
		}
	})
	return err
}

// ServeHTTP routes a request. Login and Graph paths match without regard
// to case, but admin paths under /_emulator/ are exact.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		s.admin.ServeHTTP(w, r)
		return
	}
	x := &exchange{
		server: s, w: w, r: r,
		entry: Request{
			Time: time.Now(), Kind: KindOther, Method: r.Method, Path: r.URL.Path,
			ClientRequestID: r.Header.Get("client-request-id"),
			UserAgent:       r.UserAgent(),
		},
	}
	defer x.record()
	x.pause(s.o.Latency)
	segments := strings.Split(strings.Trim(strings.ToLower(r.URL.Path), "/"), "/")
	switch {
	case matches(segments, "*", "v2.0", ".well-known", "openid-configuration"):
		s.serveOpenIDConfiguration(x, segments[0])
	case matches(segments, "common", "discovery", "instance"):
		s.serveInstanceDiscovery(x)
	case matches(segments, "*", "oauth2", "v2.0", "token"):
		s.serveToken(x, segments[0])
	case matches(segments, "*", "security"):
		s.serveSecurity(x, segments[0])
	default:
		x.graphError(http.StatusNotFound, "Request_ResourceNotFound",
			"Resource not found for the segment '"+segments[len(segments)-1]+"'.")
	}
}

func matches(segments []string, pattern ...string) bool {
	if len(segments) != len(pattern) {
		return false
	}
	for i, p := range pattern {
		if p != "*" && segments[i] != p {
			return false
		}
	}
	return segments[0] != ""
}

// wait sleeps for d unless the request or the server ends first. It
// reports whether the request should go on.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// hang blocks until the client gives up or the server closes.
func (s *Server) hang(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-s.done:
	}
}

// tenant returns the tenant with id, or nil.
func (s *Server) tenant(id string) *tenant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tenants[strings.ToLower(id)]
}

// ensureTenant returns the tenant with id, adding it when missing.
func (s *Server) ensureTenant(id string) *tenant {
	id = strings.ToLower(id)
	if t := s.tenant(id); t != nil {
		return t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tenants[id]
	if !ok {
		t = newTenant(id, s.o.RequestLogSize)
		s.tenants[id] = t
	}
	return t
}
