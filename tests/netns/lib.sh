# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the network-namespace tests: TAP output and the privileged-test
# rule (skip locally, fail under CI=true), on top of scripts/testbed.sh, which
# builds the namespaces and runs the daemon. Callers set BUILD (the build tree).

TB_BUILD=$BUILD
# shellcheck source=tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
# shellcheck source=scripts/testbed.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/testbed.sh"

# require_topology: the testbed, or a bail-out that says why
require_topology() {
	if ! tb_up >"$TB_DIR/topo.log" 2>&1; then
		echo "Bail out! building the testbed failed: $(tail -n 3 "$TB_DIR/topo.log")"
		exit 1
	fi
}

# vxp_define NAME: the number bpf/vxlan_pipeline.h defines NAME as
vxp_define() {
	sed -n "s/^#define $1[[:space:]]*\([0-9]*\).*/\1/p" \
		"${VXP_TOP_SRCDIR:-$TB_BUILD/..}/bpf/vxlan_pipeline.h"
}

# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds,
# for SECONDS at most. For a state the test waits for, with room to spare:
# a slow or loaded machine only takes longer to get there.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# require_tools TOOL...: each one installed, or a bail-out that says so
require_tools() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null ||
			{ echo "Bail out! $tool is missing (scripts/install-deps.sh installs it)"; exit 1; }
	done
}

# tb_metric NAME_WITH_LABELS: its value on the daemon's /metrics at METRICS
# (ADDR:PORT, set by the caller) from the dut namespace: 0 when the daemon
# answers without it, nothing when the daemon does not answer
# shellcheck disable=SC2016 # awk's dollars
tb_metric() {
	tb_dut curl -s -m 10 "http://$METRICS/metrics" |
		awk -v m="$1" '$1 == m { v = $2 } /^vxlan_pipeline_build_info/ { up = 1 }
			END { if (up) print v + 0 }'
}
tb_forwarded() { tb_metric 'vxlan_pipeline_packets_total{result="redirect",reason="forwarded"}'; }
# tb_healthz: /healthz at METRICS from the dut namespace; HZ_CODE, HZ_BODY
# shellcheck disable=SC2034 # HZ_CODE is for the caller
tb_healthz() {
	HZ_BODY=$(tb_dut curl -s -m 30 -w '\n%{http_code}' "http://$METRICS/healthz")
	HZ_CODE=${HZ_BODY##*$'\n'}
	HZ_BODY=${HZ_BODY%$'\n'*}
	HZ_BODY=${HZ_BODY%$'\n'}
}
# pcap_has PCAP N: the capture file holds N frames or more
pcap_has() { [ "$(tshark -r "$1" 2>/dev/null | wc -l)" -ge "$2" ]; }

# tb_udp_bound NS PORT: a UDP socket in NS is bound to PORT
tb_udp_bound() {
	[ -n "$(ip netns exec "$1" ss -Hlun "sport = :$2")" ]
}

# tb_count_of COMMAND: what COMMAND prints, once it prints a number; 30 s
# at most, however long each try takes (a hung daemon makes every curl
# wait out its own timeout: 300 tries were 50 min)
tb_count_of() {
	local v end=$((SECONDS + 30))
	while :; do
		v=$("$1")
		[ -n "$v" ] && { echo "$v"; return 0; }
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# tb_grown COMMAND FROM BY: COMMAND prints a number at least FROM + BY
tb_grown() {
	local v
	v=$("$1")
	[ -n "$v" ] && [ "$v" -ge $(($2 + $3)) ]
}

# tb_sink_read: how many datagrams the sink's UDP sockets (IPv4 and IPv6)
# have handed to their readers; the kernel counts a datagram when it is
# read, not when it is queued
# shellcheck disable=SC2016 # awk's dollars
tb_sink_read() {
	ip netns exec "$TB_SINK" awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { n += $2 }
		$1 == "Udp6InDatagrams" { n += $2 } END { print n + 0 }' /proc/net/snmp /proc/net/snmp6
}
tb_sink_read_ge() { [ "$(tb_sink_read)" -ge "$1" ]; }

# tb_recv PORT [ADDR]: vxlan-trafficgen's checking receiver in the sink on
# ADDR:PORT (default 10.200.0.2), its report in recv-PORT.json; RECV (its
# PID) and RECV_FROM (tb_sink_read before it). Ready when it returns. It
# has no idle timeout to end it early: a pause in the traffic on a slow
# machine would; tb_recv_end stops it once it has read what it should.
tb_recv() {
	RECV_FROM=$(tb_sink_read)
	tb_recv_bg "${2:-10.200.0.2}:$1" "$TB_DIR/recv-$1.json"
}
tb_recv_bg() { # tb_recv_bg ADDR:PORT REPORT: the receiver; RECV
	ip netns exec "$TB_SINK" "$TB_TRAFFICGEN" --receive "$1" --duration 300 --idle 300 \
		--json -q >"$2" &
	RECV=$!
	tb_track $RECV
	wait_until 60 tb_udp_bound "$TB_SINK" "${1##*:}"
}
# tb_recv_end N PID...: once the sink's sockets have read N datagrams since
# RECV_FROM (TB_RECV_WAIT seconds at most, default 60: fewer arrive when
# some are lost), the receivers PID... are stopped; each writes its report
# of what it read (SIGTERM)
tb_recv_end() {
	local n=$1
	shift
	wait_until "${TB_RECV_WAIT:-60}" tb_sink_read_ge $((RECV_FROM + n))
	kill -TERM "$@" 2>/dev/null
	wait "$@"
}

# tb_through COUNT [PORT [RATE]]: COUNT VXLAN datagrams (VNI 42, inner UDP
# to port 5000) at RATE pps (default 5000) from the src namespace; prints
# how many the receiver at 10.200.0.2:PORT (default 6000) got, its report in
# recv-PORT.json
tb_through() {
	tb_recv "${2:-6000}"
	tb_src "$TB_TRAFFICGEN" --dst 10.100.0.1 --vni 42 --rate "${3:-5000}" --count "$1" -q \
		>/dev/null
	tb_recv_end "$1" "$RECV"
	sed -n 's/.*"received": \([0-9]*\).*/\1/p' "$TB_DIR/recv-${2:-6000}.json"
}

# tb_across RATE PORTS FORWARDED ACTION...: traffic on both sides of ACTION,
# at a rate far below what the machine carries, so that any loss is the
# action's. VXLAN at RATE pps in 8 flows from the UDP sender; a checking
# receiver (vxlan-trafficgen --receive) on each of the comma-separated PORTS
# in the sink, its report in across-PORT.json. FORWARDED is a command that
# prints the pipeline's count of forwarded packets, or nothing while it
# cannot. ACTION runs once 500 packets were forwarded; the sender stops once
# 1000 more were forwarded after it (so every flow has packets after it, and
# a gap shows as lost sequence numbers); the receivers are stopped once the
# sink has read all SENT (tb_recv_end), never by a pause in the traffic,
# however long the action stops it. An action that loses packets leaves
# that wait to run out: TB_ACROSS_SETTLE (default 60) seconds after the
# sender stopped, time for the last packets to be read, nothing more. Every
# wait is for a state, 60 s at most. Sets ACTED (the action's status), SENT
# (what the sender sent) and FLOWED (0 when the traffic flowed on both sides
# as planned).
# shellcheck disable=SC2034 # ACTED, SENT and FLOWED are for the caller
tb_across() {
	local rate=$1 ports=$2 fwd=$3 port send recvs="" f
	shift 3
	RECV_FROM=$(tb_sink_read)
	for port in ${ports//,/ }; do
		tb_recv_bg "10.200.0.2:$port" "$TB_DIR/across-$port.json"
		recvs+=" $RECV"
	done
	ip netns exec "$TB_SRC" "$TB_BUILD/src/vxlan-trafficgen" --dst 10.100.0.1 --vni 42 \
		--rate "$rate" --duration 280 --flows 8 --json -q >"$TB_DIR/across-send.json" &
	send=$!
	tb_track $send
	f=$(tb_count_of "$fwd")
	wait_until 60 tb_grown "$fwd" "${f:-0}" 500
	FLOWED=$?
	"$@"
	ACTED=$?
	f=$(tb_count_of "$fwd")
	wait_until 60 tb_grown "$fwd" "${f:-0}" 1000 || FLOWED=1
	kill -TERM "$send"
	wait "$send"
	SENT=$(sed -n 's/.*"sent": \([0-9]*\).*/\1/p' "$TB_DIR/across-send.json")
	# shellcheck disable=SC2086 # a list of PIDs
	TB_RECV_WAIT=${TB_ACROSS_SETTLE:-60} tb_recv_end "${SENT:-0}" $recvs
}

# tb_across_got PORT FIELD: a number from the receiver's report at PORT
tb_across_got() {
	sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$TB_DIR/across-$1.json"
}
