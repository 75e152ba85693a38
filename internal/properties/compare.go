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

// Package properties compares the desired properties of a Security with the
// values Graph returns, and builds the values to PATCH. Graph may store a
// value in another form than it was sent (number formats, server-filled
// sub-fields), so every comparison is semantic: comparing raw JSON text
// would PATCH forever.
package properties

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// Lookup returns the value of the property name in actual, matching the name
// case-insensitively as Graph does. An exact match wins over a match that
// differs in case. Among several case variants, the first in sorted order
// wins, so the result does not depend on map order.
func Lookup(actual map[string]json.RawMessage, name string) (string, json.RawMessage, bool) {
	key, ok := findKey(actual, name)
	if !ok {
		return "", nil, false
	}
	return key, actual[key], true
}

// findKey returns the key of m that matches name as Lookup describes.
func findKey[V any](m map[string]V, name string) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	var keys []string
	for k := range m {
		if strings.EqualFold(k, name) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "", false
	}
	sort.Strings(keys)
	return keys[0], true
}

// Drifted returns, sorted, the names in desired whose value in actual does
// not satisfy the desired value. A desired null is satisfied by a null or an
// absent property; any other desired value needs the property present.
func Drifted(desired, actual map[string]json.RawMessage) ([]string, error) {
	var drifted []string
	for name, want := range desired {
		_, got, ok := Lookup(actual, name)
		if !ok {
			got = json.RawMessage("null")
		}
		equal, err := Equal(want, got)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", name, err)
		}
		if !equal {
			drifted = append(drifted, name)
		}
	}
	sort.Strings(drifted)
	return drifted, nil
}

// Equal reports whether actual satisfies desired. Numbers compare by value
// (1, 1.0 and 1e0 are equal), and strings and booleans exactly. Objects
// compare by the keys desired names, recursively, so sub-fields that Graph
// fills in are ignored. Arrays compare by length and element by element
// with the same rules.
func Equal(desired, actual json.RawMessage) (bool, error) {
	want, err := decode(desired)
	if err != nil {
		return false, fmt.Errorf("invalid desired value: %w", err)
	}
	got, err := decode(actual)
	if err != nil {
		return false, fmt.Errorf("invalid value from Graph: %w", err)
	}
	return equalValues(want, got), nil
}

func equalValues(want, got any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case bool, string:
		return want == got
	case json.Number:
		g, ok := got.(json.Number)
		return ok && equalNumbers(w, g)
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !equalValues(w[i], g[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			var gv any
			if key, found := findKey(g, k); found {
				gv = g[key]
			}
			if !equalValues(wv, gv) {
				return false
			}
		}
		return true
	}
	return false
}

// equalNumbers compares two JSON numbers exactly, as rationals, so that
// large integers do not lose precision as float64 would.
func equalNumbers(a, b json.Number) bool {
	x, okX := new(big.Rat).SetString(string(a))
	y, okY := new(big.Rat).SetString(string(b))
	if !okX || !okY {
		return a == b
	}
	return x.Cmp(y) == 0
}

// decode parses one JSON value, keeping numbers as json.Number. An empty
// input is treated as null, because Graph omits a property it has no value
// for.
func decode(raw json.RawMessage) (any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}
