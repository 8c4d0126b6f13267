#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vxlan-pipelined --check-config against careless or hostile files, as the
# unit's ExecStartPre and ExecReload run it: it refuses them, naming the file
# (and line) and what to do, within bounds that do not depend on the file:
# 200 rules of dst_port "1-65535" (26 million entries if expanded) are judged
# under a 256 MiB address-space limit (before the count came first, expanding
# them took 2.5 GB and 36 s or more); as OpenSSH's StrictModes, a file or
# directory others could write or another user owns is refused with the fix,
# and a FIFO named *.conf is refused without hanging (each run has 30 s).
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
check() { timeout 30 "$DAEMON" --check-config --config-dir "$1" >"$TMP/out" 2>"$TMP/err"; }
# refused DIR MESSAGE: --check-config exits 78 and says MESSAGE, whole
refused() {
	check "$1"
	local status=$?
	[ "$status" = 78 ] && grep -qxF "vxlan-pipelined: error: $2" "$TMP/err"
}

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

test_strict_modes() {
	local d
	d=$(conf_dir good)
	check "$d"
	ok $? "a directory 0755 and files 0644 of this user's: accepted"
	diag "$(cat "$TMP/err")"
	d=$(conf_dir file-o+w)
	chmod o+w "$d/pipeline.conf"
	refused "$d" "$d/pipeline.conf: a configuration file writable by others (mode 0646): anyone on this host could change where mirrored traffic goes; run: chmod go-w '$d/pipeline.conf'"
	ok $? "a world-writable file: refused, with the chmod that fixes it"
	diag "$(cat "$TMP/err")"
	d=$(conf_dir file-g+w)
	chmod g+w "$d/pipeline.conf"
	refused "$d" "$d/pipeline.conf: a configuration file writable by group (mode 0664): anyone in its group could change where mirrored traffic goes; run: chmod go-w '$d/pipeline.conf'"
	ok $? "a group-writable file: refused"
	d=$(conf_dir dir-g+w)
	chmod 0775 "$d"
	refused "$d" "$d: the configuration directory writable by group (mode 0775): anyone in its group could change where mirrored traffic goes; run: chmod go-w '$d'"
	ok $? "a group-writable directory: refused"
	diag "$(cat "$TMP/err")"
	d=$(conf_dir fifo)
	mkfifo "$d/nat.conf"
	refused "$d" "$d/nat.conf: a FIFO, not a regular file: remove it, or rename it so that it does not end in '.conf'"
	ok $? "a FIFO named nat.conf: refused at once, not waited on"
	diag "$(cat "$TMP/err")"
	d=$(conf_dir reload)
	chmod o+w "$d/pipeline.conf"
	chmod o-w "$d/pipeline.conf"
	check "$d"
	ok $? "the same file once chmod go-w ran: accepted"
	if [ "$(id -u)" = 0 ]; then
		d=$(conf_dir owner)
		chown nobody "$d/pipeline.conf"
		refused "$d" "$d/pipeline.conf: a configuration file owned by nobody, not root: anyone who is could change it; run: chown root '$d/pipeline.conf'"
		ok $? "a file another user owns: refused, with the chown that fixes it"
		diag "$(cat "$TMP/err")"
	else
		ok 0 "# SKIP a file another user owns: needs root to make one"
	fi
}

test_exploding_ranges
test_strict_modes
tap_done
