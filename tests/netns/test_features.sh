#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Feature records (contract step 8) on the testbed: with sampling 1 in 1 every
# packet the generator sent comes back as a record with its inner tuple, length,
# VNI and verdict; 1 in 100 keeps a share within statistical bounds; a reader
# that does not read costs the data plane nothing, and what it misses is
# counted; sampling off is said so. Every count is waited for (30 s at
# most); how soon records arrive is a figure of make bench.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
TG=$BUILD/src/vxlan-trafficgen
CLI=$BUILD/src/vxlan-pipeline

require_root "the feature export test"
command -v curl >/dev/null || { echo "Bail out! curl is missing"; exit 1; }
require_topology
cli() { "$CLI" --socket "$TB_DIR/control.sock" "$@"; }
metric() {
	tb_src curl -s -m 30 http://10.100.0.1:9464/metrics | awk -v m="$1" '$1 == m { print $2 }'
}
fwd() { metric 'vxlan_pipeline_packets_total{result="redirect",reason="forwarded"}'; }
# metric_ge NAME N: the metric has reached N
metric_ge() {
	local v
	v=$(metric "$1")
	[ -n "$v" ] && [ "$v" -ge "$2" ]
}
# records_all_read RECORDS0 SAMPLED0: the daemon has read from the ring every
# record the program put there since
records_all_read() {
	local r s
	r=$(metric vxlan_pipeline_feature_records_total)
	s=$(metric 'vxlan_pipeline_events_total{event="sampled"}')
	[ -n "$r" ] && [ -n "$s" ] && [ $((r - $1)) = $((s - $2)) ]
}
lines_ge() { [ "$(wc -l <"$1")" -ge "$2" ]; } # lines_ge FILE N
gone() { ! kill -0 "$1" 2>/dev/null; }
# sampling N: the daemon's feature_sampling, by reload
sampling() {
	sed -i '/^feature_sampling/d' "$TB_DIR/conf/pipeline.conf"
	echo "feature_sampling = $1;" >>"$TB_DIR/conf/pipeline.conf"
	local reloads
	reloads=$(grep -c '^RELOADING=1' "$TB_DIR/notify.log")
	kill -HUP "$TB_DAEMON_PID"
	wait_until 30 sampling_is "$1" "$reloads"
}
sampling_is() { # sampling_is N RELOADS: reloaded since, and feature_sampling is N
	[ "$(grep -c '^RELOADING=1' "$TB_DIR/notify.log")" -gt "$2" ] &&
		curl -s -m 30 --unix-socket "$TB_DIR/control.sock" http://localhost/status |
		grep -q "\"feature_sampling\": $1,"
}
# reader ARGS...: vxlan-pipeline features in the background into features.out;
# waits until the daemon counts it as a reader
reader() {
	local readers
	readers=$(metric vxlan_pipeline_feature_readers)
	"$CLI" --socket "$TB_DIR/control.sock" features "$@" >"$TB_DIR/features.out" \
		2>"$TB_DIR/features.err" &
	READER=$!
	tb_track $READER
	wait_until 30 metric_ge vxlan_pipeline_feature_readers $((readers + 1))
}

TB_METRICS=10.100.0.1:9464 tb_conf "10.200.0.2:6000" 'unmatched = "drop";'
tb_daemon_start --config-dir "$TB_DIR/conf" ||
	{ echo "Bail out! the daemon did not start: $(cat "$TB_DIR/daemon.log")"; exit 1; }

test_off() {
	cli features --count 1 2>"$TB_DIR/err.txt" >/dev/null
	[ $? = 1 ] && grep -q "Feature sampling is off: set feature_sampling = N" "$TB_DIR/err.txt"
	ok $? "sampling off: features exits 1 and says how to turn it on"
	[ "$(metric vxlan_pipeline_feature_sampling)" = 0 ]
	ok $? "/metrics: vxlan_pipeline_feature_sampling 0"
}

# readers_are N: the daemon counts N readers
readers_are() { [ "$(metric vxlan_pipeline_feature_readers)" = "$1" ]; }
# Readers that connect and hang up while sampling is off, when no record is
# ever sent to them: each slot is given back at once (there are 8), and a
# reader after them gets one.
test_hangups() {
	local held
	python3 -c '
import socket, sys
for _ in range(10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    s.close()' "$TB_DIR/features.sock"
	wait_until 30 readers_are 0
	ok $? "sampling off: 10 readers connect and hang up, and the daemon lets them go ($(metric vxlan_pipeline_feature_readers) held)"
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
time.sleep(120)' "$TB_DIR/features.sock" &
	held=$!
	tb_track $held
	wait_until 30 readers_are 1
	ok $? "a reader after them gets a slot ($(metric vxlan_pipeline_feature_readers) held)"
	kill "$held"
	wait "$held" 2>/dev/null
	wait_until 30 readers_are 0
	ok $? "and its slot is given back when it goes"
}

# Every packet: 2000 over 4 flows, 300-byte inner packets to a NAT rule's port,
# and 200 to a port no rule has (dropped: unmatched = "drop").
test_every_packet() {
	local t0 t1
	sampling 1
	ok $? "reload to feature_sampling = 1"
	reader --count 2200 --format csv
	ok $? "features --format csv connects"
	t0=$(date +%s.%N)
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --inner-src 10.1.0.7:41000 \
		--inner-dst 10.2.0.9:5000 --size 300 --flows 4 --rate 2000 --count 2000 -q >/dev/null
	tb_src "$TG" --dst 10.100.0.1 --vni 1 --inner-src 10.1.0.8:42000 \
		--inner-dst 10.2.0.9:7777 --tcp --size 100 --rate 2000 --count 200 -q >/dev/null
	wait_until 30 gone "$READER" || kill "$READER"
	wait "$READER"
	ok $? "features --count 2200 exits 0 after 2200 records"
	t1=$(date +%s.%N)
	head -n 1 "$TB_DIR/features.out" |
		grep -qx 'time,vni,proto,src,sport,dst,dport,len,verdict,reason,latency_us'
	ok $? "the CSV header names the columns"
	# per flow: VNI, protocol, tuple, length, verdict and reason as sent
	awk -F, 'NR > 1 { n[$2 " " $3 " " $4 " " $5 " " $6 " " $7 " " $8 " " $9 " " $10]++ }
		END { for (k in n) print k, n[k] }' "$TB_DIR/features.out" | sort \
		>"$TB_DIR/flows.txt"
	cat >"$TB_DIR/expect.txt" <<-EOF
		1 tcp 10.1.0.8 42000 10.2.0.9 7777 100 drop nat_unmatched 200
		42 udp 10.1.0.7 41000 10.2.0.9 5000 300 redirect forwarded 500
		42 udp 10.1.0.7 41001 10.2.0.9 5000 300 redirect forwarded 500
		42 udp 10.1.0.7 41002 10.2.0.9 5000 300 redirect forwarded 500
		42 udp 10.1.0.7 41003 10.2.0.9 5000 300 redirect forwarded 500
	EOF
	diff -u "$TB_DIR/expect.txt" "$TB_DIR/flows.txt" >"$TB_DIR/diff.txt"
	ok $? "the 2200 records are the packets sent: tuple before NAT, length, VNI, verdict"
	diag "$(head -n 20 "$TB_DIR/diff.txt")"
	# times and latencies bounded by the test's own clock, whatever its speed
	awk -F, -v t0="$t0" -v t1="$t1" 'NR > 1 && ($1 < t0 - 0.001 || $1 > t1 || $11 <= 0 ||
		$11 > (t1 - t0) * 1e6) { bad++ } END { exit bad > 0 }' "$TB_DIR/features.out"
	ok $? "timestamps fall between the first packet sent and the last record read, and so do the latencies"
	grep -qE '^2200 records in [0-9.]+ s .*latency avg [0-9.]+ us' "$TB_DIR/features.err"
	ok $? "the summary on standard error: $(cat "$TB_DIR/features.err")"
}

# 1 in 100 of 20000 packets: binomial, mean 200, sd 14.1; 5 sd either side.
test_rate() {
	local rec0 rec1 sampled0 sampled1 fwd0 n
	sampling 100
	ok $? "reload to feature_sampling = 100"
	reader --format json
	rec0=$(metric vxlan_pipeline_feature_records_total)
	sampled0=$(metric 'vxlan_pipeline_events_total{event="sampled"}')
	fwd0=$(fwd)
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --flows 16 --rate 5000 --count 20000 -q >/dev/null
	wait_until 30 tb_grown fwd "$fwd0" 20000
	wait_until 30 records_all_read "$rec0" "$sampled0"
	rec1=$(metric vxlan_pipeline_feature_records_total)
	sampled1=$(metric 'vxlan_pipeline_events_total{event="sampled"}')
	n=$((rec1 - rec0))
	[ "$n" -ge 130 ] && [ "$n" -le 270 ]
	ok $? "1 in 100 of 20000 packets: $n records (expected 200, 130 to 270)"
	[ $((sampled1 - sampled0)) = "$n" ] &&
		[ "$(metric 'vxlan_pipeline_events_total{event="sample_lost"}')" = 0 ]
	ok $? "the program counted as many sampled, and none lost to a full ring"
	wait_until 30 lines_ge "$TB_DIR/features.out" "$n"
	kill -INT "$READER"
	wait "$READER"
	ok $? "Ctrl-C ends features with exit 0"
	[ "$(grep -c '"verdict": "redirect", "reason": "forwarded"' "$TB_DIR/features.out")" = "$n" ]
	ok $? "the reader got every one of them, as JSON lines"
	grep -q "^$n records in" "$TB_DIR/features.err"
	ok $? "and said so in its summary"
}

# A reader that never reads: the daemon does not wait for it; what it misses
# is counted; the data plane forwards everything. 40000 records are more
# than a reader's socket can hold: its send buffer, at most twice 512 KiB,
# holds at most 13107 of the 80-byte messages.
SOCKET_HOLDS_AT_MOST=$((2 * 512 * 1024 / 80))
test_stuck_reader() {
	local fwd0 fwd1 rec0 rec1 s0 s1 lost0 lost1 missed0 missed1 sampled missed lost readers
	sampling 1
	readers=$(metric vxlan_pipeline_feature_readers)
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
time.sleep(120)' "$TB_DIR/features.sock" &
	local stuck=$!
	tb_track $stuck
	wait_until 30 metric_ge vxlan_pipeline_feature_readers $((readers + 1))
	fwd0=$(fwd)
	rec0=$(metric vxlan_pipeline_feature_records_total)
	s0=$(metric 'vxlan_pipeline_events_total{event="sampled"}')
	lost0=$(metric 'vxlan_pipeline_events_total{event="sample_lost"}')
	missed0=$(metric vxlan_pipeline_feature_records_missed_total)
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --flows 4 --rate 10000 --count 40000 -q >/dev/null
	wait_until 30 tb_grown fwd "$fwd0" 40000
	wait_until 30 records_all_read "$rec0" "$s0"
	fwd1=$(fwd)
	rec1=$(metric vxlan_pipeline_feature_records_total)
	s1=$(metric 'vxlan_pipeline_events_total{event="sampled"}')
	lost1=$(metric 'vxlan_pipeline_events_total{event="sample_lost"}')
	missed1=$(metric vxlan_pipeline_feature_records_missed_total)
	sampled=$((s1 - s0))
	lost=$((lost1 - lost0))
	missed=$((missed1 - missed0))
	[ $((fwd1 - fwd0)) = 40000 ]
	ok $? "a stuck reader: all 40000 packets forwarded"
	[ $((sampled + lost)) = 40000 ] && [ $((rec1 - rec0)) = "$sampled" ] &&
		[ $((sampled - missed)) -le "$SOCKET_HOLDS_AT_MOST" ]
	ok $? "every record accounted for: $sampled through the ring ($lost lost to a full one), $missed counted as missed by the reader, $((sampled - missed)) handed to it (at most $SOCKET_HOLDS_AT_MOST fit)"
	cli status >/dev/null
	ok $? "and the daemon still answers"
	kill "$stuck"
	wait "$stuck" 2>/dev/null
}

test_off
test_hangups
test_every_packet
test_rate
test_stuck_reader
tb_daemon_stop
tap_done
