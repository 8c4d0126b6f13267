#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vxlan-pipelined --check-config against careless or hostile files, as the
# unit's ExecStartPre and ExecReload run it: it refuses them, naming the file
# (and line) and what to do, within bounds that do not depend on the file:
# 200 rules of dst_port "1-65535" (26 million entries if expanded) are judged
# under a 256 MiB address-space limit (before the count came first, expanding
# them took 2.5 GB and 36 s or more).
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DAEMON=$BUILD/src/vxlan-pipelined
TMP=$(mktemp -d /tmp/vxp-checkconf.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
umask 022

# conf_dir NAME: a directory with a pipeline.conf naming lo
conf_dir() {
	mkdir -p "$TMP/$1"
	printf 'ingress = "lo";\negress = "lo";\ncontrol_socket = "";\n' >"$TMP/$1/pipeline.conf"
	echo "$TMP/$1"
}
# check DIR: --check-config's exit status, its messages in $TMP/err
check() { "$DAEMON" --check-config --config-dir "$1" >"$TMP/out" 2>"$TMP/err"; }

test_exploding_ranges() {
	local d i status
	d=$(conf_dir explode)
	{
		echo "nat = ("
		for i in $(seq 200); do
			printf '  { proto = "udp"; dst_port = "1-65535"; dst = "10.9.%d.%d"; to = "10.0.0.1"; }%s\n' \
				$((i / 256)) $((i % 256)) "$([ "$i" -lt 200 ] && echo ,)"
		done
		echo ");"
	} >"$d/nat.conf"
	(ulimit -v 262144 && check "$d")
	status=$?
	[ "$status" = 78 ] && grep -qxF "vxlan-pipelined: error: $d/nat.conf:2: the NAT table is full at this rule: it holds $(sed -n 's/^#define VXP_NAT_ENTRIES_MAX[[:space:]]*\([0-9]*\).*/\1/p' "${VXP_TOP_SRCDIR:-$BUILD/..}/bpf/vxlan_pipeline.h") entries, one per matched port and one more per port that also has rules with 'dst'" "$TMP/err"
	ok $? "200 rules of dst_port \"1-65535\" ($(wc -c <"$d/nat.conf") bytes): refused within 256 MiB, the first rule named (exit $status)"
	diag "$(cat "$TMP/err")"
}

test_exploding_ranges
tap_done
