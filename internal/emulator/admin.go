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
	"encoding/json"
	"io"
	"net/http"
)

// maxAdminBytes bounds an admin request body.
const maxAdminBytes = 1 << 20

// adminMux serves the admin API described in the package documentation.
func (s *Server) adminMux() *http.ServeMux {
	const tenant = "/_emulator/tenants/{tenant}"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_emulator/tenants", s.adminAddTenant)
	mux.HandleFunc("POST "+tenant+"/apps", s.adminAddApp)
	mux.HandleFunc("DELETE "+tenant+"/apps/{client}", s.adminRemoveApp)
	mux.HandleFunc("PUT "+tenant+"/behaviour", s.adminSetBehaviour)
	mux.HandleFunc("GET "+tenant+"/properties", s.adminProperties)
	mux.HandleFunc("PATCH "+tenant+"/properties", s.adminSetProperties)
	mux.HandleFunc("GET "+tenant+"/counts", s.adminCounts)
	mux.HandleFunc("GET "+tenant+"/requests", s.adminRequests)
	mux.HandleFunc("DELETE "+tenant+"/requests", s.adminResetRequests)
	mux.HandleFunc("POST "+tenant+"/revoke-tokens", s.adminRevokeTokens)
	return mux
}

func (s *Server) adminRemoveApp(w http.ResponseWriter, r *http.Request) {
	s.RemoveApp(r.PathValue("tenant"), r.PathValue("client"))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminProperties(w http.ResponseWriter, r *http.Request) {
	s.ensureTenant(r.PathValue("tenant"))
	adminJSON(w, http.StatusOK, s.Properties(r.PathValue("tenant")))
}

func (s *Server) adminCounts(w http.ResponseWriter, r *http.Request) {
	adminJSON(w, http.StatusOK, s.Counts(r.PathValue("tenant")))
}

func (s *Server) adminRequests(w http.ResponseWriter, r *http.Request) {
	adminJSON(w, http.StatusOK, s.Requests(r.PathValue("tenant")))
}

func (s *Server) adminResetRequests(w http.ResponseWriter, r *http.Request) {
	s.ResetRequests(r.PathValue("tenant"))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminRevokeTokens(w http.ResponseWriter, r *http.Request) {
	s.RevokeTokens(r.PathValue("tenant"))
	w.WriteHeader(http.StatusNoContent)
}

// tenantRequest is the body of POST /_emulator/tenants.
type tenantRequest struct {
	TenantID string `json:"tenantID"`
}

// tenantResponse is the response to POST /_emulator/tenants.
type tenantResponse struct {
	TenantID   string `json:"tenantID"`
	SecurityID string `json:"securityID"`
}

// appRequest is the body of POST /_emulator/tenants/{tenant}/apps. Each
// credential that is set is added to the app.
type appRequest struct {
	ClientID       string `json:"clientID"`
	Secret         string `json:"secret,omitempty"`
	CertificatePEM string `json:"certificatePEM,omitempty"`
	Assertion      string `json:"assertion,omitempty"`
}

func (s *Server) adminAddTenant(w http.ResponseWriter, r *http.Request) {
	var req tenantRequest
	if !decodeAdmin(w, r, &req) {
		return
	}
	if req.TenantID == "" {
		adminError(w, http.StatusBadRequest, "tenantID is missing")
		return
	}
	adminJSON(
		w,
		http.StatusOK,
		tenantResponse{TenantID: req.TenantID, SecurityID: s.AddTenant(req.TenantID)},
	)
}

func (s *Server) adminAddApp(w http.ResponseWriter, r *http.Request) {
	var req appRequest
	if !decodeAdmin(w, r, &req) {
		return
	}
	tenantID := r.PathValue("tenant")
	switch {
	case req.ClientID == "":
		adminError(w, http.StatusBadRequest, "clientID is missing")
		return
	case req.Secret == "" && req.CertificatePEM == "" && req.Assertion == "":
		adminError(
			w,
			http.StatusBadRequest,
			"set at least one of secret, certificatePEM or assertion",
		)
		return
	}
	if req.CertificatePEM != "" {
		if err := s.addCertificate(tenantID, req.ClientID, []byte(req.CertificatePEM)); err != nil {
			adminError(w, http.StatusBadRequest, "invalid certificatePEM: "+err.Error())
			return
		}
	}
	if req.Secret != "" {
		s.AddSecretApp(tenantID, req.ClientID, req.Secret)
	}
	if req.Assertion != "" {
		s.AddFederatedApp(tenantID, req.ClientID, req.Assertion)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminSetBehaviour(w http.ResponseWriter, r *http.Request) {
	var b Behaviour
	if !decodeAdmin(w, r, &b) {
		return
	}
	s.SetBehaviour(r.PathValue("tenant"), b)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminSetProperties(w http.ResponseWriter, r *http.Request) {
	var props map[string]json.RawMessage
	if !decodeAdmin(w, r, &props) {
		return
	}
	s.SetProperties(r.PathValue("tenant"), props)
	adminJSON(w, http.StatusOK, s.Properties(r.PathValue("tenant")))
}

func decodeAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdminBytes))
	if err != nil {
		adminError(w, http.StatusRequestEntityTooLarge, "the body exceeds 1 MiB")
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		adminError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func adminError(w http.ResponseWriter, status int, message string) {
	adminJSON(w, status, map[string]string{"error": message})
}
