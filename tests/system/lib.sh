# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the tests that use the cached Debian 12 root (test_upgrade.sh,
# test_container.sh): one of them at a time (a lock), the .deb built from
# this tree at any version, the root with a package's dependencies in it, and
# a booted systemd container in the testbed's dut namespace. Callers set SRC
# and BUILD and source tests/netns/lib.sh first.

CACHE=${VXP_SYSTEM_CACHE:-/var/cache/vxlan-pipeline-tests}
ROOT_CACHE=$CACHE/bookworm

# sys_lock: the tests that use the cached root and boot containers run one at
# a time, make check -j or not (test_system.sh takes the same lock)
sys_lock() {
	exec 8>>"${VXP_SYSTEM_LOCK:-/tmp/vxlan-pipeline-system-tests.lock}"
	flock 8
}


# sys_build_deb OUTDIR [VERSION]: vxlan-pipeline's .deb from this tree (at
# VERSION), without its build-time tests (make check runs those); its path
# on stdout
sys_build_deb() {
	local out=$1
	if ! DEB_BUILD_OPTIONS=nocheck VXP_VERSION=${2:-} "$SRC/scripts/build-packages.sh" deb "$out" \
		>"$out.log" 2>&1; then
		echo "Bail out! building the .deb ${2:-} failed: $(tail -n 5 "$out.log")"
		exit 1
	fi
	ls "$out"/vxlan-pipeline_*.deb
}

# sys_root DEB: the cached root, built once, with DEB's dependencies
# installed (from the mirror, with this machine's network)
sys_root() {
	local deb=$1 deps missing
	if ! "$SRC/tests/system/mkroot.sh" "$ROOT_CACHE" >"$TB_DIR/mkroot.log" 2>&1; then
		echo "Bail out! debootstrap failed: $(tail -n 5 "$TB_DIR/mkroot.log")"
		exit 1
	fi
	deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/[(|].*//; s/ //g' | grep -v '^$' | tr '\n' ' ')
	# shellcheck disable=SC2016 # dpkg-query's format
	missing=$(cd "$ROOT_CACHE" && for d in $deps; do
		chroot . dpkg-query -W -f '${Status}\n' "$d" 2>/dev/null | grep -q '^install ok installed' ||
			printf '%s ' "$d"
	done)
	[ -n "$missing" ] || return 0
	# shellcheck disable=SC2086 # a list of package names
	systemd-nspawn -q -D "$ROOT_CACHE" --register=no --keep-unit --pipe sh -c \
		"apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing" \
		>"$TB_DIR/deps.log" 2>&1 ||
		{ echo "Bail out! installing $missing in the root failed: $(tail -n 5 "$TB_DIR/deps.log")"; exit 1; }
}

# sys_boot ROOT: a copy of the cached root in ROOT, booted with systemd in the
# dut namespace with what BPF and XDP need; sets NSPAWN and LEADER, and ct
# runs a command inside. Says whether systemd came up.
sys_boot() {
	ROOT=$1
	cp -a --reflink=auto "$ROOT_CACHE" "$ROOT"
	systemd-nspawn -q -D "$ROOT" --boot --register=no --keep-unit --console=passive \
		--network-namespace-path="/run/netns/$TB_DUT" \
		--capability=CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN,CAP_SYS_ADMIN \
		--system-call-filter=bpf >"$TB_DIR/nspawn.log" 2>&1 &
	NSPAWN=$!
	tb_track $NSPAWN
	for _ in $(seq 100); do LEADER=$(sys_leader) && break; sleep 0.2; done
	local state="" deadline=$((SECONDS + 120))
	while [ $SECONDS -lt $deadline ]; do
		state=$(ct timeout 60 systemctl is-system-running --wait 2>/dev/null)
		[ -n "$state" ] && [ "$state" != offline ] && break
		sleep 1
	done
	# running, nothing failed: a degraded boot hides whatever broke, and no
	# unit of this root is known to fail
	[ "$state" = running ]
	ok $? "the container boots: systemd says '$state'"
	[ "$state" = running ] || diag "failed units: $(ct systemctl --failed --no-legend 2>&1)"
	[ "$state" = running ]
}

# the container's PID 1: the descendant of nspawn that runs systemd
sys_leader() {
	local p c
	for p in $(pgrep -P "$NSPAWN") $(pgrep -P "$(pgrep -P "$NSPAWN" | head -n 1)" 2>/dev/null); do
		c=$(cat "/proc/$p/comm" 2>/dev/null)
		[ "$c" = systemd ] && { echo "$p"; return 0; }
	done
	return 1
}

ct() { nsenter -t "$LEADER" -m -u -i -n -p -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

sys_poweroff() {
	ct systemctl poweroff >/dev/null 2>&1
	for _ in $(seq 50); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.2; done
}

# sys_xdp_left: the interfaces of the dut namespace that still have an XDP
# program (none once the daemon detached)
sys_xdp_left() {
	ip -n "$TB_DUT" -details -oneline link show | grep 'prog/xdp' | awk -F': ' '{ print $2 }' | cut -d@ -f1
}
