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

// StopAPIServer stops kube-apiserver and leaves etcd running with its data,
// as an API server outage would. Clients get connection errors until
// StartAPIServer.
func (e *Environment) StopAPIServer() error {
	return e.env.ControlPlane.GetAPIServer().Stop()
}

// StartAPIServer starts kube-apiserver again after StopAPIServer, on the
// same port, with the same certificates and the same etcd data, so that
// clients and kubeconfig files made before keep working. It returns once
// the API server is healthy.
func (e *Environment) StartAPIServer() error {
	return e.env.ControlPlane.GetAPIServer().Start()
}
