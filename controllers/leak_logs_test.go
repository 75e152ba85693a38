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

package controllers_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// minSecretLength is the shortest value the leak check looks for; shorter
// values would match ordinary text.
const minSecretLength = 8

// secretShapes match secret material whatever its value: a PEM private key,
// a bearer token, and a JWT such as a client assertion.
var secretShapes = map[string]*regexp.Regexp{
	"a PEM private key": regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),
	"a bearer token":    regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9._~+/-]{16,}`),
	"a JWT":             regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.`),
	"a form secret":     regexp.MustCompile(`client_(secret|assertion)=`),
}

// checkNoSecretsLeaked runs after all tests of the suite. It searches the
// manager's log, every Event and every Security's status for the suite's
// secrets. Those are the client secrets, client assertions and access
// tokens that the Graph emulator registered, received or issued, and the
// clientSecret and tls.key values of the cluster's Secrets. It also
// searches for the shapes in secretShapes. The error names the secret and
// the place, never the value.
func checkNoSecretsLeaked(ctx context.Context) error {
	sources, err := leakSources(ctx)
	if err != nil {
		return fmt.Errorf("leak check: %w", err)
	}
	values, err := suiteSecrets(ctx)
	if err != nil {
		return fmt.Errorf("leak check: %w", err)
	}
	if len(values) == 0 {
		// A run of a few tests with -run may create no tenant. The whole
		// suite always does, so there an empty set means the check broke.
		if flag.Lookup("test.run").Value.String() != "" {
			return nil
		}
		return errors.New("leak check: no secret values to search for; the emulator saw none")
	}
	if leaks := findLeaks(sources, values); len(leaks) > 0 {
		return fmt.Errorf("leak check: secret material found:\n%s", strings.Join(leaks, "\n"))
	}
	return nil
}

// leakSources returns the texts to search, by name: the manager's log,
// every Event and every Security status, each as JSON.
func leakSources(ctx context.Context) (map[string]string, error) {
	sources := map[string]string{"the manager log": logs.String()}
	var coreEvents corev1.EventList
	if err := k8s.List(ctx, &coreEvents); err != nil {
		return nil, err
	}
	for i := range coreEvents.Items {
		e := &coreEvents.Items[i]
		sources["core Event "+e.Namespace+"/"+e.Name] = mustJSON(e)
	}
	var events eventsv1.EventList
	if err := k8s.List(ctx, &events); err != nil {
		return nil, err
	}
	for i := range events.Items {
		e := &events.Items[i]
		sources["Event "+e.Namespace+"/"+e.Name] = mustJSON(e)
	}
	var securities v1alpha1.SecurityList
	if err := k8s.List(ctx, &securities); err != nil {
		return nil, err
	}
	for i := range securities.Items {
		s := &securities.Items[i]
		sources["status of Security "+s.Namespace+"/"+s.Name] = mustJSON(s.Status)
	}
	return sources, nil
}

// suiteSecrets returns the secret values to search for, named by their
// kind and position, never by their value.
func suiteSecrets(ctx context.Context) (map[string]string, error) {
	values := map[string]string{}
	for i, v := range graphEmulator.SecretValues() {
		values[v] = fmt.Sprintf("emulator secret or token #%d", i)
	}
	var secrets corev1.SecretList
	if err := k8s.List(ctx, &secrets); err != nil {
		return nil, err
	}
	for _, s := range secrets.Items {
		for _, key := range []string{v1alpha1.SecretKeyClientSecret, v1alpha1.SecretKeyPrivateKey} {
			if v := string(s.Data[key]); v != "" {
				values[v] = "key " + key + " of Secret " + s.Namespace + "/" + s.Name
			}
		}
	}
	for v := range values {
		if len(v) < minSecretLength {
			delete(values, v)
		}
	}
	return values, nil
}

// findLeaks returns one line per secret value or shape found in a source,
// with the line number, without the value.
func findLeaks(sources map[string]string, values map[string]string) []string {
	var leaks []string
	for source, text := range sources {
		for n, line := range strings.Split(text, "\n") {
			for value, name := range values {
				if strings.Contains(line, value) {
					leaks = append(leaks, fmt.Sprintf("%s in %s, line %d", name, source, n+1))
				}
			}
			for name, shape := range secretShapes {
				if shape.MatchString(line) {
					leaks = append(leaks, fmt.Sprintf("%s in %s, line %d", name, source, n+1))
				}
			}
		}
	}
	return leaks
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable %T: %v", v, err)
	}
	return string(b)
}

// TestFindLeaksReportsPlantedSecrets checks that the suite's leak check can
// fail: it plants each kind of secret material in a text and expects a
// report for each, which names the place but not the value.
func TestFindLeaksReportsPlantedSecrets(t *testing.T) {
	g := NewWithT(t)
	values := map[string]string{"planted-client-secret": "the planted secret"}
	sources := map[string]string{
		"clean":  "Patched the security object\nGraph matches the spec",
		"secret": "first line\nerror: invalid planted-client-secret here",
		"pem":    "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
		"bearer": `{"header": "Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345"}`,
		"jwt":    "assertion eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
		"form":   "grant_type=client_credentials&client_secret=",
	}

	leaks := findLeaks(sources, values)

	g.Expect(leaks).To(ConsistOf(
		"the planted secret in secret, line 2",
		"a PEM private key in pem, line 1",
		"a bearer token in bearer, line 1",
		"a JWT in jwt, line 1",
		"a form secret in form, line 1",
	))
	for _, leak := range leaks {
		g.Expect(leak).NotTo(ContainSubstring("planted-client-secret"))
	}
}
