#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# container/Containerfile as an operator uses it, with podman: the image is
# built FROM the system tests' Debian 12 root (imported: no image registry is
# needed) with this tree's .deb installed; it runs in the testbed's dut
# namespace with CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON only (and a seccomp
# profile that lets them use bpf(2): container/seccomp-bpf.py), its
# configuration from a mounted directory and the daemon in the foreground as
# the container's process; traffic goes through it to the collector; podman
# stop and podman kill both leave no XDP program behind.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${VXP_BUILD_DIR:-$SRC/build}
TB_BUILD=$BUILD
# shellcheck source=tests/netns/lib.sh
. "$SRC/tests/netns/lib.sh"
# shellcheck source=tests/system/lib.sh
. "$SRC/tests/system/lib.sh"

PY=${PYTHON:-python3}
require_root "the container test"
require_tools debootstrap systemd-nspawn dpkg-buildpackage autoreconf podman curl
sys_lock
BASE=localhost/vxp-test-base:$$
IMAGE=localhost/vxp-test-pipeline:$$
NAME=vxp-test-$$
# The RUN steps need no OCI runtime (chroot isolation). To run: runc when
# there is one (crun 1.8 refuses hosts with cgroup v1 and v2 controllers
# mounted together), and small rlimits, which podman's defaults (a million
# files) may exceed on a host with lower hard limits.
RUNTIME=()
if command -v runc >/dev/null; then RUNTIME=(--runtime runc); fi
RUNTIME+=(--ulimit nofile=1024:4096 --ulimit nproc=1024:4096)
# podman's own seccomp profile, with bpf(2) for CAP_BPF and perf_event_open(2)
# for CAP_PERFMON: older ones (Debian 12's) allow them to CAP_SYS_ADMIN only
SECCOMP=${VXP_SECCOMP_DEFAULT:-/usr/share/containers/seccomp.json}
cleanup() {
	podman rm -f "$NAME" >/dev/null 2>&1
	podman rmi -f "$IMAGE" "$BASE" >/dev/null 2>&1
	tb_down
}
trap cleanup EXIT

DEB=$(sys_build_deb "$TB_DIR/pkg") || { echo "$DEB"; exit 1; }
sys_root "$DEB"
tar -C "$ROOT_CACHE" --exclude=./.complete -c . | podman import -q - "$BASE" >"$TB_DIR/import.log" 2>&1
ok $? "the system tests' Debian 12 root imported as the base image"
diag "$(tail -n 3 "$TB_DIR/import.log")"
mkdir "$TB_DIR/ctx"
cp "$DEB" "$TB_DIR/ctx/"
podman build -q --layers=false --isolation chroot --network host --build-arg BASE="$BASE" -f "$SRC/container/Containerfile" -t "$IMAGE" \
	"$TB_DIR/ctx" >"$TB_DIR/build.log" 2>&1
ok $? "podman build -f container/Containerfile: the .deb installed into it"
diag "$(grep -iE 'error|warning' "$TB_DIR/build.log" | head -n 5)"
[ "$(podman image inspect -f '{{json .Config.Entrypoint}}' "$IMAGE")" = '["/usr/sbin/vxlan-pipelined","--foreground"]' ] &&
	podman run --rm "${RUNTIME[@]}" --entrypoint /usr/sbin/vxlan-pipelined "$IMAGE" --version >"$TB_DIR/version.txt" &&
	grep -q "^vxlan-pipelined $(dpkg-deb -f "$DEB" Version)\$" "$TB_DIR/version.txt"
ok $? "the image runs vxlan-pipelined --foreground, the version of the .deb ($(head -n 1 "$TB_DIR/version.txt"))"

"$PY" "$SRC/container/seccomp-bpf.py" "$SECCOMP" >"$TB_DIR/seccomp.json" 2>"$TB_DIR/seccomp.err"
ok $? "container/seccomp-bpf.py: $SECCOMP with bpf(2) for CAP_BPF"
diag "$(cat "$TB_DIR/seccomp.err")"

require_topology
# the configuration, from a directory of the host mounted read-only
mkdir "$TB_DIR/cconf"
cat >"$TB_DIR/cconf/pipeline.conf" <<EOF
ingress = "d-in0";
egress = "d-out0";
xdp_mode = "native";
vni = [ 42 ];
stats_interval = 1;
unmatched = "drop";
metrics_listen = "10.100.0.1:9464";
control_socket = "";
EOF
echo 'nat = ( { proto = "udp"; dst_port = 5000; to = "10.200.0.2:6000"; } );' >"$TB_DIR/cconf/nat.conf"

run() { # run: the container, detached, in the dut namespace
	podman run -d "${RUNTIME[@]}" --name "$NAME" --network "ns:/run/netns/$TB_DUT" \
		--cap-drop all --cap-add BPF,NET_ADMIN,PERFMON --security-opt "seccomp=$TB_DIR/seccomp.json" \
		-v "$TB_DIR/cconf:/etc/vxlan-pipeline:ro" "$IMAGE" >"$TB_DIR/run.log" 2>&1 || return 1
	local code
	for _ in $(seq 100); do
		code=$(tb_src curl -s -o /dev/null -m 1 -w '%{http_code}' http://10.100.0.1:9464/healthz)
		[ "$code" = 200 ] && return 0
		[ "$(podman inspect -f '{{.State.Running}}' "$NAME")" = true ] || break
		sleep 0.1
	done
	return 1
}

test_run() {
	run
	ok $? "podman run --cap-drop all --cap-add BPF,NET_ADMIN,PERFMON (not privileged): /healthz answers 200"
	diag "$(podman logs "$NAME" 2>&1 | tail -n 5)"
	local pid caps
	pid=$(podman inspect -f '{{.State.Pid}}' "$NAME")
	[ "$(podman inspect -f '{{.HostConfig.Privileged}}' "$NAME")" = false ] &&
		[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "/usr/sbin/vxlan-pipelined --foreground " ] &&
		[ "$(podman top "$NAME" pid ppid comm | tail -n +2 | tr -s ' ' | sed 's/^ //' |
			sed 's/^[0-9]* 1 vxp-resolver$/N 1 vxp-resolver/' | tr '\n' ';')" = \
			"1 0 vxlan-pipelined;N 1 vxp-resolver;" ]
	ok $? "the daemon is the container's PID 1, in the foreground, and its one other process is the neighbour resolver it forked"
	diag "$(podman top "$NAME" pid ppid comm)"
	# without CAP_SETPCAP it cannot empty its bounding set; it drops the rest
	# but what a map update needs on this kernel, which the test finds out
	# itself (flowtool bpf-caps)
	local need keep
	need=$("$BUILD/tests/netns/flowtool" bpf-caps)
	case $need in none) keep=0000000000000000 ;; CAP_BPF) keep=0000008000000000 ;; *) keep=unknown ;; esac
	caps=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$pid/status")
	[ "$caps" = "$keep" ]
	ok $? "once attached it keeps only what a map update needs here, ${need:-?} (CapEff $caps, CapBnd $(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$pid/status"))"
	tb_xdp_attached "$TB_DUT" d-in0 && tb_xdp_attached "$TB_DUT" d-out0
	ok $? "its programs are on d-in0 and d-out0"
	[ "$(tb_through 2000)" = 2000 ]
	ok $? "2000 packets through the container to the collector ($(sed -n 's/.*"received": \([0-9]*\).*/\1/p' "$TB_DIR/recv-6000.json"))"
	tb_src curl -s -m 3 http://10.100.0.1:9464/metrics >"$TB_DIR/metrics.txt"
	grep -Eq '^vxlan_pipeline_packets_total\{result="redirect",reason="forwarded"\} 2000$' "$TB_DIR/metrics.txt"
	ok $? "its /metrics counts the 2000 forwarded"
}

test_stop() {
	podman stop -t 10 "$NAME" >/dev/null 2>&1
	ok $? "podman stop"
	local left
	left=$(sys_xdp_left)
	[ "$(podman inspect -f '{{.State.ExitCode}}' "$NAME")" = 0 ] && [ -z "$left" ]
	ok $? "the daemon exits 0 on SIGTERM and nothing stays attached${left:+: $left}"
	podman rm -f "$NAME" >/dev/null 2>&1
}

none_attached() { [ -z "$(sys_xdp_left)" ]; }
test_kill() {
	run
	ok $? "podman run again: /healthz 200"
	podman kill -s KILL "$NAME" >/dev/null 2>&1
	podman wait "$NAME" >/dev/null 2>&1
	local left
	wait_until 30 none_attached
	left=$(sys_xdp_left)
	[ -z "$left" ]
	ok $? "podman kill -s KILL: the links die with the daemon, nothing stays attached${left:+: $left}"
	podman rm -f "$NAME" >/dev/null 2>&1
}

test_run
test_stop
test_kill
tap_done
