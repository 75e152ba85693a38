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

package main

import (
	"os"
	"runtime/debug"
)

// defaultGCPercent replaces Go's default GOGC of 100 when the GOGC
// environment variable is unset. Most of the manager's heap lives as long
// as its Securities do (the informer cache, indexes, tokens), so the
// default lets as much garbage pile up as there are live objects.
// docs/performance.md has the measured memory and CPU at 100 and at this
// value. Prometheus made the same change to 75 in v2.53.0.
const defaultGCPercent = 75

// setGCPercent applies defaultGCPercent unless GOGC is set, so that an
// explicit GOGC, such as GOGC=100 or GOGC=off, still wins.
func setGCPercent() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(defaultGCPercent)
	}
}
