#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vxlan-trafficgen on the testbed: VXLAN through the real pipeline to a checking
# receiver; --count and --rate with --duration send exactly what they say, and
# the pacing never runs ahead of its schedule; both raw senders (AF_PACKET and
# the in-kernel XDP one) into an XDP program that drops, which counts every
# frame the kernel did not count as dropped on the way; --metrics puts the
# pipeline's counters in the report. How close the rate comes to the one
# asked is a figure of make bench.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
TG=$BUILD/src/vxlan-trafficgen

require_root "the traffic generator test"
require_topology
# /metrics on the egress side, where the sink reaches it
TB_METRICS=10.200.0.1:9464 tb_conf "10.200.0.2:6000"
tb_daemon_start --config-dir "$TB_DIR/conf" ||
	{ echo "Bail out! the daemon did not start: $(cat "$TB_DIR/daemon.log")"; exit 1; }

json() { # json FILE KEY: a number from a one-line JSON report
	sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" "$1"
}

# receive COUNT [ARGS]: a checking receiver in the sink, ready when it
# returns; it ends at COUNT (or after 120 s), never for a pause in the
# traffic (the default --idle 2 would, on a slow machine)
receive() {
	local n=$1
	shift
	ip netns exec "$TB_SINK" "$TG" --receive 10.200.0.2:6000 --count "$n" --duration 120 \
		--idle 120 "$@" --json -q >"$TB_DIR/recv.json" &
	RECV=$!
	tb_track $RECV
	wait_until 30 tb_udp_bound "$TB_SINK" 6000
}

# the receiver's report: COUNT received, none lost, twice, out of order or
# corrupt, in FLOWS flows
received_whole() { # received_whole COUNT FLOWS
	[ "$(json "$TB_DIR/recv.json" received)" = "$1" ] &&
		[ "$(json "$TB_DIR/recv.json" lost)" = 0 ] &&
		[ "$(json "$TB_DIR/recv.json" duplicated)" = 0 ] &&
		[ "$(json "$TB_DIR/recv.json" reordered)" = 0 ] &&
		[ "$(json "$TB_DIR/recv.json" corrupt)" = 0 ] &&
		[ "$(json "$TB_DIR/recv.json" flows)" = "$2" ]
}

test_through_pipeline() {
	receive 20000
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --rate 5000 --count 20000 --flows 8 --threads 2 \
		--json -q >"$TB_DIR/send.json"
	wait "$RECV"
	[ "$(json "$TB_DIR/send.json" sent)" = 20000 ] && [ "$(json "$TB_DIR/send.json" errors)" = 0 ]
	ok $? "--count 20000 over 2 threads: the sender says it sent 20000, without an error"
	received_whole 20000 8
	ok $? "20000 VXLAN packets in 8 flows through the pipeline arrive whole, once each, in order"
	diag "$(cat "$TB_DIR/recv.json")"
}

# A rate and a duration make a count: exactly RATE x SECONDS, and no sooner
# than SECONDS (a slow machine only ends later).
test_schedule() {
	receive 6000
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --rate 3000 --duration 2 --flows 4 --json -q \
		>"$TB_DIR/send.json"
	wait "$RECV"
	[ "$(json "$TB_DIR/send.json" sent)" = 6000 ]
	ok $? "--rate 3000 --duration 2 sends exactly 6000 ($(json "$TB_DIR/send.json" sent))"
	awk -v s="$(json "$TB_DIR/send.json" seconds)" 'BEGIN { exit !(s >= 2) }'
	ok $? "... and takes no less than 2 s: never ahead of its schedule ($(json "$TB_DIR/send.json" seconds) s)"
	received_whole 6000 4
	ok $? "... and the receiver gets all 6000 in 4 flows, whole, once each, in order"
	diag "sender: $(cat "$TB_DIR/send.json")"
}

# --metrics on the receiving side: the pipeline's counters read before the
# first packet and after the last, in the report. 300 packets no rule
# matches and the dut has no route for (dropped and counted as
# not_forwarded: the kernel is never handed what would make it answer an
# inner source) go first, then 1000 to the NAT rule; the veth keeps them
# in order, so once the receiver has its 1000 the program has counted all
# 1300.
test_metrics() {
	receive 1000 --metrics 10.200.0.1:9464
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --inner-dst 10.2.0.1:7777 --rate 3000 --count 300 -q
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --rate 3000 --count 1000 -q
	wait "$RECV"
	grep -qF '"pipeline": {"processed": 1300, "forwarded": 1000, "kernel": 0, "dropped": 300, "passed": 0, "reasons": {"not_forwarded": 300, "forwarded": 1000}}' \
		"$TB_DIR/recv.json"
	ok $? "--metrics: the receiver's report has what the pipeline did: 1000 forwarded, 300 without a route dropped"
	diag "$(grep -o '"pipeline": .*' "$TB_DIR/recv.json")"
}

# dev_stat NS IFACE NAME: a counter from ethtool -S (veth's per-queue ones)
dev_stat() {
	ip netns exec "$1" ethtool -S "$2" | awk -v n="$3:" '$1 == n { print $2 }'
}
# kernel_counts: what the veth pair counted, one line: the frames d-in0 took
# off its ring (XDP ran on each), and the frames dropped on the way: those
# s-eth0 could not put on the ring (AF_PACKET's and the in-kernel sender's,
# in its tx_dropped) and those d-in0 dropped before its program
kernel_counts() {
	echo "$(dev_stat "$TB_DUT" d-in0 rx_queue_0_xdp_packets)" \
		"$(($(tb_src cat /sys/class/net/s-eth0/statistics/tx_dropped) +
			$(dev_stat "$TB_DUT" d-in0 rx_queue_0_drops)))"
}
# all_taken SEEN0 DROP0 SENT: d-in0 has taken every frame sent since
all_taken() {
	local seen drop
	read -r seen drop < <(kernel_counts)
	[ $((seen - $1)) -ge $(($3 - (drop - $2))) ]
}
sent_by() { sed -n 's/^sent \([0-9]*\) packets.*/\1/p' "$1"; }

# Both raw senders into an XDP program on the ingress that counts VXLAN and
# drops. Nothing else crosses the link (IPv6 off on s-eth0, static
# neighbours), so the program must count every frame sent but for those the
# kernel counted as dropped on the way: a count the kernel guarantees, at
# any speed.
test_raw_senders() {
	local seen0 drop0 seen1 drop1 got sent dropped
	tb_daemon_stop
	tb_src sysctl -qw net.ipv6.conf.s-eth0.disable_ipv6=1
	ip netns exec "$TB_DUT" "$BUILD/tests/bench/xdpsink" d-in0 300 4789 >"$TB_DIR/sink.json" &
	local sink=$!
	tb_track $sink
	wait_until 30 grep -q attached "$TB_DIR/sink.json"
	read -r seen0 drop0 < <(kernel_counts)
	tb_src "$TG" --raw s-eth0 --dst 10.100.0.1 --vni 42 --rate 20000 --count 20000 --flows 4 \
		-q >"$TB_DIR/af_packet.txt"
	grep -q "^sent 20000 packets .*raw (AF_PACKET) mode" "$TB_DIR/af_packet.txt"
	ok $? "raw mode at 20000 pps goes through AF_PACKET and sends 20000"
	tb_src "$TG" --raw s-eth0 --dst 10.100.0.1 --vni 42 --rate 0 --count 300000 --flows 4 \
		-q >"$TB_DIR/in_kernel.txt"
	grep -q "^sent 300000 packets.*raw (in-kernel XDP sender) mode" "$TB_DIR/in_kernel.txt"
	ok $? "raw mode as fast as possible goes through the in-kernel XDP sender and sends 300000"
	diag "$(head -n 1 "$TB_DIR/in_kernel.txt")"
	sent=$(($(sent_by "$TB_DIR/af_packet.txt") + $(sent_by "$TB_DIR/in_kernel.txt")))
	wait_until 30 all_taken "$seen0" "$drop0" "$sent"
	kill -TERM "$sink"
	wait "$sink"
	read -r seen1 drop1 < <(kernel_counts)
	got=$(json "$TB_DIR/sink.json" packets)
	dropped=$((drop1 - drop0))
	[ -n "$got" ] && [ "$got" = $((sent - dropped)) ] && [ "$got" = $((seen1 - seen0)) ]
	ok $? "the XDP program counts every frame sent but those the kernel dropped: $sent sent, $dropped dropped, $got counted, $((seen1 - seen0)) taken by d-in0"
}

test_through_pipeline
test_schedule
test_metrics
test_raw_senders
tap_done
