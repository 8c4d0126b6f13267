#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The operator's view on the testbed: /metrics against what the generator sent
# and the receiver counted; /healthz flipping when the egress interface goes
# and comes back; the vxlan-pipeline CLI against the running daemon, also
# without root; and clients that connect and say nothing. Every wait is for
# a state (30 s at most), never for a time.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
TG=$BUILD/src/vxlan-trafficgen
CLI=$BUILD/src/vxlan-pipeline

require_root "the operator test"
command -v curl >/dev/null || { echo "Bail out! curl is missing"; exit 1; }
require_topology
# target_pps far below the 2000 pps the monitor test sends: green is a
# matter of the traffic flowing, not of the machine's speed
TB_METRICS=10.100.0.1:9464 tb_conf "10.200.0.2:6000" "target_pps = 200;"
tb_daemon_start --config-dir "$TB_DIR/conf" ||
	{ echo "Bail out! the daemon did not start: $(cat "$TB_DIR/daemon.log")"; exit 1; }
cli() { "$CLI" --socket "$TB_DIR/control.sock" "$@"; }
metric() { # metric NAME_WITH_LABELS: its value from /metrics, from the src namespace
	tb_src curl -s -m 30 http://10.100.0.1:9464/metrics | awk -v m="$1" '$1 == m { print $2 }'
}
fwd() { metric 'vxlan_pipeline_packets_total{result="redirect",reason="forwarded"}'; }
healthz_code() { tb_src curl -s -m 30 -o /dev/null -w '%{http_code}' http://10.100.0.1:9464/healthz; }
healthz_is() { [ "$(healthz_code)" = "$1" ]; }
# send_bg RATE [GENERATOR ARGS]: VXLAN at RATE until stopped (SEND); send_stop
send_bg() {
	local rate=$1
	shift
	ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate "$rate" --duration 280 -q \
		"$@" >/dev/null &
	SEND=$!
	tb_track $SEND
}
send_stop() {
	kill -TERM "$SEND"
	wait "$SEND"
}
json() { sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" "$1"; }

test_metrics_match_traffic() {
	local fwd0 fwd1 hit0 hit1
	fwd0=$(metric 'vxlan_pipeline_packets_total{result="redirect",reason="forwarded"}')
	hit0=$(metric 'vxlan_pipeline_events_total{event="nat_hit"}')
	tb_recv 6000
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --rate 3000 --count 3000 --flows 3 --json -q \
		>"$TB_DIR/send.json"
	tb_recv_end 3000 "$RECV"
	fwd1=$(metric 'vxlan_pipeline_packets_total{result="redirect",reason="forwarded"}')
	hit1=$(metric 'vxlan_pipeline_events_total{event="nat_hit"}')
	[ $((fwd1 - fwd0)) = 3000 ] && [ "$(json "$TB_DIR/send.json" sent)" = 3000 ] &&
		[ "$(json "$TB_DIR/recv-6000.json" received)" = 3000 ]
	ok $? "/metrics counts 3000 forwarded: what the generator sent and the receiver got"
	[ $((hit1 - hit0)) = 3000 ]
	ok $? "... and 3000 NAT hits"
	tb_src curl -s -m 30 http://10.100.0.1:9464/metrics >"$TB_DIR/metrics.txt"
	grep -q '^# TYPE vxlan_pipeline_packets_total counter$' "$TB_DIR/metrics.txt" &&
		grep -q '^vxlan_pipeline_xdp_attached{interface="d-in0",role="ingress",mode="native"} 1$' \
			"$TB_DIR/metrics.txt" &&
		grep -q '^vxlan_pipeline_nat_rules 2$' "$TB_DIR/metrics.txt" &&
		grep -q '^vxlan_pipeline_build_info{version="' "$TB_DIR/metrics.txt"
	ok $? "types, attachment, rule count and build info are there"
	# every sample line is NAME{LABELS} VALUE, every name has HELP and TYPE
	awk '/^#/ { if ($2 == "TYPE") typed[$3] = 1; next }
	     { n = $1; sub(/\{.*/, "", n); if (!typed[n] || NF != 2 || $2 !~ /^[0-9.e+-]+$/) bad++ }
	     END { exit bad > 0 }' "$TB_DIR/metrics.txt"
	ok $? "the exposition parses: each sample typed, named and numbered"
}

test_healthz() {
	local code mac
	code=$(tb_src curl -s -m 30 -o "$TB_DIR/health.txt" -w '%{http_code}' http://10.100.0.1:9464/healthz)
	[ "$code" = 200 ]
	ok $? "/healthz: 200 while attached and the egress runs"
	diag "$code $(cat "$TB_DIR/health.txt")"
	mac=$(tb_dut cat /sys/class/net/d-out0/address)
	tb_dut ip link del d-out0
	tb_src curl -s -m 30 http://10.100.0.1:9464/healthz >"$TB_DIR/health.txt"
	code=$(healthz_code)
	[ "$code" = 503 ] && grep -q "egress interface 'd-out0' is gone" "$TB_DIR/health.txt"
	ok $? "/healthz: 503 with the reason once the egress veth is deleted"
	diag "$(cat "$TB_DIR/health.txt")"
	ip link add d-out0 netns "$TB_DUT" address "$mac" type veth peer name k-eth0 netns "$TB_SINK"
	tb_dut ip addr add 10.200.0.1/24 dev d-out0 && tb_dut ip link set d-out0 up &&
		tb_sink ip addr add 10.200.0.2/24 dev k-eth0 && tb_sink ip link set k-eth0 up &&
		tb_sink ethtool -K k-eth0 gro on >/dev/null &&
		tb_dut ip neigh replace 10.200.0.2 lladdr "$(tb_sink cat /sys/class/net/k-eth0/address)" \
			dev d-out0 nud permanent
	# the next stats tick puts the new index into the transmit ports
	wait_until 30 grep -q "egress 'd-out0' is back as index" "$TB_DIR/daemon.log"
	ok $? "the daemon logs that it redirects to the new interface"
	code=$(healthz_code)
	[ "$code" = 200 ]
	ok $? "/healthz: 200 again once it is back"
	[ "$(tb_through 500 6000 2000)" = 500 ]
	ok $? "and traffic flows again through the new egress veth"
}

# statuses_ge N: the daemon has sent N STATUS= lines
statuses_ge() { [ "$(grep -c '^STATUS=' "$TB_DIR/notify.log")" -ge "$1" ]; }
# all_dropped_ticks_after N: two STATUS= lines after the first N say their
# interval saw decapsulated packets, all dropped (the first such interval
# may have begun before line N; the second began after it)
all_dropped_ticks_after() {
	[ "$(tail -n +"$(($1 + 1))" "$TB_DIR/notify.log" |
		grep -cE '^STATUS=0 pps forwarded, 0 to the kernel, ([1-9][0-9]*) dropped of \1 decapsulated')" -ge 2 ]
}

# Every decapsulated packet dropped for a failure (a blackhole route to the
# collector) is unhealthy; dropped by unmatched = "drop", by design, is not.
# Asked while 1000 pps flow, once the daemon's last interval has seen them.
test_healthz_drops() {
	local code n
	tb_dut ip route add blackhole 10.200.0.2/32
	send_bg 1000
	wait_until 30 healthz_is 503
	tb_src curl -s -m 30 http://10.100.0.1:9464/healthz >"$TB_DIR/health.txt"
	send_stop
	grep -q "every decapsulated packet was dropped" "$TB_DIR/health.txt"
	ok $? "/healthz: 503 when a blackhole route drops everything"
	diag "$(cat "$TB_DIR/health.txt")"
	tb_dut ip route del blackhole 10.200.0.2/32
	TB_METRICS=10.100.0.1:9464 tb_conf "10.200.0.2:6000" 'target_pps = 200; unmatched = "drop";'
	tb_reload
	n=$(wc -l <"$TB_DIR/notify.log")
	send_bg 1000 --inner-dst 10.2.0.1:7777
	wait_until 30 all_dropped_ticks_after "$n"
	tb_src curl -s -m 30 http://10.100.0.1:9464/healthz >"$TB_DIR/health.txt"
	code=$(healthz_code)
	send_stop
	all_dropped_ticks_after "$n" && [ "$code" = 200 ] && grep -q "0 pps forwarded" "$TB_DIR/health.txt" &&
		[ "$(cli stats --json | sed -n 's/.*"nat_unmatched": {"result": "drop", "packets": \([0-9]*\).*/\1/p')" -gt 0 ]
	ok $? "/healthz: 200 when unmatched = \"drop\" drops everything, by design"
	diag "$(cat "$TB_DIR/health.txt")"
	TB_METRICS=10.100.0.1:9464 tb_conf "10.200.0.2:6000" "target_pps = 200;"
	tb_reload
}

test_cli() {
	cli status >"$TB_DIR/status.txt"
	ok $? "vxlan-pipeline status: exit 0 for a healthy daemon"
	grep -q "vxlan-pipelined is running" "$TB_DIR/status.txt" &&
		grep -qE "ingress +d-in0 +native XDP, driver veth" "$TB_DIR/status.txt" &&
		grep -q "2 rules; VNIs 1, 42" "$TB_DIR/status.txt"
	ok $? "status names the daemon, its ingress and mode, the rules and VNIs"
	cli stats --json >"$TB_DIR/stats.json" &&
		grep -q '"forwarded": {"result": "redirect", "packets": ' "$TB_DIR/stats.json"
	ok $? "stats --json: every reason with its result and packets"
	cli nat >"$TB_DIR/nat.txt"
	[ "$(grep -c 'dst_port    5000  any                  10.200.0.2:6000' "$TB_DIR/nat.txt")" = 2 ] &&
		grep -q "conf/nat.conf:2" "$TB_DIR/nat.txt"
	ok $? "nat: both rules as the data plane holds them, with file and line"
	cli nat --json >"$TB_DIR/nat.json" &&
		python3 - "$TB_DIR/nat.json" "$TB_DIR/conf/nat.conf" >"$TB_DIR/nat-json.txt" 2>&1 <<-'EOF'
			import json, sys
			rules = [e for e in json.load(open(sys.argv[1]))["entries"] if not e.get("marker")]
			got = sorted((e["family"], e["proto"], e["match"], e["port"], e["dst"], e["to"],
			              e["source"]) for e in rules)
			conf = sys.argv[2]
			want = [("ipv4", "tcp", "dst_port", 5000, None, "10.200.0.2:6000", conf + ":3"),
			        ("ipv4", "udp", "dst_port", 5000, None, "10.200.0.2:6000", conf + ":2")]
			print(got)
			sys.exit(got != want)
		EOF
	ok $? "nat --json: JSON that parses, with both rules, their target and where each is written"
	diag "$(cat "$TB_DIR/nat-json.txt")"
	local f
	send_bg 2000
	f=$(tb_count_of fwd)
	wait_until 30 tb_grown fwd "$f" 500
	cli monitor --interval 1 --count 3 >"$TB_DIR/monitor.txt"
	ok $? "monitor --count 3: exits by itself"
	send_stop
	[ "$(grep -c ' green ' "$TB_DIR/monitor.txt")" -ge 2 ] &&
		head -n 1 "$TB_DIR/monitor.txt" | grep -q "TIME     PPS        VXLAN_PPS  NAT_HIT% REDIRECTED ERRORS  STATUS"
	ok $? "monitor: the seed's columns, green while 2000 pps flow against target_pps 200"
	diag "$(cat "$TB_DIR/monitor.txt")"
	cli status --socket /nonexistent/x.sock 2>"$TB_DIR/err.txt"
	[ $? = 3 ] && grep -q "vxlan-pipelined is not running" "$TB_DIR/err.txt"
	ok $? "no daemon: exit 3 and a clear message"
}

# TCP (metrics_listen, 0.0.0.0 for the NLB in a deployment) serves /metrics
# and /healthz only; what the operator reads (status, counters, rules and
# their files, collector addresses) is for the control socket's group.
tcp_code() { tb_src curl -s -m 30 -o /dev/null -w '%{http_code}' "http://10.100.0.1:9464$1"; }
unix_code() { curl -s -m 30 -o /dev/null -w '%{http_code}' --unix-socket "$TB_DIR/control.sock" "http://localhost$1"; }
test_tcp_exposure() {
	local p codes=""
	for p in /status /stats /nat /nonexistent; do
		codes+=" $p=$(tcp_code "$p")"
	done
	[ "$codes" = " /status=404 /stats=404 /nat=404 /nonexistent=404" ]
	ok $? "TCP: 404 for the operator's pages and anything else:$codes"
	[ "$(tcp_code /metrics)" = 200 ] && [ "$(tcp_code /healthz)" = 200 ]
	ok $? "TCP: /metrics and /healthz answer"
	tb_src curl -s -m 30 http://10.100.0.1:9464/ >"$TB_DIR/index.txt"
	grep -q "/metrics, /healthz$" "$TB_DIR/index.txt" && ! grep -q "/status" "$TB_DIR/index.txt"
	ok $? "TCP: / lists only what TCP serves: $(cat "$TB_DIR/index.txt")"
	codes=""
	for p in /status /stats /nat /metrics /healthz; do
		codes+=" $p=$(unix_code "$p")"
	done
	[ "$codes" = " /status=200 /stats=200 /nat=200 /metrics=200 /healthz=200" ]
	ok $? "control socket: every page:$codes"
}

# The socket is 0660 and its group's (root's here, vxlan-pipeline where the
# package made the group): an unprivileged member reads it, others may not.
test_cli_unprivileged() {
	local gid
	gid=$(stat -c %g "$TB_DIR/control.sock")
	chmod 755 "$TB_DIR"
	[ "$(stat -c %a "$TB_DIR/control.sock")" = 660 ]
	ok $? "the control socket is mode 0660"
	setpriv --reuid nobody --regid "$gid" --clear-groups --inh-caps=-all \
		"$CLI" --socket "$TB_DIR/control.sock" stats >/dev/null
	ok $? "a member of the socket's group reads stats without root"
	setpriv --reuid nobody --regid nogroup --clear-groups --inh-caps=-all \
		"$CLI" --socket "$TB_DIR/control.sock" stats 2>"$TB_DIR/err.txt" >/dev/null
	grep -q "permission denied: run as root or as a member of the vxlan-pipeline group" \
		"$TB_DIR/err.txt"
	ok $? "anyone else is told what to do"
}

# Idle connections from one address: at most 4 held (each newcomer takes the
# place of the one idle longest); other addresses, the control socket and the
# loop carry on; the daemon closes the idle ones itself (the clients would
# hold them for 60 s). How much memory
# this costs the daemon, and how soon it closes them, are figures of make
# bench.
PER_IP=4 # HTTP_PER_IP_MAX
# the daemon's side: connections it accepted and holds open, as one number
# once none waits in the listening socket's accept queue (the kernel shows
# those as established too), nothing while some do
held() {
	local q
	q=$(tb_dut ss -Hltn '( sport = :9464 )' | awk '{ print $2 }')
	[ "$q" = 0 ] || return 1
	tb_dut ss -Htn state established '( sport = :9464 )' | wc -l
}
# the clients' side: connections that got through the handshake, and those
# the daemon closed (close-wait: the client still holds its end)
connected() { tb_src ss -Htn state established state close-wait '( dport = :9464 )' | wc -l; }
closed_by_daemon() { tb_src ss -Htn state close-wait '( dport = :9464 )' | wc -l; }
all_connected() { [ "$(connected)" = "$1" ]; }
# watch_held N: polls until the daemon has closed all N client connections
# (60 s at most); MAX_HELD is the most it held at once meanwhile
watch_held() {
	local h end=$((SECONDS + 60))
	MAX_HELD=0
	until [ "$(closed_by_daemon)" -ge "$1" ] || [ $SECONDS -ge $end ]; do
		h=$(held) && [ "$h" -gt "$MAX_HELD" ] && MAX_HELD=$h
		sleep 0.1
	done
	[ "$(closed_by_daemon)" -ge "$1" ]
}
# hostile_round: 12 idle connections from one address, watched from before
# the first connects (WATCH); then /healthz from another address (HZ) and
# the control socket (CTL, its status). True when the daemon still held
# some of the 12 once both had answered: the daemon holds its share only
# until their deadline, which a loaded machine may reach first, and answers
# given after it prove nothing.
hostile_round() {
	rm -f "$TB_DIR/held.txt"
	(
		watch_held 12
		echo "$? $MAX_HELD" >"$TB_DIR/held.txt"
	) &
	WATCH=$!
	tb_track $WATCH
	CLIENTS=""
	for _ in $(seq 12); do
		tb_src bash -c 'exec 3<>/dev/tcp/10.100.0.1/9464; exec sleep 60' 2>/dev/null &
		CLIENTS+=" $!"
		tb_track $!
	done
	wait_until 30 all_connected 12
	CONNECTED=$?
	HZ=$(tb_sink curl -s -m 30 -o /dev/null -w '%{http_code}' http://10.100.0.1:9464/healthz)
	cli stats >/dev/null
	CTL=$?
	[ "$(closed_by_daemon)" -lt 12 ]
}
test_hostile_clients() {
	local code statuses closed rounds held
	statuses=$(grep -c '^STATUS=' "$TB_DIR/notify.log")
	tb_sink ip route add 10.100.0.0/24 via 10.200.0.1
	for rounds in 1 2 3; do
		hostile_round
		held=$?
		[ "$held" = 0 ] && break
		wait "$WATCH"
		# shellcheck disable=SC2086 # a list of PIDs
		kill $CLIENTS 2>/dev/null
		wait_until 30 all_connected 0
	done
	ok "$CONNECTED" "12 idle connections from one address get through the handshake ($(connected))"
	[ "$held" = 0 ] && [ "$HZ" = 200 ]
	ok $? "another address still gets /healthz while the daemon holds some of them ($HZ; round $rounds of 3)"
	[ "$held" = 0 ] && [ "$CTL" = 0 ]
	ok $? "the control socket still answers meanwhile"
	wait_until 30 statuses_ge $((statuses + 1))
	ok $? "the daemon's loop goes on meanwhile (its status kept coming)"
	wait "$WATCH"
	read -r closed MAX_HELD <"$TB_DIR/held.txt" || { closed=1 MAX_HELD=0; }
	[ "$MAX_HELD" -ge 1 ] && [ "$MAX_HELD" -le "$PER_IP" ]
	ok $? "of the 12, the daemon held at most $PER_IP at once, and some: $MAX_HELD"
	ok "$closed" "all 12 were closed by the daemon, held or refused ($(closed_by_daemon) in close-wait at the clients)"
	# shellcheck disable=SC2086 # a list of PIDs
	kill $CLIENTS 2>/dev/null
	# a header that never ends is cut at the connection's memory limit: an
	# HTTP error, or the connection closed after the request was sent
	head -c 200000 /dev/zero | tr '\0' 'a' |
		tb_src bash -c 'exec 3<>/dev/tcp/10.100.0.1/9464 || exit 3; printf "GET / HTTP/1.1\r\nX: " >&3; cat >&3 2>/dev/null; cat <&3' \
		>"$TB_DIR/huge.txt" 2>/dev/null
	code=$?
	diag "200 kB header: client status $code, reply: $(head -c 80 "$TB_DIR/huge.txt" | head -n 1)"
	grep -qE "^HTTP/1.1 (431|413|400) " "$TB_DIR/huge.txt"
	ok $? "a 200 kB header is refused with an HTTP error, not buffered"
	kill -0 "$TB_DAEMON_PID"
	ok $? "and the daemon is still there"
}

test_metrics_match_traffic
test_healthz
test_healthz_drops
test_cli
test_tcp_exposure
test_cli_unprivileged
test_hostile_clients
tb_daemon_stop
tap_done
