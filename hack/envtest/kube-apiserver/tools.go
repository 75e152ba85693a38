//go:build tools

// Package tools pins kube-apiserver and kubectl so that `go build` can take
// them from the Go module proxy without a checkout of kubernetes.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
