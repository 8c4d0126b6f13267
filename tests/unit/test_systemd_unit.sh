#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The unit as make builds it: systemd-analyze verify is clean, its exposure
# score is 1.5 or lower (with the settings that make it so: loopback alone
# for addresses, no mounts of its own, no @resources nor most of @privileged,
# umask 0077), and the settings the daemon depends on are there
# (notify, the configuration checked before start and reload, the watchdog,
# the fd store, only CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON), and its
# ExecCondition tells a configured host from a fresh install.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
UNIT=$BUILD/systemd/vxlan-pipeline.service
TMP=$(mktemp -d /tmp/vxp-unit.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

command -v systemd-analyze >/dev/null ||
	{ echo "Bail out! systemd-analyze is missing (Debian: systemd; Fedora: systemd)"; exit 1; }
[ -f "$UNIT" ] || { echo "Bail out! $UNIT is not built"; exit 1; }
sbindir=$(sed -n 's|^ExecStart=\(.*\)/vxlan-pipelined .*|\1|p' "$UNIT")
# verify wants the commands to exist: the built ones stand in for the installed
sed "s|$sbindir/|$BUILD/src/|g" "$UNIT" >"$TMP/vxlan-pipeline.service"

systemd-analyze verify --man=no "$TMP/vxlan-pipeline.service" >"$TMP/verify.txt" 2>&1
ok $? "systemd-analyze verify passes"
[ ! -s "$TMP/verify.txt" ]
ok $? "... without a warning$(sed 's/^/: /' "$TMP/verify.txt" | head -n 3)"

systemd-analyze security --offline=yes --no-pager "$TMP/vxlan-pipeline.service" \
	>"$TMP/security.txt" 2>&1
score=$(sed -n 's/.*Overall exposure level for vxlan-pipeline.service: \([0-9.]*\).*/\1/p' \
	"$TMP/security.txt")
[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 1.5) }'
ok $? "systemd-analyze security: exposure ${score:-unknown} (1.5 or lower)"

has() { grep -qx "$1" "$UNIT"; }
has "IPAddressDeny=any" && has "IPAddressAllow=localhost" && has "PrivateMounts=yes" &&
	has "UMask=0077" && has "SystemCallFilter=~@privileged @resources" &&
	has "SystemCallFilter=bpf capset @chown"
ok $? "loopback alone for addresses, private mounts, umask 0077, @privileged but bpf, capset and @chown denied"
has "Type=notify" && has "NotifyAccess=main"
ok $? "Type=notify, only the main process may notify"
grep -q "^ExecStartPre=$sbindir/vxlan-pipelined --check-config$" "$UNIT"
ok $? "the configuration is checked before start"
[ "$(grep '^ExecReload=' "$UNIT" | head -n 1)" = "ExecReload=$sbindir/vxlan-pipelined --check-config" ] &&
	[ "$(grep '^ExecReload=' "$UNIT" | sed -n 2p)" = 'ExecReload=/bin/kill -HUP $MAINPID' ]
ok $? "reload checks the configuration first, then sends SIGHUP"
grep -qE "^WatchdogSec=[1-9][0-9]*(s|min)?$" "$UNIT" && has "Restart=on-failure" && grep -q "^FileDescriptorStoreMax=[1-9]" "$UNIT"
ok $? "a watchdog (WatchdogSec= a time, not 0), restart on failure, an fd store"
has "CapabilityBoundingSet=CAP_BPF CAP_NET_ADMIN CAP_PERFMON" &&
	has "AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON" &&
	has "NoNewPrivileges=yes" && has "User=vxlan-pipeline"
ok $? "the vxlan-pipeline user with CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON only, no new privileges"
# ExecCondition: the shipped files (no ingress set) skip the start with a
# message; an ingress set in any *.conf lets it go on. The command as the
# unit has it, pointed at copies of conf/.
top=${VXP_TOP_SRCDIR:-$BUILD/..}
confdir=$(sed -n 's|^ExecCondition=.* \([^ ]*\)/\*\.conf .*|\1|p' "$UNIT")
cond=$(sed -n 's/^ExecCondition=//p' "$UNIT")
mkdir "$TMP/shipped" "$TMP/configured"
cp "$top/conf/pipeline.conf" "$top/conf/nat.conf" "$TMP/shipped/"
cp "$top/conf/pipeline.conf" "$top/conf/nat.conf" "$TMP/configured/"
printf '  ingress = "ens5";\negress = "ens6";\n' >"$TMP/configured/50-site.conf"
exec_condition() { # exec_condition DIR: the unit's ExecCondition on DIR
	eval "${cond//$confdir/$1}"
}
[ -n "$confdir" ] && ! exec_condition "$TMP/shipped" 2>"$TMP/cond.txt" &&
	grep -q "vxlan-pipeline is not configured: no ingress in $TMP/shipped/\*.conf" "$TMP/cond.txt"
ok $? "ExecCondition: the shipped configuration is 'not configured', the start skipped"
diag "$(cat "$TMP/cond.txt")"
exec_condition "$TMP/configured" 2>"$TMP/cond.txt" && [ ! -s "$TMP/cond.txt" ]
ok $? "ExecCondition: an ingress set in another *.conf lets the start go on"
sed -i 's/^#ingress = /ingress = /' "$TMP/shipped/pipeline.conf"
exec_condition "$TMP/shipped"
ok $? "ExecCondition: so does the shipped line, uncommented"
has "RuntimeDirectory=vxlan-pipeline" &&
	grep -q 'control_socket = "/run/vxlan-pipeline/control.sock"' "${VXP_TOP_SRCDIR:-$BUILD/..}/conf/pipeline.conf"
ok $? "the runtime directory is where the shipped configuration puts the control socket"

tap_done
