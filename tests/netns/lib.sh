# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the network-namespace tests: TAP output, the privileged-test rule
# (skip locally, fail under CI=true), and the three-namespace topology
#
#   src ns                          dut ns                            sink ns
#   vx0 (kernel vxlan, VNI 42)
#   192.168.50.1 -> .2 (static neigh)
#   s-eth0 10.100.0.2  ---veth---  d-in0 10.100.0.1 [XDP]
#                                  d-out0 10.200.0.1  ---veth---  k-eth0 10.200.0.2 (GRO on)
#
# torn down by a trap whatever happens. Callers set BUILD (the build tree).

tap_n=0
tap_failed=0
NS_SRC=vxp-src-$$
NS_DUT=vxp-dut-$$
NS_SINK=vxp-sink-$$
TMP=$(mktemp -d /tmp/vxp-netns.XXXXXX)
PIDS=""

ok() { # ok STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

diag() {
	echo "$*" | sed 's/^/# /'
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

require_root() {
	[ "$(id -u)" = 0 ] && return 0
	if [ "${CI:-}" = true ]; then
		echo "Bail out! $1 needs root, and CI=true forbids skipping it"
		exit 1
	fi
	echo "1..0 # SKIP $1 needs root"
	exit 0
}

# Foreground only: a function run with & is a subshell, and $! its PID, not the
# command's; background commands use ip netns exec directly.
in_src() { ip netns exec "$NS_SRC" "$@"; }
in_dut() { ip netns exec "$NS_DUT" "$@"; }
in_sink() { ip netns exec "$NS_SINK" "$@"; }

# Background processes this test started, stopped by PID on exit.
track() { PIDS="$PIDS $1"; }

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$NS_SRC" 2>/dev/null
	ip netns del "$NS_DUT" 2>/dev/null
	ip netns del "$NS_SINK" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

topo_up() {
	ip netns add "$NS_SRC" && ip netns add "$NS_DUT" && ip netns add "$NS_SINK" || return 1
	ip link add s-eth0 netns "$NS_SRC" type veth peer name d-in0 netns "$NS_DUT" || return 1
	ip link add d-out0 netns "$NS_DUT" type veth peer name k-eth0 netns "$NS_SINK" || return 1
	in_src ip link set lo up && in_dut ip link set lo up && in_sink ip link set lo up &&
	in_src ip addr add 10.100.0.2/24 dev s-eth0 && in_src ip link set s-eth0 up &&
	in_dut ip addr add 10.100.0.1/24 dev d-in0 && in_dut ip link set d-in0 up &&
	in_dut ip addr add 10.200.0.1/24 dev d-out0 && in_dut ip link set d-out0 up &&
	in_sink ip addr add 10.200.0.2/24 dev k-eth0 && in_sink ip link set k-eth0 up &&
	in_dut sysctl -qw net.ipv4.ip_forward=1 || return 1
	# a redirect into a veth needs GRO (or XDP) on its peer
	in_sink ethtool -K k-eth0 gro on >/dev/null || return 1
	in_src ip link add vx0 type vxlan id 42 remote 10.100.0.1 local 10.100.0.2 \
		dstport 4789 dev s-eth0 &&
	in_src ip addr add 192.168.50.1/24 dev vx0 && in_src ip link set vx0 up &&
	in_src ip neigh add 192.168.50.2 lladdr 02:aa:00:00:00:02 dev vx0 || return 1
	# partial checksums would arrive wrong through the tunnel
	in_src ethtool -K s-eth0 tx off >/dev/null && in_src ethtool -K vx0 tx off >/dev/null ||
		return 1
	mac=$(in_sink cat /sys/class/net/k-eth0/address)
	in_dut ip neigh add 10.200.0.2 lladdr "$mac" dev d-out0 nud permanent
}

# conf_write NAT_TARGET [EXTRA_PIPELINE_LINES]: the daemon's configuration;
# CONF_INGRESS and CONF_MODE change the ingress interface and the XDP mode.
conf_write() {
	mkdir -p "$TMP/conf"
	cat >"$TMP/conf/pipeline.conf" <<EOF
ingress = "${CONF_INGRESS:-d-in0}";
egress = "d-out0";
xdp_mode = "${CONF_MODE:-native}";
vni = [ 42 ];
stats_interval = 1;
metrics_listen = "";
${2:-}
EOF
	cat >"$TMP/conf/nat.conf" <<EOF
nat = (
	{ proto = "udp"; dst_port = 5000; to = "$1"; }
);
EOF
}

# daemon_start ARGS...: starts vxlan-pipelined in the dut namespace with a
# NOTIFY_SOCKET this test reads (and DAEMON_ENV, more NAME=value words, in its
# environment); waits for READY=1. Sets DAEMON_PID.
daemon_start() {
	rm -f "$TMP/notify.log" "$TMP/daemon.log"
	"$BUILD/tests/netns/flowtool" notify-listen "$TMP/notify.sock" "$TMP/notify.log" &
	NOTIFY_PID=$!
	track $NOTIFY_PID
	for _ in $(seq 50); do [ -S "$TMP/notify.sock" ] && break; sleep 0.1; done
	# shellcheck disable=SC2086 # DAEMON_ENV is a list of words
	ip netns exec "$NS_DUT" env NOTIFY_SOCKET="$TMP/notify.sock" ${DAEMON_ENV:-} \
		"$BUILD/src/vxlan-pipelined" "$@" >"$TMP/daemon.log" 2>&1 &
	DAEMON_PID=$!
	track $DAEMON_PID
	notify_wait '^READY=1$' 1
}

# notify_wait REGEX COUNT: until COUNT lines match, 10 s at most
notify_wait() {
	for _ in $(seq 100); do
		[ "$(grep -cE "$1" "$TMP/notify.log" 2>/dev/null)" -ge "$2" ] && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

daemon_stop() {
	kill -TERM "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID"
	DAEMON_STATUS=$? # read by the tests
	export DAEMON_STATUS
	kill -TERM "$NOTIFY_PID" 2>/dev/null
	wait "$NOTIFY_PID" 2>/dev/null
}

# xdp_attached NS IFACE: an XDP program is on the interface
xdp_attached() {
	ip -n "$1" -details link show "$2" | grep -q 'prog/xdp'
}
