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

# Builds a local Go vulnerability database for `govulncheck -db file://...`,
# so that govulncheck runs without reaching vuln.go.dev. The OSV entries come
# from the Go module golang.org/x/vulndb (its data/osv folder), which the Go
# module proxy serves like any other module.
#
# Usage: hack/vulndb.sh OUT_DIR VULNDB_VERSION INDEXDB
#   OUT_DIR         folder that receives the database (index/, ID/)
#   VULNDB_VERSION  version of golang.org/x/vulndb, a pseudo-version
#   INDEXDB         path of the indexdb command built from that module
#
# The database is built once per OUT_DIR. indexdb stamps every entry and the
# database itself as modified 0001-01-01, because the OSV files in the module
# carry no modification or publication times. The script therefore records
# and prints the snapshot's date (the commit time in the pseudo-version) and
# the newest entry's ID.

set -euo pipefail

if [[ $# -ne 3 ]]; then
	echo "usage: $0 OUT_DIR VULNDB_VERSION INDEXDB" >&2
	exit 2
fi

out_dir=$1
version=$2
indexdb=$3
db_json="${out_dir}/index/db.json"

if [[ ! -f "${db_json}" ]]; then
	# `go mod download -json` prints the module's folder in the module cache
	# as "Dir": "...". It needs no go.mod, so it works from any directory.
	module_dir=$(go mod download -json "golang.org/x/vulndb@${version}" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	if [[ ! -d "${module_dir}/data/osv" ]]; then
		echo "error: golang.org/x/vulndb@${version} has no data/osv folder" \
			"(module folder: '${module_dir}')" >&2
		exit 1
	fi
	tmp_dir="${out_dir}.tmp"
	rm -rf "${tmp_dir}"
	mkdir -p "${tmp_dir}"
	echo "building the vulnerability database from golang.org/x/vulndb@${version}"
	"${indexdb}" -vulns "${module_dir}/data/osv" -out "${tmp_dir}"
	# A pseudo-version ends in yyyymmddhhmmss-commit: that time is the
	# snapshot's date in UTC.
	stamp=$(sed -E 's/.*-([0-9]{14})-[0-9a-f]+$/\1/' <<<"${version}")
	newest=$(ls "${module_dir}/data/osv" | sort -V | tail -n 1)
	printf 'snapshot %s-%s-%sT%s:%s:%sZ, newest entry %s\n' \
		"${stamp:0:4}" "${stamp:4:2}" "${stamp:6:2}" "${stamp:8:2}" "${stamp:10:2}" \
		"${stamp:12:2}" "${newest%.json}" >"${tmp_dir}/date.txt"
	rm -rf "${out_dir}"
	mv "${tmp_dir}" "${out_dir}"
fi

echo "vulnerability database: ${out_dir}, golang.org/x/vulndb@${version}," \
	"$(cat "${out_dir}/date.txt")"
