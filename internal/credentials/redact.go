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
	"encoding/json"
	"fmt"
)

// String names the tenant, the app and the kind of credentials, so that a
// Source printed with %v, %+v or %s shows no secret value.
func (s Source) String() string {
	kind := "certificate"
	switch {
	case s.ClientSecret != "":
		kind = "client secret"
	case s.WorkloadIdentity:
		kind = "workload identity"
	}
	return fmt.Sprintf("%s of app %s in tenant %s", kind, s.ClientID, s.TenantID)
}

// GoString keeps secret values out of %#v.
func (s Source) GoString() string { return s.String() }

// MarshalJSON writes the String form, so that a logger that encodes a
// Source as JSON shows no secret value either.
func (s Source) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// String keeps the Source's values and the access token out of %v, %+v
// and %s, also when the credential is printed by value. fmt prints
// unexported fields without calling their methods, so the credential needs
// its own.
func (t tokenCredential) String() string { return "token credential: " + t.src.String() }

// GoString keeps the Source's values and the access token out of %#v.
func (t tokenCredential) GoString() string { return t.String() }
