#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A NAT rule's next hop, which the program keeps instead of asking the FIB for
# every packet, follows the kernel: with traffic running, the collector's MAC
# changes, then its route; once the daemon has seen each change (its
# /metrics count the route and neighbour events it acted on: a state, not a
# time), every packet sent goes the new way. The frames are told apart at
# the collector's side by their destination MAC, each batch by its inner
# source address. The rule's counter in /metrics counts what was forwarded,
# and keeps it across a reload that moves the rule to another line. What
# the start's dumps show (the links and addresses there are) is no event;
# an address added or a link changed is one.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
TG=$BUILD/src/vxlan-trafficgen
METRICS=127.0.0.1:9464
COLLECTOR=10.77.0.9
MAC0= # k-eth0's own, filled in below
MAC1=02:00:00:00:77:01
MAC2=02:00:00:00:77:02
BATCH=300

require_root "the next-hop test"
require_tools curl dumpcap tshark
require_topology

events() { tb_metric "vxlan_pipeline_nexthop_events_total{kind=\"$1\"}"; } # KIND
events_neighbour() { events neighbour; }
events_route() { events route; }
events_grown() { [ "$(events "$1")" -gt "$2" ] 2>/dev/null; } # KIND FROM
# events_shown KIND: /metrics has the counter's line (tb_metric prints 0 for
# one it lacks, and a lacking counter is not a zero)
# shellcheck disable=SC2016 # awk's dollars
events_shown() {
	tb_dut curl -s -m 10 "http://$METRICS/metrics" |
		awk -v m="vxlan_pipeline_nexthop_events_total{kind=\"$1\"}" '$1 == m { f = 1 }
			END { exit !f }'
}
# lladdr_done: the dut's two veths have their IPv6 link-local addresses, past
# DAD (its end is an address event, a second after the link came up)
lladdr_done() {
	[ -n "$(tb_dut ip -6 addr show dev d-in0 scope link -tentative)" ] &&
		[ -n "$(tb_dut ip -6 addr show dev d-out0 scope link -tentative)" ] &&
		[ -z "$(tb_dut ip -6 addr show tentative)" ]
}
# macs_of SRC: the destination MACs of the captured frames from inner SRC,
# counted, "MAC COUNT" per line
macs_of() {
	tshark -r "$CAP" -Y "ip.src == $1" -T fields -e eth.dst 2>/dev/null | sort | uniq -c |
		awk '{ print $2, $1 }'
}
count_of() { macs_of "$1" | awk -v m="$2" '$1 == m { n = $2 } END { print n + 0 }'; } # SRC MAC
# batch SRC: BATCH packets of the one NAT rule from inner source SRC
batch() {
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --inner-src "$1:41000" --rate 2000 \
		--count "$BATCH" -q >/dev/null
}
# changed KIND COMMAND...: runs COMMAND in the dut, then waits until the
# daemon has acted on an event of KIND
changed() {
	local kind=$1 e
	shift
	e=$(tb_count_of "events_$kind")
	tb_dut "$@" && wait_until 30 events_grown "$kind" "${e:-0}"
}

MAC0=$(tb_sink cat /sys/class/net/k-eth0/address)
CAP=$TB_DIR/collector.pcap
tb_dut ip route add "$COLLECTOR/32" via 10.200.0.2 dev d-out0
TB_METRICS=$METRICS tb_conf "$COLLECTOR:6000"
wait_until 30 lladdr_done
tb_daemon_start --config-dir "$TB_DIR/conf" || {
	echo "Bail out! the daemon did not start: $(tail -n 5 "$TB_DIR/daemon.log")"
	exit 1
}
# Nothing changed since the start: its dumps of the links and addresses the
# dut has counted no event. Then one address added to the ingress is one
# address event, one alias set on lo one link event.
links=$(tb_dut ip -o link show | wc -l)
addrs=$(tb_dut ip -o addr show | wc -l)
l0=$(events link)
a0=$(events address)
events_shown link && events_shown address && [ "$l0" = 0 ] && [ "$a0" = 0 ]
ok $? "the start's dumps of $links links and $addrs addresses are no event: link $l0, address $a0"
tb_dut ip addr add 10.100.0.50/32 dev d-in0
wait_until 30 events_grown address "$a0"
a1=$(events address)
[ "$a1" = $((a0 + 1)) ]
ok $? "an address added to d-in0 is one address event: $a0 -> $a1"
tb_dut ip link set dev lo alias vxp-nexthop-test
wait_until 30 events_grown link "$l0"
l1=$(events link)
[ "$l1" = $((l0 + 1)) ]
ok $? "an alias set on lo is one link event: $l0 -> $l1"
tb_dut ip addr del 10.100.0.50/32 dev d-in0
ip netns exec "$TB_SINK" dumpcap -q -i k-eth0 -f "udp and dst host $COLLECTOR" -a duration:300 \
	-w "$CAP" >"$TB_DIR/dumpcap.log" 2>&1 &
cap_pid=$!
tb_track $cap_pid
wait_until 60 grep -q '^File:' "$TB_DIR/dumpcap.log"
# the traffic that runs throughout, stopped below once the three batches
# are through (280 s at most: a slow machine takes longer to get there,
# and traffic that ended early would miss a change)
ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate 2000 --duration 280 -q \
	>/dev/null 2>&1 &
run_pid=$!
tb_track $run_pid
f0=$(tb_count_of tb_forwarded)
wait_until 30 tb_grown tb_forwarded "${f0:-0}" 500
ok $? "traffic runs to $COLLECTOR through the pipeline"
batch 10.1.0.2

changed neighbour ip neigh replace 10.200.0.2 lladdr "$MAC1" dev d-out0 nud permanent
ok $? "the collector's MAC changes to $MAC1: the daemon acts on the neighbour event"
batch 10.1.0.3

tb_dut ip neigh replace 10.200.0.3 lladdr "$MAC2" dev d-out0 nud permanent
changed route ip route replace "$COLLECTOR/32" via 10.200.0.3 dev d-out0
ok $? "its route changes to go via 10.200.0.3 ($MAC2): the daemon acts on the route event"
batch 10.1.0.4

kill -TERM "$run_pid"
wait "$run_pid"
f1=$(tb_forwarded)
# every forwarded frame in the capture: then it is all there
wait_until 30 pcap_has "$CAP" "$f1"
kill -TERM "$cap_pid"
wait "$cap_pid"

b1=$(count_of 10.1.0.2 "$MAC0")
[ "$b1" = "$BATCH" ]
ok $? "before any change, the batch went to $MAC0: $b1 of $BATCH ($(macs_of 10.1.0.2 | tr '\n' ' '))"
b2=$(count_of 10.1.0.3 "$MAC1")
[ "$b2" = "$BATCH" ]
ok $? "after the MAC change, every packet went to $MAC1: $b2 of $BATCH ($(macs_of 10.1.0.3 | tr '\n' ' '))"
b3=$(count_of 10.1.0.4 "$MAC2")
[ "$b3" = "$BATCH" ]
ok $? "after the route change, every packet went via 10.200.0.3 to $MAC2: $b3 of $BATCH ($(macs_of 10.1.0.4 | tr '\n' ' '))"
# the traffic that ran throughout took each way in turn
r=$(macs_of 10.1.0.1 | tr '\n' ' ')
[ "$(count_of 10.1.0.1 "$MAC0")" -gt 0 ] && [ "$(count_of 10.1.0.1 "$MAC1")" -gt 0 ] &&
	[ "$(count_of 10.1.0.1 "$MAC2")" -gt 0 ]
ok $? "the running traffic went each way in turn ($r)"
# nat.conf's line 2 is the UDP rule: every packet was its, and forwarded
n=$(tb_metric 'vxlan_pipeline_nat_rule_packets_total{rule="nat.conf:2",to="10.77.0.9:6000"}')
[ -n "$n" ] && [ "$n" = "$f1" ]
ok $? "the rule's counter in /metrics: $n packets, as many as were forwarded ($f1)"
# A reload that adds a rule before it: the UDP rule stays, now on line 3, and
# keeps its count; the new rule starts from zero.
sed -i 's/^nat = ($/nat = (\n\t{ proto = "udp"; dst_port = 5999; to = "10.77.0.10:6000"; },/' \
	"$TB_DIR/conf/nat.conf"
tb_reload
kept=$(tb_metric 'vxlan_pipeline_nat_rule_packets_total{rule="nat.conf:3",to="10.77.0.9:6000"}')
added=$(tb_metric 'vxlan_pipeline_nat_rule_packets_total{rule="nat.conf:2",to="10.77.0.10:6000"}')
[ -n "$kept" ] && [ "$kept" = "$n" ] && [ "$added" = 0 ] &&
	tb_dut curl -s -m 10 "http://$METRICS/metrics" | grep -q 'rule="nat.conf:2",to="10.77.0.10:6000"'
ok $? "a reload adds a rule before it: the UDP rule, now nat.conf:3, keeps its $kept packets; the new one has $added"
tb_daemon_stop
[ "$TB_DAEMON_STATUS" = 0 ]
ok $? "the daemon stops cleanly"
tap_done
