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

package demo

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/securityoperator/security-operator/internal/emulator"
)

// applySamples applies config/samples with kubectl and waits for Ready.
func (s *session) applySamples(ctx context.Context) error {
	samples := filepath.Join(s.o.Root, "config", "samples")
	s.step("Applying the samples: a Secret with the demo app's credentials and Security %q", sampleName)
	if err := s.kubectl.run(ctx, "apply", "-k", samples); err != nil {
		return err
	}
	s.step("Waiting up to %s for Security %q to be Ready", s.o.ReadyTimeout, sampleName)
	err := s.kubectl.run(ctx, "wait", "--for=condition=Ready", "security/"+sampleName,
		fmt.Sprintf("--timeout=%s", s.o.ReadyTimeout))
	if err != nil {
		// Show what the user would look at next before giving up.
		_ = s.kubectl.run(ctx, "describe", "security", sampleName)
		s.printLogTail()
		return errors.Join(fmt.Errorf("the Security %q did not become Ready", sampleName), err)
	}
	return nil
}

// show prints the Security as kubectl shows it and the tenant as the
// emulator holds it.
func (s *session) show(ctx context.Context) error {
	s.step("The Security as kubectl shows it")
	if err := s.kubectl.run(ctx, "get", "securities", "-o", "wide"); err != nil {
		return err
	}
	if err := s.kubectl.run(ctx, "get", "security", sampleName, "-o", "yaml"); err != nil {
		return err
	}
	if err := s.kubectl.run(ctx, "events", "--for", "security/"+sampleName); err != nil {
		return err
	}
	s.step("What the operator changed in the tenant")
	return s.printTenant("The demo tenant now")
}

// printNextSteps prints commands to try while the demo keeps running.
func (s *session) printNextSteps() {
	k := s.kubectl.binary + " --kubeconfig=" + s.kubectl.kubeconfig
	admin := fmt.Sprintf("%s/_emulator/tenants/%s/properties", s.graph.URL(), emulator.DemoTenantID)
	curl := "curl -s --cacert " + s.caFile
	lines := []string{
		"Everything keeps running until you press Ctrl-C. In another terminal, try:",
		"",
		"  # Watch the Security and its conditions:",
		"  " + k + " get securities -o wide -w",
		"  " + k + " events --for security/" + sampleName,
		"",
		"  # Change the spec: turn Defender for Cloud Apps on, then look at the tenant:",
		"  " + k + " patch security " + sampleName + " --type=merge -p " +
			`'{"spec":{"properties":{"providerStatus":[` +
			`{"provider":"Microsoft Defender for Endpoint","vendor":"Microsoft","enabled":true},` +
			`{"provider":"Microsoft Defender for Cloud Apps","vendor":"Microsoft","enabled":true}]}}}'`,
		"  " + curl + " " + admin,
		"",
		"  # Change the tenant behind the operator's back, then ask for a sync now",
		"  # instead of waiting for syncInterval (5m): the drift is patched back.",
		"  " + curl + " -X PATCH -H 'Content-Type: application/json' -d '{\"providerStatus\":[]}' " + admin,
		"  " + k + " annotate security " + sampleName +
			" graph.securityoperator.io/requested-at=\"$(date -Is)\" --overwrite",
		"  " + curl + " " + admin,
		"",
		"  # Delete it: deletionPolicy Restore patches back the values from before the operator ran.",
		"  " + k + " delete security " + sampleName,
		"  " + curl + " " + admin,
		"",
		"  # Create it again:",
		"  " + k + " apply -k " + filepath.Join(s.o.Root, "config", "samples"),
		"",
		"The operator's log: " + s.logFile,
		"These files are removed when the demo stops.",
	}
	s.step("Try it")
	_, _ = fmt.Fprintln(s.o.Out, strings.Join(lines, "\n"))
}
