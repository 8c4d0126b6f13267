#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The data plane at its edges, with the real daemon on the testbed: VXLAN is
# taken only to the ingress's own addresses, which the daemon follows from
# netlink as they come and go.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
TG=$BUILD/src/vxlan-trafficgen
METRICS=127.0.0.1:9464

require_root "the edge test"
command -v curl >/dev/null || { echo "Bail out! curl is missing"; exit 1; }
require_topology

metric() { # metric NAME_WITH_LABELS: its value, or 0
	tb_dut curl -s -m 3 "http://$METRICS/metrics" |
		awk -v m="$1" '$1 == m { v = $2 } END { print v + 0 }'
}
forwarded() { metric 'vxlan_pipeline_packets_total{result="redirect",reason="forwarded"}'; }
logged() { grep -c -- "$1" "$TB_DIR/daemon.log"; }
wait_logged() { # wait_logged TEXT: until the daemon's log has it, 5 s at most
	for _ in $(seq 50); do [ "$(logged "$1")" -ge 1 ] && return 0; sleep 0.1; done
	return 1
}
start() { # start [PIPELINE_LINES]
	TB_METRICS=$METRICS tb_conf "10.200.0.2:6000" "${1:-}"
	tb_daemon_start --config-dir "$TB_DIR/conf"
}
# vxlan_to ADDR COUNT: COUNT VXLAN packets from the src namespace to ADDR,
# inner UDP to port 5000, through a UDP socket
vxlan_to() {
	tb_src "$TG" --dst "$1" --vni 42 --rate 2000 --count "$2" -q >/dev/null
}

# The outer destination: only the ingress's own addresses. One added while
# the daemon runs is taken at once, one removed no longer; what is not
# taken is not counted either.
test_addresses_followed() {
	local f0 f1 f2 f3 mac
	start || { ok 1 "addresses: the daemon starts"; return; }
	mac=$(tb_dut cat /sys/class/net/d-in0/address)
	tb_src ip neigh replace 10.100.0.7 lladdr "$mac" dev s-eth0 nud permanent
	f0=$(forwarded)
	vxlan_to 10.100.0.7 200
	sleep 0.3
	f1=$(forwarded)
	[ "$f1" = "$f0" ]
	ok $? "VXLAN to 10.100.0.7, not d-in0's: not taken, not counted ($((f1 - f0)) forwarded)"
	tb_dut ip addr add 10.100.0.7/32 dev d-in0
	wait_logged "ingress 'd-in0' has 10.100.0.7: VXLAN to it is taken"
	ok $? "10.100.0.7 added to d-in0: the daemon says it takes VXLAN to it"
	vxlan_to 10.100.0.7 200
	sleep 0.3
	f2=$(forwarded)
	[ "$((f2 - f1))" = 200 ]
	ok $? "... and forwards all of it: $((f2 - f1)) of 200"
	tb_dut ip addr del 10.100.0.7/32 dev d-in0
	wait_logged "ingress 'd-in0' no longer has 10.100.0.7"
	ok $? "10.100.0.7 removed: the daemon says so"
	vxlan_to 10.100.0.7 200
	vxlan_to 10.100.0.1 200
	sleep 0.3
	f3=$(forwarded)
	[ "$((f3 - f2))" = 200 ]
	ok $? "... and takes only what goes to 10.100.0.1 now: $((f3 - f2)) of 200 + 200 forwarded"
	tb_daemon_stop
}

# A NAT target whose neighbour the dut does not know yet: the first packets
# are dropped (no_neighbour, never handed to the kernel, which answers a
# failed resolution with ICMP), the daemon has the kernel resolve it, and
# the rest arrive. The child that asks keeps CAP_NET_ADMIN alone.
test_neighbour_resolved() {
	local sent got nn state caps
	tb_sink ip addr add 10.200.0.60/24 dev k-eth0
	TB_METRICS=$METRICS tb_conf "10.200.0.60:6100"
	tb_daemon_start --config-dir "$TB_DIR/conf" || { ok 1 "neighbour: the daemon starts"; return; }
	caps=$(grep '^CapEff' "/proc/$(pgrep -P "$TB_DAEMON_PID" -x vxp-resolver)/status" 2>/dev/null)
	[ "${caps##*[[:space:]]}" = 0000000000001000 ]
	ok $? "the resolver child keeps CAP_NET_ADMIN alone ($caps)"
	ip netns exec "$TB_SINK" "$TG" --receive 10.200.0.60:6100 --duration 10 --idle 2 --json -q \
		>"$TB_DIR/recv.json" &
	local recv=$!
	tb_track $recv
	sleep 0.3
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --rate 1000 --count 2000 --json -q >"$TB_DIR/send.json"
	wait "$recv"
	sent=$(sed -n 's/.*"sent": \([0-9]*\).*/\1/p' "$TB_DIR/send.json")
	got=$(sed -n 's/.*"received": \([0-9]*\).*/\1/p' "$TB_DIR/recv.json")
	nn=$(metric 'vxlan_pipeline_packets_total{result="drop",reason="no_neighbour"}')
	state=$(tb_dut ip neigh show 10.200.0.60 dev d-out0)
	[ "$nn" -ge 1 ] && [ "$((got + nn))" = "$sent" ] && [ "$got" -gt 0 ]
	ok $? "$sent sent: $nn dropped as no_neighbour until it was resolved, $got arrived"
	[[ $state == *lladdr* ]]
	ok $? "the dut's kernel resolved 10.200.0.60 ($state)"
	tb_daemon_stop
	tb_sink ip addr del 10.200.0.60/24 dev k-eth0
}

test_addresses_followed
test_neighbour_resolved
tap_done
