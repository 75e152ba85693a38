//go:build tools

// Package tools pins the etcd server so that `go build` can take it from the
// Go module proxy.
package tools

import _ "go.etcd.io/etcd/server/v3"
