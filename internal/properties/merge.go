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

package properties

import (
	"encoding/json"
	"fmt"
)

// Merge builds the value to send in a PATCH for one property, following the
// rules of Equal. Graph replaces a property whole on PATCH, so the merged
// value keeps what Graph stores beyond the spec. For an object, the
// desired keys are laid over Graph's current object, recursively, so
// sub-fields the spec does not name keep their current values. For an array
// of the same length as Graph's current array, each element is merged with
// the current element at the same position by the same rules. Any other
// desired value, an array of another length included, is sent as it is.
func Merge(desired, actual json.RawMessage) (json.RawMessage, error) {
	want, err := decode(desired)
	if err != nil {
		return nil, fmt.Errorf("invalid desired value: %w", err)
	}
	got, err := decode(actual)
	if err != nil {
		return nil, fmt.Errorf("invalid value from Graph: %w", err)
	}
	return json.Marshal(mergeValues(want, got))
}

func mergeValues(want, got any) any {
	switch w := want.(type) {
	case map[string]any:
		if g, ok := got.(map[string]any); ok {
			return mergeObjects(w, g)
		}
	case []any:
		if g, ok := got.([]any); ok && len(g) == len(w) {
			return mergeArrays(w, g)
		}
	}
	return want
}

func mergeObjects(w, g map[string]any) map[string]any {
	out := make(map[string]any, len(g)+len(w))
	for k, v := range g {
		out[k] = v
	}
	for k, wv := range w {
		key := k
		if existing, found := findKey(g, k); found {
			// Keep Graph's spelling of the key, so the object sent back does
			// not carry the same sub-field twice in two cases.
			key = existing
		}
		out[key] = mergeValues(wv, g[key])
	}
	return out
}

// mergeArrays merges two arrays of the same length element by element, by
// position, as Equal compares them.
func mergeArrays(w, g []any) []any {
	out := make([]any, len(w))
	for i := range w {
		out[i] = mergeValues(w[i], g[i])
	}
	return out
}
