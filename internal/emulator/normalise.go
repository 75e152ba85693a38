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
	"bytes"
	"encoding/json"
	"strings"
)

// normalise compacts a JSON value and, when lower is set, lowercases every
// string in it, as Graph may store enum values in another case. Numbers
// keep their text.
func normalise(value json.RawMessage, lower bool) (json.RawMessage, error) {
	if !lower {
		var buf bytes.Buffer
		if err := json.Compact(&buf, value); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(lowerStrings(v))
}

func lowerStrings(v any) any {
	switch x := v.(type) {
	case string:
		return strings.ToLower(x)
	case []any:
		for i := range x {
			x[i] = lowerStrings(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = lowerStrings(x[k])
		}
		return x
	default:
		return v
	}
}
