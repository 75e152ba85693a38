#!/usr/bin/env bash
# Copyright 2026 The Security Operator Authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

# Builds the kube-apiserver and etcd binaries that envtest runs, and a
# kubectl of the same Kubernetes version for the demo, from the Go module
# proxy, because setup-envtest downloads prebuilt binaries from a bucket
# that offline machines cannot reach.
#
# Usage: hack/envtest/build.sh OUT_DIR K8S_VERSION ETCD_VERSION
#   OUT_DIR       folder that receives kube-apiserver, etcd, kubectl and a
#                 stamp file
#   K8S_VERSION   k8s.io/kubernetes version without the v, such as 1.37.2
#   ETCD_VERSION  go.etcd.io/etcd/server/v3 version without the v, such as 3.6.16
#
# The versions must match the requirements in hack/envtest/*/go.mod: the
# script checks this and does not edit those files. The build is skipped when
# all three binaries exist and the stamp file records the same versions. A cold
# build takes about 5 minutes on 2 cores, most of it kube-apiserver.

set -euo pipefail

if [[ $# -ne 3 ]]; then
	echo "usage: $0 OUT_DIR K8S_VERSION ETCD_VERSION" >&2
	exit 2
fi

out_dir=$1
k8s_version=$2
etcd_version=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
stamp="${out_dir}/versions.txt"
want_stamp="kube-apiserver v${k8s_version}
kubectl v${k8s_version}
etcd v${etcd_version}"

# require_version MODULE_DIR MODULE WANT fails unless the module in
# MODULE_DIR requires MODULE at version WANT.
require_version() {
	local dir=$1 module=$2 want=$3 got
	got=$(go -C "${dir}" list -m -f '{{.Version}}' "${module}")
	if [[ "${got}" != "${want}" ]]; then
		echo "error: ${dir}/go.mod requires ${module} ${got}, but ${want} was requested;" \
			"update that go.mod (for kube-apiserver, also its replace block)" \
			"or the version variable in the Makefile" >&2
		exit 1
	fi
}

if [[ -x "${out_dir}/kube-apiserver" && -x "${out_dir}/kubectl" && -x "${out_dir}/etcd" &&
	-f "${stamp}" ]] &&
	[[ "$(cat "${stamp}")" == "${want_stamp}" ]]; then
	echo "envtest binaries are up to date in ${out_dir}"
	exit 0
fi

require_version "${here}/kube-apiserver" k8s.io/kubernetes "v${k8s_version}"
require_version "${here}/etcd" go.etcd.io/etcd/server/v3 "v${etcd_version}"

mkdir -p "${out_dir}"
rm -f "${stamp}"

# The -X flags give kube-apiserver the version that the Kubernetes release
# build stamps in, so that /version and --version report it.
major=${k8s_version%%.*}
minor=${k8s_version#*.}
minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X ${pkg}.gitVersion=v${k8s_version}"
	ldflags+=" -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor}"
	ldflags+=" -X ${pkg}.gitTreeState=clean"
done

echo "building etcd v${etcd_version} into ${out_dir}"
go -C "${here}/etcd" build -ldflags "-s -w" \
	-o "${out_dir}/etcd" go.etcd.io/etcd/server/v3
echo "building kube-apiserver v${k8s_version} into ${out_dir} (about 5 minutes on a cold cache)"
go -C "${here}/kube-apiserver" build -ldflags "${ldflags}" \
	-o "${out_dir}/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver

echo "building kubectl v${k8s_version} into ${out_dir}"
go -C "${here}/kube-apiserver" build -ldflags "${ldflags}" \
	-o "${out_dir}/kubectl" k8s.io/kubernetes/cmd/kubectl

"${out_dir}/kube-apiserver" --version
"${out_dir}/kubectl" version --client
"${out_dir}/etcd" --version | sed -n 1p
printf '%s\n' "${want_stamp}" >"${stamp}"
