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

// Package emulator serves a local HTTPS imitation of the Microsoft Entra
// token endpoint and of the Microsoft Graph security singleton, for tests,
// demos and benchmarks of the operator. It listens only on loopback and has
// no authentication on its admin API, so it must never face a network.
//
// One listener serves everything under Server.URL:
//
//	GET   /{tenant}/v2.0/.well-known/openid-configuration  tenant discovery
//	GET   /common/discovery/instance                       instance metadata
//	POST  /{tenant}/oauth2/v2.0/token                      client credentials
//	GET   /{version}/security                              read the object
//	PATCH /{version}/security                              update it
//
// Login and Graph paths match without regard to case. The token endpoint
// accepts a client secret, a client assertion JWT signed (RS256 or PS256)
// with a registered RSA certificate named by its x5t or x5t#S256 header, or
// a federated assertion that equals a registered one. It returns Microsoft
// Entra error bodies (error, error_description, error_codes, trace_id,
// correlation_id), such as invalid_client with AADSTS7000215 for a wrong
// secret and unauthorized_client for an unknown app. Tokens are shaped and
// sized like Entra's app-only JWTs, with random signatures, and the
// emulator binds each to a tenant, app, audience and expiry. The scope must
// be the "/.default" scope of one of the four Graph clouds' hosts or of the
// server's own URL.
//
// Graph requests need a bearer token, and the token decides the tenant:
// the path names no tenant, as in Graph. GET returns @odata.context, id
// and the stored properties. PATCH merges the body into the state: OData
// annotations are ignored, id is rejected with 400, names match without
// regard to case and keep their stored case, and null deletes. Errors have
// Graph's shape, {"error": {"code", "message", "innerError": {...}}}, with
// request-id and client-request-id headers.
//
// Faults in a tenant's Behaviour replace the next matching responses: an
// error status with Graph's or Microsoft Entra's error body, a custom body,
// a Retry-After or Location header, a reset, or a request held open (Hang).
// A PATCH fault with afterApply stores the change first, as when Graph kept
// a change whose response was lost. The request log names the credential
// behind each token, and SecretValues returns every secret and token seen,
// for tests that check nothing leaks.
//
// # Admin API
//
// Other processes, such as a demo or a benchmark, drive the emulator over
// HTTPS on the same listener. Bodies are JSON; durations are Go duration
// strings such as "250ms".
//
//	POST   /_emulator/tenants                {"tenantID"} -> {"tenantID", "securityID"}
//	POST   /_emulator/tenants/{t}/apps       {"clientID", "secret", "certificatePEM",
//	                                         "assertion"}; each credential set is added
//	DELETE /_emulator/tenants/{t}/apps/{client}
//	PUT    /_emulator/tenants/{t}/behaviour  Behaviour, such as {"budget": 10,
//	                                         "budgetWindow": "1m", "faults": [{"kind":
//	                                         "get", "status": 503}]}
//	GET    /_emulator/tenants/{t}/properties -> {"name": value, ...}
//	PATCH  /_emulator/tenants/{t}/properties merge, null deletes -> the properties
//	GET    /_emulator/tenants/{t}/counts     -> Counts
//	GET    /_emulator/tenants/{t}/requests   -> [Request, ...], oldest first
//	DELETE /_emulator/tenants/{t}/requests   reset the log and counts
//	POST   /_emulator/tenants/{t}/revoke-tokens
//
// Errors of the admin API are {"error": "message"} with a 4xx status.
package emulator

// Fixed identifiers of the demo tenant that the graph-emulator command
// registers, for samples and demos. They are not secrets of any real tenant.
const (
	// DemoTenantID is the demo tenant's ID.
	DemoTenantID = "00000000-0000-0000-0000-00000000d3e0"
	// DemoClientID is the demo app's client ID.
	DemoClientID = "00000000-0000-0000-0000-0000000c11e7"
	// DemoClientSecret is the demo app's client secret. It is valid only on
	// the emulator.
	DemoClientSecret = "emulator-demo-secret-not-for-production"
)
