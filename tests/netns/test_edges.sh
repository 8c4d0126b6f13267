#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The data plane at its edges, with the real daemon on the testbed: VXLAN is
# taken only to the ingress's own addresses, which the daemon follows from
# netlink as they come and go, and keeps when it reads them all again after
# lost events; a next hop without a neighbour entry is resolved at the
# daemon's request; nothing the program cannot forward makes the host answer
# the inner source; redirects the egress refuses show; and inner IPv6
# forwards once --prepare-sysctl has made the ingress ready.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
TG=$BUILD/src/vxlan-trafficgen
FT=$BUILD/tests/netns/flowtool
METRICS=127.0.0.1:9464

require_root "the edge test"
require_tools curl dumpcap tshark
require_topology

counted() { tb_metric "vxlan_pipeline_packets_total{result=\"$2\",reason=\"$1\"}"; } # REASON RESULT
refused() { tb_metric 'vxlan_pipeline_events_total{event="redirect_failed"}'; }
logged() { grep -c -- "$1" "$TB_DIR/daemon.log"; }
logged_once() { [ "$(logged "$1")" -ge 1 ]; }
wait_logged() { wait_until 30 logged_once "$1"; } # TEXT: 30 s at most
start() {
	TB_METRICS=$METRICS tb_conf "10.200.0.2:6000"
	tb_daemon_start --config-dir "$TB_DIR/conf"
}
# vxlan_to ADDR COUNT: COUNT VXLAN packets from the src namespace to ADDR,
# inner UDP to port 5000, through a UDP socket
vxlan_to() {
	tb_src "$TG" --dst "$1" --vni 42 --rate 2000 --count "$2" -q >/dev/null
}
# marked FROM: 100 packets to d-in0's address after whatever was sent before,
# waited for (one veth, one queue: in order); the forwarded count then, or
# nothing when they were not all counted within 30 s
marked() {
	vxlan_to 10.100.0.1 100
	wait_until 30 tb_grown tb_forwarded "$1" 100 && tb_forwarded
}
# counted_grown REASON RESULT FROM BY: the count of REASON grew by BY
counted_grown() { [ "$(counted "$1" "$2")" -ge $(($3 + $4)) ] 2>/dev/null; }

# The outer destination: only the ingress's own addresses. One added while
# the daemon runs is taken at once, one removed no longer; what is not
# taken is not counted either.
test_addresses_followed() {
	local f0 f1 f2 f3 mac
	start || { ok 1 "addresses: the daemon starts"; return; }
	mac=$(tb_dut cat /sys/class/net/d-in0/address)
	tb_src ip neigh replace 10.100.0.7 lladdr "$mac" dev s-eth0 nud permanent
	f0=$(tb_count_of tb_forwarded)
	vxlan_to 10.100.0.7 200
	f1=$(marked "$f0")
	[ "$((f1 - f0))" = 100 ]
	ok $? "VXLAN to 10.100.0.7, not d-in0's: not taken, not counted ($((f1 - f0)) forwarded with the 100 to d-in0's address after it)"
	tb_dut ip addr add 10.100.0.7/32 dev d-in0
	wait_logged "ingress 'd-in0' has 10.100.0.7: VXLAN to it is taken"
	ok $? "10.100.0.7 added to d-in0: the daemon says it takes VXLAN to it"
	vxlan_to 10.100.0.7 200
	wait_until 30 tb_grown tb_forwarded "$f1" 200
	f2=$(tb_forwarded)
	[ "$((f2 - f1))" = 200 ]
	ok $? "... and forwards all of it: $((f2 - f1)) of 200"
	tb_dut ip addr del 10.100.0.7/32 dev d-in0
	wait_logged "ingress 'd-in0' no longer has 10.100.0.7"
	ok $? "10.100.0.7 removed: the daemon says so"
	vxlan_to 10.100.0.7 200
	f3=$(marked "$f2")
	[ "$((f3 - f2))" = 100 ]
	ok $? "... and takes only what goes to 10.100.0.1 now: $((f3 - f2)) of 200 + 100 forwarded"
	tb_daemon_stop
}

# v6_taken: VXLAN_EACH packets to each of V6_ADDRS (d-in0's IPv6 addresses),
# then 100 to 10.100.0.1 (one veth, one queue: in order); how many of the
# first were forwarded, or nothing when the 100 were not counted in 30 s
VXLAN_EACH=10
v6_taken() {
	local a f0 f1
	f0=$(tb_count_of tb_forwarded)
	for a in $V6_ADDRS; do
		vxlan_to "[$a]" "$VXLAN_EACH"
	done
	f1=$(marked "$f0") && echo $((f1 - f0 - 100))
}
# burst N: N addresses added to vxp-burst0 in one batch, then removed: 2N
# address events and more, far beyond what the daemon's netlink socket
# holds (SO_RCVBUF 256 KiB: 512 KiB at most as the kernel counts it, each
# event a buffer of 500 bytes or more)
burst() {
	seq 0 $(($1 - 1)) |
		awk '{ printf "addr add 10.240.%d.%d/32 dev vxp-burst0\n", $1 / 250, $1 % 250 + 1 }' |
		tb_dut ip -batch -
	tb_dut ip addr flush dev vxp-burst0
}

# After lost events (ENOBUFS) the daemon dumps the ingress's addresses again
# and drops from the data plane those it held that the dump no longer
# shows. On an ingress with more addresses than the program compares (20
# IPv4 and 20 IPv6, an ENI with secondary IPs), the IPv6 addresses taken
# before are taken after, as many: the IPv4 ones the dump shows first must
# not crowd them out of what it noted. The events are lost for real: the
# daemon is stopped (SIGSTOP) while 3000 addresses come and go on another
# interface, then continued.
test_addresses_resynced() {
	local max i a mac before after
	max=$(vxp_define VXP_LOCAL_ADDRS_MAX)
	V6_ADDRS=$(for i in $(seq 1 20); do echo "fd30::$i"; done)
	mac=$(tb_dut cat /sys/class/net/d-in0/address)
	# d-in0's IPv6 addresses are the 20 and no link-local one
	tb_dut ip -6 addr flush dev d-in0 scope link
	for i in $(seq 101 119); do
		tb_dut ip addr add "10.100.0.$i/32" dev d-in0
	done
	for a in $V6_ADDRS; do
		tb_dut ip -6 addr add "$a/64" dev d-in0 nodad
		tb_src ip -6 neigh replace "$a" lladdr "$mac" dev s-eth0 nud permanent
	done
	tb_src ip -6 addr add fd30::ff/64 dev s-eth0 nodad
	tb_dut ip link add vxp-burst0 type veth peer name vxp-burst1
	start || { ok 1 "resync: the daemon starts"; return; }
	before=$(v6_taken)
	[ "$before" = $((max * VXLAN_EACH)) ]
	ok $? "20 IPv4 and 20 IPv6 addresses on d-in0: VXLAN to $max of the IPv6 ones is taken ($before of $((20 * VXLAN_EACH)) forwarded)"
	kill -STOP "$TB_DAEMON_PID"
	burst 3000
	kill -CONT "$TB_DAEMON_PID"
	wait_logged "netlink dropped events about the ingress's addresses"
	ok $? "3000 addresses came and went on vxp-burst0 while the daemon was stopped: it lost events and read the addresses again"
	# /metrics is served by the loop that ran the resync: v6_taken's
	# answers come after it
	after=$(v6_taken)
	[ -n "$after" ] && [ "$after" = "$before" ]
	ok $? "... and VXLAN to as many IPv6 addresses is taken after ($after forwarded, $before before)"
	diag "$(grep "no longer has" "$TB_DIR/daemon.log")"
	tb_daemon_stop
	tb_dut ip link del vxp-burst0
	tb_src ip -6 addr del fd30::ff/64 dev s-eth0
	for a in $V6_ADDRS; do
		tb_dut ip -6 addr del "$a/64" dev d-in0
		tb_src ip -6 neigh del "$a" dev s-eth0
	done
	for i in $(seq 101 119); do
		tb_dut ip addr del "10.100.0.$i/32" dev d-in0
	done
	# its link-local address back
	tb_dut ip link set d-in0 down && tb_dut ip link set d-in0 up
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
	tb_recv 6100 10.200.0.60
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --rate 1000 --count 2000 --json -q >"$TB_DIR/send.json"
	sent=$(sed -n 's/.*"sent": \([0-9]*\).*/\1/p' "$TB_DIR/send.json")
	# the first packets, dropped before the neighbour was resolved, are
	# counted long before the sender is done: the rest is for the receiver
	nn=$(tb_metric 'vxlan_pipeline_packets_total{result="drop",reason="no_neighbour"}')
	tb_recv_end $((${sent:-0} - ${nn:-0})) "$RECV"
	got=$(sed -n 's/.*"received": \([0-9]*\).*/\1/p' "$TB_DIR/recv-6100.json")
	nn=$(tb_metric 'vxlan_pipeline_packets_total{result="drop",reason="no_neighbour"}')
	state=$(tb_dut ip neigh show 10.200.0.60 dev d-out0)
	[ "$nn" -ge 1 ] && [ "$((got + nn))" = "$sent" ] && [ "$got" -gt 0 ]
	ok $? "$sent sent: $nn dropped as no_neighbour until it was resolved, $got arrived"
	[[ $state == *lladdr* ]]
	ok $? "the dut's kernel resolved 10.200.0.60 ($state)"
	tb_daemon_stop
	tb_sink ip addr del 10.200.0.60/24 dev k-eth0
}

# What test_no_answers sends from the inner source (192.168.50.1), through
# the kernel's vxlan device: flowtool probe's ADDR:PORT KIND, and what it is
PROBES=(
	"10.200.0.2:7 ttl1|TTL 1"
	"172.31.0.1:7 udp|no route"
	"10.251.0.1:7 udp|an unreachable route"
	"10.200.0.1:9 udp|a closed UDP port of the dut"
	"10.200.0.1:9 tcp|a closed TCP port of the dut"
	"10.200.0.255:9 udp|the egress subnet's broadcast"
	"10.200.0.99:9 udp|a next hop that never answers ARP"
	"10.200.0.2:9 df:1350|DF set, 1350 bytes: above the egress MTU (1300), below the DF threshold (1400)"
)
# probe_filter 'ADDR:PORT KIND': a display filter for the frames that answer
# that probe: from ADDR:PORT, or an ICMP error that quotes a packet to it
probe_filter() {
	local a=${1%%:*} p=${1#*:} l4=udp
	p=${p%% *}
	[[ $1 == *" tcp" ]] && l4=tcp
	echo "(ip.dst == $a && $l4.dstport == $p) || (ip.src == $a && $l4.srcport == $p)"
}
neigh_failed() { tb_dut ip neigh show "$1" dev d-out0 | grep -q FAILED; } # ADDR

# The packets are copies whose sources are real hosts that never sent them:
# whatever the program cannot forward, the host must not answer. The inner
# source's network is routed back through the ingress, as a VPC routes it;
# a capture on the source's side sees everything the dut sends toward it
# while each case goes through the kernel's vxlan device: TTL 1, no route,
# an unreachable route, a closed UDP and TCP port of the dut itself, a
# broadcast, a next hop that never answers ARP, and DF above the egress MTU
# but below the DF threshold. Only the canaries the dut sends on purpose
# before and after may be there; nor is any of it left unaccounted.
test_no_answers() {
	local cap=$TB_DIR/answers.pcap cap_pid net c frames others t0 ttl nf ur nn fn df
	start || { ok 1 "answers: the daemon starts"; return; }
	tb_dut ip route add 192.168.50.0/24 via 10.100.0.2 dev d-in0 &&
		tb_dut ip route add unreachable 10.251.0.0/16 &&
		tb_dut ip link set d-out0 mtu 1300
	for net in 10.200.0.0/24 172.31.0.0/16 10.251.0.0/16; do
		tb_src ip route add "$net" via 192.168.50.2 dev vx0
	done
	ip netns exec "$TB_SRC" dumpcap -q -i s-eth0 -f 'dst host 192.168.50.1' -a duration:300 \
		-w "$cap" >"$TB_DIR/dumpcap.log" 2>&1 &
	cap_pid=$!
	tb_track $cap_pid
	wait_until 60 grep -q '^File:' "$TB_DIR/dumpcap.log"
	tb_dut "$FT" probe 192.168.50.1:9 udp 1 # a first canary: the capture runs
	wait_until 60 pcap_has "$cap" 1
	t0=$(counted ttl_expiring drop):$(counted not_forwarded drop):$(counted unreachable drop)
	t0=$t0:$(counted no_neighbour drop):$(counted frag_needed kernel)
	for c in "${PROBES[@]}"; do
		# shellcheck disable=SC2086 # address and kind, two words
		tb_src "$FT" probe ${c%%|*} 3
	done
	IFS=: read -r ttl nf ur nn fn <<<"$t0"
	wait_until 60 counted_grown frag_needed kernel "$fn" 3 # the last probes' count
	# the kernel answers a failed ARP resolution after its probes (3 s):
	# the neighbour entry failed is when an answer would have been sent
	wait_until 60 neigh_failed 10.200.0.99
	tb_dut "$FT" probe 192.168.50.1:9 udp 1 # the second canary, after all of it
	wait_until 60 pcap_has "$cap" 2
	kill -INT "$cap_pid"
	wait "$cap_pid"
	frames=$(tshark -r "$cap" 2>/dev/null | wc -l)
	# a canary is UDP itself, not an ICMP error from the same address
	# quoting a packet to port 9
	others=$(tshark -r "$cap" -Y '!(udp.dstport == 9 && ip.src == 10.100.0.1 && !icmp)' \
		2>/dev/null)
	[ "$frames" = 2 ] && [ -z "$others" ]
	ok $? "nothing the dut sends toward the inner source but the two canaries: $frames frame(s) captured"
	diag "$others"
	for c in "${PROBES[@]}"; do
		others=$(tshark -r "$cap" -Y "$(probe_filter "${c%%|*}")" 2>/dev/null)
		[ -z "$others" ]
		ok $? "${c#*|}: no answer toward the inner source ($(grep -c . <<<"$others") captured)"
		diag "$others"
	done
	ttl=$(($(counted ttl_expiring drop) - ttl))
	nf=$(($(counted not_forwarded drop) - nf))
	ur=$(($(counted unreachable drop) - ur))
	nn=$(($(counted no_neighbour drop) - nn))
	fn=$(($(counted frag_needed kernel) - fn))
	df=$(tb_metric 'vxlan_pipeline_events_total{event="df_cleared"}')
	[ "$ttl" = 3 ] && [ "$nf" = 12 ] && [ "$ur" = 3 ] && [ "$nn" = 3 ] && [ "$fn" = 3 ] &&
		[ "$df" = 3 ]
	ok $? "each counted: ttl_expiring $ttl, not_forwarded $nf, unreachable $ur, no_neighbour $nn dropped; frag_needed $fn to the kernel, DF cleared on $df"
	tb_daemon_stop
	tb_dut ip link set d-out0 mtu 1500
	tb_dut ip route del 192.168.50.0/24
	tb_dut ip route del unreachable 10.251.0.0/16
	for net in 10.200.0.0/24 172.31.0.0/16 10.251.0.0/16; do
		tb_src ip route del "$net"
	done
}

healthz_is() { tb_healthz && [ "$HZ_CODE" = "$1" ]; } # CODE
# refused_caught_up F0 R0: every frame forwarded since F0 is counted refused
# since R0 (the two counters are read one after the other)
refused_caught_up() {
	local f r
	f=$(tb_forwarded)
	r=$(refused)
	[ -n "$f" ] && [ -n "$r" ] && [ "$((f - $1))" = "$((r - $2))" ]
}

# forwarded counts what bpf_redirect_map() queued. A veth egress whose peer
# has neither GRO nor an XDP program refuses every redirected frame (DESIGN.md
# 8): the refusals are counted, /healthz says 503 and why, and the status
# says so; with GRO back on the peer, healthy again.
test_redirects_refused() {
	local f0 r0 f1 r1 st sender
	start || { ok 1 "refused: the daemon starts"; return; }
	[ "$(tb_metric vxlan_pipeline_redirect_failures_counted)" = 1 ]
	ok $? "the programs that count refused redirects are attached"
	tb_sink ethtool -K k-eth0 gro off >/dev/null
	f0=$(tb_count_of tb_forwarded)
	r0=$(refused)
	ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate 1000 --duration 120 -q \
		>/dev/null &
	sender=$!
	tb_track $sender
	wait_until 60 healthz_is 503
	st=$("$BUILD/src/vxlan-pipeline" --socket "$TB_DIR/control.sock" status 2>&1)
	# unhealthy already: another cause on top is logged all the same
	tb_dut ip link set d-in0 down
	wait_until 30 grep -q "unhealthy: the ingress interface 'd-in0' is down" "$TB_DIR/daemon.log"
	ok $? "unhealthy for refused redirects, then the ingress down: the log says that too"
	diag "$(grep -E 'unhealthy|healthy again' "$TB_DIR/daemon.log")"
	tb_dut ip link set d-in0 up
	kill -TERM "$sender"
	wait "$sender"
	wait_until 30 refused_caught_up "$f0" "$r0"
	f1=$(tb_forwarded)
	r1=$(refused)
	[ "$((f1 - f0))" -gt 0 ] && [ "$((r1 - r0))" = "$((f1 - f0))" ]
	ok $? "GRO off on the egress's peer: $((f1 - f0)) forwarded, $((r1 - r0)) of them refused"
	[ "$HZ_CODE" = 503 ] && [[ $HZ_BODY == *"redirected to 'd-out0' did not leave"* ]]
	ok $? "/healthz 503, and why: $HZ_BODY"
	[[ $st == *"pps refused by the egress driver"* ]] && [[ $st == *UNHEALTHY* ]] &&
		! [[ $st == *" 0 pps refused"* ]]
	ok $? "vxlan-pipeline status says so"
	diag "$(grep -E 'health|redirect' <<<"$st")"
	tb_sink ethtool -K k-eth0 gro on >/dev/null
	vxlan_to 10.100.0.1 100
	wait_until 30 tb_grown tb_forwarded "$f1" 100
	wait_until 60 healthz_is 200
	[ "$HZ_CODE" = 200 ] && [ "$(refused)" = "$r1" ]
	ok $? "GRO back on: nothing more refused, /healthz 200"
	tb_daemon_stop
}

# Inner IPv6 forwards only where IPv6 forwarding is on for the ingress;
# --prepare-sysctl (the unit's ExecStartPre=+) turns it on, with accept_ra 1
# made 2 first so router advertisements keep the host's IPv6 routes, and a
# 0 left alone (RA off, or a network manager's own).
fwd_disabled() { counted forwarding_disabled drop; }
# counts_v6 COUNTER: 100 packets of inner IPv6 to [fd20::2]:6002; F0 and F1,
# COUNTER before and once it grew by 100 (or 30 s went by)
counts_v6() {
	F0=$(tb_count_of "$1")
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --inner-src '[fd10::1]:40000' \
		--inner-dst '[fd20::2]:6002' --rate 1000 --count 100 -q >/dev/null
	wait_until 30 tb_grown "$1" "$F0" 100
	F1=$($1)
}
test_ipv6_prepared() {
	local v
	TB_METRICS=$METRICS tb_conf "10.200.0.2:6000"
	tb_dut sysctl -qw net.ipv6.conf.d-in0.forwarding=0 net.ipv6.conf.d-in0.accept_ra=1
	tb_dut ip -6 addr add fd20::1/64 dev d-out0 nodad
	tb_sink ip -6 addr add fd20::2/64 dev k-eth0 nodad
	tb_dut ip -6 neigh replace fd20::2 lladdr "$(tb_sink cat /sys/class/net/k-eth0/address)" \
		dev d-out0 nud permanent
	tb_daemon_start --config-dir "$TB_DIR/conf" || { ok 1 "IPv6: the daemon starts"; return; }
	grep -q "IPv6 forwarding is off on 'd-in0'" "$TB_DIR/daemon.log"
	ok $? "IPv6 forwarding off on d-in0: the daemon warns at start"
	counts_v6 fwd_disabled
	[ "$((F1 - F0))" = 100 ]
	ok $? "... and inner IPv6 is dropped as forwarding_disabled: $((F1 - F0)) of 100"
	tb_daemon_stop
	tb_dut "$BUILD/src/vxlan-pipelined" --config-dir "$TB_DIR/conf" --prepare-sysctl \
		>"$TB_DIR/prepare.log" 2>&1
	v=$(tb_dut sysctl -n net.ipv6.conf.d-in0.accept_ra net.ipv6.conf.d-in0.forwarding | tr '\n' ' ')
	[ "$v" = "2 1 " ]
	ok $? "--prepare-sysctl: accept_ra 1 -> 2, then forwarding 0 -> 1 on d-in0 ($v)"
	diag "$(cat "$TB_DIR/prepare.log")"
	tb_daemon_start --config-dir "$TB_DIR/conf" || { ok 1 "IPv6: the daemon starts"; return; }
	counts_v6 tb_forwarded
	[ "$((F1 - F0))" = 100 ]
	ok $? "then inner IPv6 forwards: $((F1 - F0)) of 100"
	tb_daemon_stop
	tb_dut sysctl -qw net.ipv6.conf.d-in0.forwarding=0 net.ipv6.conf.d-in0.accept_ra=0
	tb_dut "$BUILD/src/vxlan-pipelined" --config-dir "$TB_DIR/conf" --prepare-sysctl \
		>"$TB_DIR/prepare.log" 2>&1
	v=$(tb_dut sysctl -n net.ipv6.conf.d-in0.accept_ra net.ipv6.conf.d-in0.forwarding | tr '\n' ' ')
	[ "$v" = "0 1 " ]
	ok $? "accept_ra 0 (RA off, or a network manager's own) is left alone ($v)"
	tb_dut ip -6 addr del fd20::1/64 dev d-out0
	tb_sink ip -6 addr del fd20::2/64 dev k-eth0
}

test_addresses_followed
test_ipv6_prepared
test_neighbour_resolved
test_no_answers
test_redirects_refused
test_addresses_resynced
tap_done
