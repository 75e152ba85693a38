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
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// kubectl runs a kubectl binary against the demo's control plane.
type kubectl struct {
	binary     string
	kubeconfig string
	out        io.Writer
}

// run prints the command as a user would type it, runs it, and copies its
// output, indented, to k.out.
func (k kubectl) run(ctx context.Context, args ...string) error {
	_, _ = fmt.Fprintf(k.out, "    $ kubectl %s\n", strings.Join(args, " "))
	var buf bytes.Buffer
	cmd := exec.CommandContext(ctx, k.binary, append([]string{"--kubeconfig=" + k.kubeconfig}, args...)...)
	cmd.Stdout, cmd.Stderr = &buf, &buf
	// kubectl must not read the user's own kubeconfig or plugins' settings.
	cmd.Env = withoutKubeconfig(os.Environ())
	err := cmd.Run()
	for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		_, _ = fmt.Fprintf(k.out, "    %s\n", line)
	}
	if err != nil {
		return fmt.Errorf("kubectl %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// withoutKubeconfig returns env without KUBECONFIG.
func withoutKubeconfig(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "KUBECONFIG=") {
			out = append(out, kv)
		}
	}
	return out
}
