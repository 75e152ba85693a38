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

package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxBody is the largest response body, in bytes, that the client reads.
// The security object is a few kilobytes, so anything much larger is not
// Graph's response.
const maxBody = 1 << 20

// maxInnerDepth bounds how deep nested innerError objects are searched.
const maxInnerDepth = 8

// errBodyTooLarge is returned by readBody for a body over maxBody.
var errBodyTooLarge = errors.New("response body exceeds 1 MiB")

// Object is the security object as Graph returned it, keyed by property
// name, with OData annotations such as @odata.context included.
type Object map[string]json.RawMessage

// ID returns the object's id, or "" when it is absent or not a string.
func (o Object) ID() string {
	raw, ok := o["id"]
	if !ok {
		return ""
	}
	var id string
	if err := json.Unmarshal(raw, &id); err != nil {
		return ""
	}
	return id
}

// readBody reads at most maxBody bytes of r.
func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBody {
		return nil, errBodyTooLarge
	}
	return b, nil
}

// parseObject decodes a response body that must be one JSON object.
func parseObject(body []byte) (Object, error) {
	if len(body) == 0 {
		return nil, errors.New("response body is empty, expected a JSON object")
	}
	var o Object
	if err := json.Unmarshal(body, &o); err != nil {
		return nil, fmt.Errorf("response body is not a JSON object: %w", err)
	}
	if o == nil {
		return nil, errors.New("response body is null, expected a JSON object")
	}
	return o, nil
}

// errorFields are the fields of a Graph error body that Error keeps.
type errorFields struct {
	Code, Message              string
	RequestID, ClientRequestID string
}

// parseErrorBody reads a Graph error body:
//
//	{"error": {"code": "...", "message": "...",
//	  "innerError": {"request-id": "...", "client-request-id": "...",
//	    "innerError": {...}}}}
//
// It takes the request identifiers from the first innerError level that
// has them. It reports false when the body is not of this shape.
func parseErrorBody(body []byte) (errorFields, bool) {
	var envelope struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &envelope) != nil || len(envelope.Error) == 0 {
		return errorFields{}, false
	}
	var e struct {
		Code       json.RawMessage `json:"code"`
		Message    json.RawMessage `json:"message"`
		InnerError json.RawMessage `json:"innerError"`
	}
	if json.Unmarshal(envelope.Error, &e) != nil {
		return errorFields{}, false
	}
	f := errorFields{
		Code:    truncate(oneLine(jsonString(e.Code)), maxMessage),
		Message: truncate(oneLine(jsonString(e.Message)), maxMessage),
	}
	f.RequestID, f.ClientRequestID = innerIDs(e.InnerError)
	if f.Code == "" && f.Message == "" {
		return f, false
	}
	return f, true
}

// innerIDs searches nested innerError objects for request identifiers.
func innerIDs(raw json.RawMessage) (requestID, clientRequestID string) {
	for depth := 0; depth < maxInnerDepth && len(raw) > 0; depth++ {
		var inner struct {
			RequestID       json.RawMessage `json:"request-id"`
			ClientRequestID json.RawMessage `json:"client-request-id"`
			InnerError      json.RawMessage `json:"innerError"`
		}
		if json.Unmarshal(raw, &inner) != nil {
			break
		}
		if requestID == "" {
			requestID = identifier(jsonString(inner.RequestID))
		}
		if clientRequestID == "" {
			clientRequestID = identifier(jsonString(inner.ClientRequestID))
		}
		raw = inner.InnerError
	}
	return requestID, clientRequestID
}

// jsonString returns raw as a string, or the "value" of an object such as
// {"lang": "en-US", "value": "..."} that older Microsoft APIs send as a
// message. Anything else gives "".
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var v struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(raw, &v) == nil {
		return v.Value
	}
	return ""
}

// maxIdentifier bounds a request identifier taken from a response. Real
// identifiers are 36-character GUIDs.
const maxIdentifier = 64

// identifier returns s when it looks like a request identifier, and ""
// otherwise, so that a hostile or broken server cannot put arbitrary text
// into the error line through it.
func identifier(s string) string {
	if len(s) > maxIdentifier {
		return ""
	}
	for _, r := range s {
		ok := r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' ||
			r == '-' || r == '_' || r == '.'
		if !ok {
			return ""
		}
	}
	return s
}
