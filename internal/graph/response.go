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
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"
)

// responseResult turns a Graph response into the object, or into an Error.
// A PATCH response of 204, or of 200 without a body, gives (nil, nil).
func responseResult(
	method, clientRequestID string, resp *http.Response, body []byte, readErr error,
) (Object, *Error) {
	if readErr == nil && success(method, resp.StatusCode) {
		if method == http.MethodPatch && len(body) == 0 {
			return nil, nil
		}
		o, err := parseObject(body)
		if err == nil {
			return o, nil
		}
		e := responseError(method, clientRequestID, resp)
		e.Class = ClassUnavailable
		e.Message = err.Error()
		e.Err = err
		return nil, e
	}
	e := responseError(method, clientRequestID, resp)
	if readErr != nil {
		e.Class = ClassUnavailable
		e.Message = "reading the response body failed: " + readErr.Error()
		e.Err = readErr
		return nil, e
	}
	if f, ok := parseErrorBody(body); ok {
		e.Code, e.Message = f.Code, f.Message
		e.RequestID = firstNonEmpty(f.RequestID, e.RequestID)
		e.ClientRequestID = firstNonEmpty(f.ClientRequestID, e.ClientRequestID)
	} else {
		e.Message = describeBody(resp.Header.Get("Content-Type"), body)
	}
	return nil, e
}

// success reports whether status is a successful response to method: 200 for
// GET, and 200 or 204 for PATCH.
func success(method string, status int) bool {
	if method == http.MethodPatch {
		return status == http.StatusOK || status == http.StatusNoContent
	}
	return status == http.StatusOK
}

// responseError starts the Error of a response from its status and headers.
func responseError(method, clientRequestID string, resp *http.Response) *Error {
	e := &Error{
		Class:      classify(resp.StatusCode),
		Method:     method,
		StatusCode: resp.StatusCode,
		RequestID:  identifier(resp.Header.Get("request-id")),
		ClientRequestID: firstNonEmpty(
			identifier(resp.Header.Get("client-request-id")), clientRequestID),
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	return e
}

// describeBody describes a body that is not a Graph error, without copying
// it.
func describeBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return "the response has no body"
	}
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil || media == "" {
		media = "unknown content type"
	}
	return fmt.Sprintf("the response body is not a Graph error (%s, %d bytes)",
		truncate(oneLine(media), 64), len(body))
}

// transportError describes a request that got no response. ctx is the
// caller's context, so that its end is distinguished from the attempt timeout.
func transportError(
	ctx context.Context, method, clientRequestID string, err error, timeout time.Duration,
) *Error {
	e := &Error{
		Class:           ClassUnavailable,
		Method:          method,
		ClientRequestID: clientRequestID,
		Err:             err,
	}
	var netErr net.Error
	switch {
	case ctx.Err() != nil:
		e.Message = "request stopped: " + ctx.Err().Error()
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		e.Message = "request timed out after " + timeout.String()
	default:
		e.Message = "request failed: " + causeText(err)
	}
	return e
}

// causeText returns the innermost useful text of a transport error, without
// the URL that *url.Error adds.
func causeText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return truncate(oneLine(err.Error()), maxMessage)
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
