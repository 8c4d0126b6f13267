#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# What the configuration files set reaches the data plane, and what the data
# plane carries end to end, on the testbed: a VNI a reload removes stops
# being decapsulated; df_threshold and a non-default vxlan_port; packets
# larger than the egress MTU arrive whole once the kernel fragmented them;
# inner IPv6, TCP and IPv4 fragments; generic XDP mode; a reload whose apply
# fails half-way puts the previous configuration back. Traffic at a modest
# rate; every wait is for a state (a count), never for a time.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
TG=$BUILD/src/vxlan-trafficgen
FT=$BUILD/tests/netns/flowtool
CLI=$BUILD/src/vxlan-pipeline
METRICS=10.100.0.1:9464

require_root "the data plane test"
require_tools curl dumpcap tshark bpftool
require_topology

cli() { "$CLI" --socket "$TB_DIR/control.sock" "$@"; }
# reason NAME: the program's count of packets for that reason
reason() {
	tb_src curl -s -m 30 "http://$METRICS/metrics" |
		awk -v r="reason=\"$1\"}" 'index($1, "vxlan_pipeline_packets_total{") == 1 &&
			substr($1, length($1) - length(r) + 1) == r { print $2 }'
}
# grown_by N NAME... FROM...: the named reasons together have grown by N
# since FROM (their sum then)
reasons_sum() {
	local r s=0 v
	for r in "$@"; do
		v=$(reason "$r")
		s=$((s + ${v:-0}))
	done
	echo "$s"
}
sum_grown() { # sum_grown FROM N REASON...: the reasons' sum is FROM + N or more
	local from=$1 n=$2
	shift 2
	[ "$(reasons_sum "$@")" -ge $((from + n)) ]
}
start() { # start [NAT_TARGET [PIPELINE_LINES]]
	TB_METRICS=$METRICS tb_conf "${1:-10.200.0.2:6000}" "${2:-}"
	tb_daemon_start --config-dir "$TB_DIR/conf"
}
set_vnis() { sed -i "s/^vni = .*/vni = [ $1 ];/" "$TB_DIR/conf/pipeline.conf"; }
jget() { sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1"; }
# whole PORT COUNT: the receiver at PORT got COUNT, none lost, twice or corrupt
whole() {
	[ "$(jget "$TB_DIR/recv-$1.json" received)" = "$2" ] &&
		[ "$(jget "$TB_DIR/recv-$1.json" lost)" = 0 ] &&
		[ "$(jget "$TB_DIR/recv-$1.json" duplicated)" = 0 ] &&
		[ "$(jget "$TB_DIR/recv-$1.json" corrupt)" = 0 ]
}
send() { tb_src "$TG" --dst 10.100.0.1 --rate 2000 -q "$@" >/dev/null; } # send GENERATOR ARGS
# snmp NS GROUP FIELD: a counter of /proc/net/snmp in NS
# shellcheck disable=SC2016 # awk's dollars
snmp() {
	ip netns exec "$1" awk -v g="$2:" -v f="$3" \
		'$1 == g && !n { for (i = 2; i <= NF; i++) h[i] = $i; n = 1; next }
		 $1 == g { for (i = 2; i <= NF; i++) if (h[i] == f) print $i }' /proc/net/snmp
}
snmp_grown() { [ "$(snmp "$1" "$2" "$3")" -ge $(($4 + $5)) ]; } # NS GROUP FIELD FROM N
# capture_start FILTER COUNT: dumpcap on the sink's k-eth0 until COUNT
# frames matched (120 s at most), into capture.pcap; CAPTURE
capture_start() {
	rm -f "$TB_DIR/capture.pcap" "$TB_DIR/capture.err"
	ip netns exec "$TB_SINK" timeout 120 dumpcap -q -i k-eth0 -f "$1" -c "$2" \
		-w "$TB_DIR/capture.pcap" 2>"$TB_DIR/capture.err" &
	CAPTURE=$!
	tb_track $CAPTURE
	wait_until 30 grep -q "Capturing on" "$TB_DIR/capture.err"
}
# fields FIELD...: one line per captured frame
fields() {
	local a=() f
	for f in "$@"; do a+=(-e "$f"); done
	tshark -r "$TB_DIR/capture.pcap" -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-T fields "${a[@]}" 2>/dev/null
}

# A VNI that a reload takes off the list is no longer decapsulated: its
# packets are counted as vxlan_filtered and passed on, none forwarded. The
# VNI that stays keeps working.
test_vni_removed() {
	local f0 w0 f1 w1
	start || { ok 1 "vni: the daemon starts"; return; }
	tb_recv 6000
	send --vni 42 --count 500
	tb_recv_end 500 "$RECV"
	whole 6000 500
	ok $? "VNI 42 listed: 500 of 500 arrive"
	set_vnis 1
	tb_reload
	f0=$(reason vxlan_filtered)
	w0=$(reason forwarded)
	send --vni 42 --count 500
	wait_until 30 sum_grown $((f0 + w0)) 500 vxlan_filtered forwarded
	f1=$(reason vxlan_filtered)
	w1=$(reason forwarded)
	[ $((f1 - f0)) = 500 ] && [ "$w1" = "$w0" ]
	ok $? "VNI 42 removed by a reload: $((f1 - f0)) of 500 counted vxlan_filtered, $((w1 - w0)) forwarded"
	tb_recv 6000
	send --vni 1 --count 300
	tb_recv_end 300 "$RECV"
	whole 6000 300
	ok $? "VNI 1, still listed: 300 of 300 arrive"
	tb_daemon_stop
}

# df_threshold and vxlan_port set in pipeline.conf reach the data plane: DF
# cleared at the sink on packets above the threshold and kept below it;
# VXLAN to the configured port forwarded, to 4789 not (the dut's kernel gets
# it, and has no socket there).
test_df_threshold_and_port() {
	local n0 w0 got
	start "10.200.0.2:6000" "df_threshold = 1000; vxlan_port = 4790;" ||
		{ ok 1 "df_threshold, vxlan_port: the daemon starts"; return; }
	capture_start "udp and dst host 10.200.0.2 and dst port 6000" 20
	send --dst 10.100.0.1:4790 --vni 42 --size 1100 --count 10
	send --dst 10.100.0.1:4790 --vni 42 --size 900 --count 10
	wait "$CAPTURE"
	got=$(fields ip.len ip.flags.df | sort | uniq -c | awk '{ print $1 "x" $2 ":" $3 }' | paste -sd ' ')
	[ "$got" = "10x1100:0 10x900:1" ] || [ "$got" = "10x1100:False 10x900:True" ]
	ok $? "df_threshold = 1000, vxlan_port = 4790: at the sink DF is clear on the 1100-byte packets, set on the 900-byte ones ($got)"
	n0=$(snmp "$TB_DUT" Udp NoPorts)
	w0=$(reason forwarded)
	tb_recv 6000
	send --vni 42 --count 300
	wait_until 30 snmp_grown "$TB_DUT" Udp NoPorts "$n0" 300
	ok $? "VXLAN to 4789: the 300 packets reach the dut's kernel ($(($(snmp "$TB_DUT" Udp NoPorts) - n0)) to no socket)"
	send --dst 10.100.0.1:4790 --vni 42 --count 100
	tb_recv_end 100 "$RECV"
	# the receiver stops at 100: the count says whether there were more
	whole 6000 100 && [ $(($(reason forwarded) - w0)) = 100 ]
	ok $? "... and none of them is forwarded: the sink gets only the 100 sent to 4790 after them ($(($(reason forwarded) - w0)) forwarded)"
	tb_daemon_stop
}

# Egress MTU 1000: 1450-byte inner packets (over the DF threshold, so DF is
# cleared) go through the kernel, which fragments them; the sink reassembles
# each and the receiver gets every one whole.
test_egress_mtu() {
	local r0
	start || { ok 1 "mtu: the daemon starts"; return; }
	tb_dut ip link set d-out0 mtu 1000 && tb_sink ip link set k-eth0 mtu 1000
	r0=$(snmp "$TB_SINK" Ip ReasmOKs)
	tb_recv 6000
	send --vni 42 --size 1450 --count 300 --flows 4
	tb_recv_end 300 "$RECV"
	whole 6000 300
	ok $? "egress MTU 1000: 300 packets of 1450 bytes arrive whole"
	[ $(($(snmp "$TB_SINK" Ip ReasmOKs) - r0)) = 300 ]
	ok $? "... each fragmented on the way and reassembled by the sink ($(($(snmp "$TB_SINK" Ip ReasmOKs) - r0)))"
	tb_dut ip link set d-out0 mtu 1500 && tb_sink ip link set k-eth0 mtu 1500
	tb_daemon_stop
}

# Inner IPv6 (in outer IPv4), NATed to an IPv6 collector: the sink's kernel
# takes each datagram (it checks the UDP checksum IPv6 makes mandatory).
ipv6_up() {
	tb_dut ip -6 addr add fd02::1/64 dev d-out0 nodad &&
		tb_sink ip -6 addr add fd02::2/64 dev k-eth0 nodad &&
		tb_dut ip -6 neigh replace fd02::2 lladdr "$(tb_sink cat /sys/class/net/k-eth0/address)" \
			dev d-out0 nud permanent &&
		tb_dut sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.d-in0.forwarding=1
}
test_inner_ipv6() {
	ipv6_up || { ok 1 "IPv6 addresses on the testbed"; return; }
	start || { ok 1 "ipv6: the daemon starts"; return; }
	echo 'nat = ( { proto = "udp"; dst_port = 5000; to = "[fd02::2]:6000"; } );' \
		>"$TB_DIR/conf/nat6.conf"
	tb_reload
	tb_recv 6000 "[fd02::2]"
	send --vni 42 --inner-src "[fd01::7]:41000" --inner-dst "[fd03::9]:5000" --size 200 \
		--count 300 --flows 3
	tb_recv_end 300 "$RECV"
	whole 6000 300
	ok $? "inner IPv6 NATed to [fd02::2]:6000: 300 of 300 arrive whole"
	diag "$(cat "$TB_DIR/recv-6000.json")"
	rm -f "$TB_DIR/conf/nat6.conf"
	tb_daemon_stop
}

# Inner TCP segments to the NAT rule's port: at the sink, addressed to the
# rule's target, each with a TCP checksum that verifies.
test_inner_tcp() {
	local got
	start || { ok 1 "tcp: the daemon starts"; return; }
	capture_start "tcp and dst host 10.200.0.2 and dst port 6000" 200
	send --vni 42 --tcp --size 300 --count 200 --flows 4
	wait "$CAPTURE"
	got=$(fields ip.len tcp.checksum.status | sort | uniq -c | awk '{ print $1 "x" $2 ":" $3 }')
	[ "$got" = "200x300:1" ] || [ "$got" = "200x300:Good" ]
	ok $? "inner TCP: 200 segments at 10.200.0.2:6000, checksums good ($got)"
	tb_daemon_stop
}

# Inner IPv4 fragments: 3000-byte datagrams from the kernel's vxlan device
# (MTU 1450), which fragments them before the tunnel; the first fragment
# carries the ports and is NATed, the later ones follow it; the sink
# reassembles each, and every datagram arrives whole, once, in order.
test_inner_fragments() {
	local r0 recv
	start || { ok 1 "fragments: the daemon starts"; return; }
	r0=$(snmp "$TB_SINK" Ip ReasmOKs)
	ip netns exec "$TB_SINK" "$FT" recv 10.200.0.2:6000 200 60 >"$TB_DIR/frag.out" 2>&1 &
	recv=$!
	tb_track $recv
	wait_until 30 grep -q listening "$TB_DIR/frag.out"
	tb_src "$FT" send 192.168.50.2:5000 200 500 3000 >"$TB_DIR/frag-send.out" 2>&1
	wait "$recv"
	ok $? "3000-byte datagrams in 3 inner fragments each: $(tail -n 1 "$TB_DIR/frag.out")"
	[ $(($(snmp "$TB_SINK" Ip ReasmOKs) - r0)) = 200 ]
	ok $? "... reassembled by the sink from their fragments ($(($(snmp "$TB_SINK" Ip ReasmOKs) - r0)))"
	tb_daemon_stop
}

# xdp_mode = "generic": the program sits in the stack's generic hook, and
# the traffic goes through it all the same.
test_generic_mode() {
	TB_MODE=generic start || { ok 1 "generic: the daemon starts"; return; }
	ip -n "$TB_DUT" -details link show d-in0 | grep -q 'xdpgeneric'
	ok $? "xdp_mode generic: the program is attached in generic mode"
	tb_recv 6000
	send --vni 42 --count 500 --flows 4
	tb_recv_end 500 "$RECV"
	whole 6000 500
	ok $? "... and forwards: 500 of 500 arrive whole"
	tb_daemon_stop
}

# vni_map_id: the id of the running program's VNI map
vni_map_id() {
	local prog m
	prog=$(ip -n "$TB_DUT" -details link show d-in0 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	for m in $(bpftool prog show id "$prog" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr , ' '); do
		bpftool map show id "$m" | grep -q ' name vxp_vni ' && { echo "$m"; return 0; }
	done
	return 1
}

# A reload whose apply fails half-way: the new NAT table is in (the first
# step) when the VNI list fails to go in (the VNI map frozen from outside, so
# the kernel refuses every write to it). The previous configuration must be
# back in force as a whole: the old NAT target, the old VNIs, and the
# failure reported.
test_apply_fails_half_way() {
	local map f0 other
	start "10.200.0.2:6000" || { ok 1 "half-way: the daemon starts"; return; }
	map=$(vni_map_id) && bpftool map freeze id "$map"
	ok $? "the VNI map (id ${map:-none}) frozen: the kernel refuses writes to it"
	TB_METRICS=$METRICS tb_conf "10.200.0.2:6001"
	set_vnis "1, 42, 77"
	tb_reload
	grep -q "Failed to set the VNI filter: Operation not permitted" "$TB_DIR/daemon.log" &&
		grep -q "reload failed: the new configuration could not be applied; the previous one stays in force" \
			"$TB_DIR/daemon.log" && grep -q '^STATUS=.*last reload: FAILED' "$TB_DIR/notify.log"
	ok $? "the reload fails at the VNI list, and says the previous configuration stays"
	diag "$(grep -E 'Failed|reload' "$TB_DIR/daemon.log")"
	! grep -q "Failed to put the previous configuration back" "$TB_DIR/daemon.log"
	ok $? "putting the previous configuration back went through"
	cli nat >"$TB_DIR/nat.txt" && [ "$(grep -c '10.200.0.2:6000' "$TB_DIR/nat.txt")" = 2 ] &&
		! grep -q '10.200.0.2:6001' "$TB_DIR/nat.txt"
	ok $? "vxlan-pipeline nat: the previous rules (to :6000) in force, not the new ones"
	tb_recv 6001
	other=$RECV
	tb_recv 6000
	send --vni 42 --count 500
	tb_recv_end 500 "$RECV" "$other"
	whole 6000 500 && [ "$(jget "$TB_DIR/recv-6001.json" received)" = 0 ]
	ok $? "the traffic goes to the previous target: 500 of 500 at :6000, $(jget "$TB_DIR/recv-6001.json" received) at :6001"
	f0=$(reason vxlan_filtered)
	send --vni 77 --count 100
	wait_until 30 sum_grown "$f0" 100 vxlan_filtered forwarded
	[ $(($(reason vxlan_filtered) - f0)) = 100 ]
	ok $? "VNI 77, which only the failed configuration listed, is not decapsulated"
	tb_daemon_stop
}

test_vni_removed
test_df_threshold_and_port
test_egress_mtu
test_inner_ipv6
test_inner_tcp
test_inner_fragments
test_generic_mode
test_apply_fails_half_way
tap_done
