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

// Merge returns the value to send in a PATCH for one property. For an
// object, the desired keys are laid over Graph's current object,
// recursively, so sub-fields the spec does not name keep their current
// values: Graph replaces an object property whole on PATCH. Any other
// desired value, arrays included, is sent as it is.
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
	w, ok := want.(map[string]any)
	if !ok {
		return want
	}
	g, ok := got.(map[string]any)
	if !ok {
		return want
	}
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
