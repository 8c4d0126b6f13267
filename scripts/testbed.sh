#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The two-host testbed on one machine: three network namespaces joined by veth
# pairs, the daemon in the middle with a generated configuration, torn down on
# exit whatever happened. Tests, benchmarks and the demo all use it.
#
#   src                              dut                               sink
#   vxlan-trafficgen, or vx0 (the kernel's vxlan device, VNI 42,
#   192.168.50.1 -> .2 by a static neighbour)
#   s-eth0 10.100.0.2  ---veth---  d-in0 10.100.0.1  [vxlan-pipelined]
#                                  d-out0 10.200.0.1  ---veth---  k-eth0 10.200.0.2
#
# Checksum offload is off on the sending side (partial checksums would arrive
# wrong through the tunnel); k-eth0 has GRO on, which a redirect into a veth
# needs unless an XDP program sits there. The default NAT rules send inner UDP
# and TCP to destination port 5000 (vxlan-trafficgen's default) to
# 10.200.0.2:6000.
#
# As a command:   scripts/testbed.sh run COMMAND...
#   builds the testbed, starts the daemon, runs COMMAND with TB_SRC, TB_DUT,
#   TB_SINK (namespace names), TB_DIR and TB_BUILD in its environment, and
#   tears everything down. TB_METRICS sets metrics_listen, TB_EXTRA adds lines
#   to pipeline.conf.
# As a library:   . scripts/testbed.sh; tb_up; tb_conf; tb_daemon_start ...

# The daemon trusts only configuration files others cannot write (as
# StrictModes): what the testbed writes is 0644 whatever umask it inherits.
umask 022
TB_BUILD=${TB_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build}
TB_DAEMON=${TB_DAEMON:-$TB_BUILD/src/vxlan-pipelined}
TB_TRAFFICGEN=${TB_TRAFFICGEN:-$TB_BUILD/src/vxlan-trafficgen}
TB_ID=${TB_ID:-$$}
TB_SRC=vxp-src-$TB_ID
TB_DUT=vxp-dut-$TB_ID
TB_SINK=vxp-sink-$TB_ID
TB_DIR=$(mktemp -d /tmp/vxp-testbed.XXXXXX)
TB_PIDS=""
export TB_BUILD TB_SRC TB_DUT TB_SINK TB_DIR

# Foreground only: a function run with & is a subshell, and $! its PID, not the
# command's; background commands use ip netns exec directly.
tb_src() { ip netns exec "$TB_SRC" "$@"; }
tb_dut() { ip netns exec "$TB_DUT" "$@"; }
tb_sink() { ip netns exec "$TB_SINK" "$@"; }

# Background processes the testbed's user started, stopped by PID at the end.
tb_track() { TB_PIDS="$TB_PIDS $*"; }

tb_down() {
	local p
	for p in $TB_PIDS; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	TB_PIDS=""
	ip netns del "$TB_SRC" 2>/dev/null
	ip netns del "$TB_DUT" 2>/dev/null
	ip netns del "$TB_SINK" 2>/dev/null
	rm -rf "$TB_DIR"
}
trap tb_down EXIT
trap 'exit 1' INT TERM

tb_up() {
	ip netns add "$TB_SRC" && ip netns add "$TB_DUT" && ip netns add "$TB_SINK" || return 1
	ip link add s-eth0 netns "$TB_SRC" type veth peer name d-in0 netns "$TB_DUT" || return 1
	ip link add d-out0 netns "$TB_DUT" type veth peer name k-eth0 netns "$TB_SINK" || return 1
	tb_src ip link set lo up && tb_dut ip link set lo up && tb_sink ip link set lo up &&
	tb_src ip addr add 10.100.0.2/24 dev s-eth0 && tb_src ip link set s-eth0 up &&
	tb_dut ip addr add 10.100.0.1/24 dev d-in0 && tb_dut ip link set d-in0 up &&
	tb_dut ip addr add 10.200.0.1/24 dev d-out0 && tb_dut ip link set d-out0 up &&
	tb_sink ip addr add 10.200.0.2/24 dev k-eth0 && tb_sink ip link set k-eth0 up &&
	tb_dut sysctl -qw net.ipv4.ip_forward=1 &&
	tb_sink ethtool -K k-eth0 gro on >/dev/null || return 1
	tb_src ip link add vx0 type vxlan id 42 remote 10.100.0.1 local 10.100.0.2 \
		dstport 4789 dev s-eth0 &&
	# no IPv6 on it: its DAD and MLD would be VXLAN packets nobody sent
	tb_src sysctl -qw net.ipv6.conf.vx0.disable_ipv6=1 &&
	tb_src ip addr add 192.168.50.1/24 dev vx0 && tb_src ip link set vx0 up &&
	tb_src ip neigh add 192.168.50.2 lladdr 02:aa:00:00:00:02 dev vx0 || return 1
	tb_src ethtool -K s-eth0 tx off >/dev/null && tb_src ethtool -K vx0 tx off >/dev/null ||
		return 1
	# static neighbours: no ARP round trip in the measurements
	tb_dut ip neigh replace 10.200.0.2 lladdr "$(tb_sink cat /sys/class/net/k-eth0/address)" \
		dev d-out0 nud permanent &&
	tb_src ip neigh replace 10.100.0.1 lladdr "$(tb_dut cat /sys/class/net/d-in0/address)" \
		dev s-eth0 nud permanent
}

# tb_conf [NAT_TARGET [EXTRA_PIPELINE_LINES]]: the daemon's configuration in
# $TB_DIR/conf; TB_INGRESS and TB_MODE change the ingress and the XDP mode.
tb_conf() {
	local target=${1:-10.200.0.2:6000}
	mkdir -p "$TB_DIR/conf"
	cat >"$TB_DIR/conf/pipeline.conf" <<EOF
ingress = "${TB_INGRESS:-d-in0}";
egress = "d-out0";
xdp_mode = "${TB_MODE:-native}";
vni = [ 1, 42 ];
stats_interval = 1;
metrics_listen = "${TB_METRICS:-}";
control_socket = "$TB_DIR/control.sock";
${2:-}
EOF
	cat >"$TB_DIR/conf/nat.conf" <<EOF
nat = (
	{ proto = "udp"; dst_port = 5000; to = "$target"; },
	{ proto = "tcp"; dst_port = 5000; to = "$target"; }
);
EOF
}

# tb_daemon_start ARGS...: the daemon in the dut namespace with a NOTIFY_SOCKET
# the testbed reads (TB_DAEMON_ENV: more NAME=value words for its environment);
# waits for READY=1. Sets TB_DAEMON_PID and TB_NOTIFY_PID.
tb_daemon_start() {
	rm -f "$TB_DIR/notify.log" "$TB_DIR/daemon.log"
	"$TB_BUILD/tests/netns/flowtool" notify-listen "$TB_DIR/notify.sock" "$TB_DIR/notify.log" &
	TB_NOTIFY_PID=$!
	tb_track $TB_NOTIFY_PID
	for _ in $(seq 300); do [ -S "$TB_DIR/notify.sock" ] && break; sleep 0.1; done
	# shellcheck disable=SC2086 # TB_DAEMON_ENV is a list of words
	ip netns exec "$TB_DUT" env NOTIFY_SOCKET="$TB_DIR/notify.sock" ${TB_DAEMON_ENV:-} \
		"$TB_DAEMON" "$@" >"$TB_DIR/daemon.log" 2>&1 &
	TB_DAEMON_PID=$!
	tb_track $TB_DAEMON_PID
	tb_notify_wait '^READY=1$' 1
}

# tb_notify_wait REGEX COUNT: until COUNT notify lines match, TB_NOTIFY_WAIT
# seconds (default 30) at most
tb_notify_wait() {
	for _ in $(seq $((${TB_NOTIFY_WAIT:-30} * 10))); do
		[ "$(grep -cE "$1" "$TB_DIR/notify.log" 2>/dev/null)" -ge "$2" ] && return 0
		kill -0 "$TB_DAEMON_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# tb_reload: SIGHUP, and until the daemon says READY=1 once more
tb_reload() {
	local n
	n=$(grep -c '^READY=1$' "$TB_DIR/notify.log")
	kill -HUP "$TB_DAEMON_PID"
	tb_notify_wait '^READY=1$' $((n + 1))
}

# tb_daemon_stop: SIGTERM; its exit status in TB_DAEMON_STATUS
tb_daemon_stop() {
	kill -TERM "$TB_DAEMON_PID" 2>/dev/null
	wait "$TB_DAEMON_PID"
	TB_DAEMON_STATUS=$?
	export TB_DAEMON_STATUS
	kill -TERM "$TB_NOTIFY_PID" 2>/dev/null
	wait "$TB_NOTIFY_PID" 2>/dev/null
}

# tb_xdp_attached NS IFACE: an XDP program is on the interface
tb_xdp_attached() {
	ip -n "$1" -details link show "$2" | grep -q 'prog/xdp'
}

tb_usage() {
	cat <<EOF
Usage: $0 run COMMAND...
Builds the three-namespace testbed ($TB_SRC, $TB_DUT, $TB_SINK), starts
vxlan-pipelined in $TB_DUT, runs COMMAND with TB_SRC, TB_DUT, TB_SINK, TB_DIR
and TB_BUILD set, and tears it all down. Needs root and a build in $TB_BUILD.
EOF
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case "${1:-}" in
	run)
		shift
		[ $# -gt 0 ] || { tb_usage >&2; exit 64; }
		[ "$(id -u)" = 0 ] || { echo "testbed.sh: needs root" >&2; exit 77; }
		tb_up || { echo "testbed.sh: building the topology failed" >&2; exit 1; }
		tb_conf "10.200.0.2:6000" "${TB_EXTRA:-}"
		tb_daemon_start --config-dir "$TB_DIR/conf" ||
			{ echo "testbed.sh: the daemon did not start:" >&2; cat "$TB_DIR/daemon.log" >&2; exit 1; }
		"$@"
		exit $?
		;;
	-h | --help)
		tb_usage
		;;
	*)
		tb_usage >&2
		exit 64
		;;
	esac
fi
