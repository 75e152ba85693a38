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

package controlplane

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// policyTimeout bounds the wait for the API server to enforce the admission
// policies. The admission plugin learns of a new policy through an informer,
// which usually takes well under a second.
const policyTimeout = 30 * time.Second

// installPolicies creates every object in the YAML files of dir, which are
// ValidatingAdmissionPolicies and their bindings, and waits until the API
// server rejects a Security that the policies forbid.
func installPolicies(c client.Client, dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), policyTimeout)
	defer cancel()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no admission policies in %s", dir)
	}
	for _, file := range files {
		if err := createObjects(ctx, c, file); err != nil {
			return err
		}
	}
	return waitForPolicies(ctx, c)
}

// createObjects creates each object of a multi-document YAML file.
func createObjects(ctx context.Context, c client.Client, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	decoder := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		obj := &unstructured.Unstructured{}
		err := decoder.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("failed to decode %s: %w", file, err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		if err := c.Create(ctx, obj); err != nil {
			return fmt.Errorf("failed to create %s %s from %s: %w",
				obj.GetKind(), obj.GetName(), file, err)
		}
	}
}

// waitForPolicies dry-runs the creation of a Security whose properties set
// id until the API server rejects it with a policy's message.
func waitForPolicies(ctx context.Context, c client.Client) error {
	probe := &unstructured.Unstructured{Object: map[string]any{
		"spec": map[string]any{
			"tenantID":    "00000000-0000-0000-0000-000000000001",
			"credentials": map[string]any{"secretRef": map[string]any{"name": "probe"}},
			"properties":  map[string]any{"id": "probe"},
		},
	}}
	probe.SetGroupVersionKind(v1alpha1.GroupVersion.WithKind("Security"))
	probe.SetNamespace("default")
	probe.SetName("admission-policy-probe")
	var lastErr error
	err := wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true,
		func(ctx context.Context) (bool, error) {
			lastErr = c.Create(ctx, probe.DeepCopy(), client.DryRunAll)
			return lastErr != nil && strings.Contains(lastErr.Error(), "ValidatingAdmissionPolicy"), nil
		})
	if err == nil {
		return nil
	}
	if lastErr == nil {
		lastErr = errors.New("the dry run was admitted")
	}
	return fmt.Errorf("admission policies not enforced after %s: %w", policyTimeout, lastErr)
}
