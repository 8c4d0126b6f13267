# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench's figures of speed that make check does not assert (its tests
# assert counts and states; see tests/local.mk): each fig_* function measures
# on the testbed and sets FIG_* variables for bench_pipeline.sh's report.
# Sourced by bench_pipeline.sh, after scripts/testbed.sh; uses its TG, SINK,
# BUILD, pipeline_on and progress.
# shellcheck disable=SC2034 # the FIG_* variables are for the caller
# shellcheck disable=SC2153 # SINK and TG are the caller's

jnum() { # jnum FILE KEY: a number from a one-line JSON report
	sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" "$1"
}
# until_ok SECONDS COMMAND...: polls COMMAND every 0.05 s, SECONDS at most
until_ok() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}
udp_bound() { [ -n "$(ip netns exec "$1" ss -Hlun "sport = :$2")" ]; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# The generator's rate accuracy through the pipeline: what the sender
# achieved and what the checking receiver saw, against the rate asked, at 10k
# and 100k pps (target: within 1%).
fig_rate_accuracy() {
	local rate recv
	pipeline_on
	for rate in 10000 100000; do
		progress "generator at $rate pps"
		ip netns exec "$TB_SINK" "$TG" --receive 10.200.0.2:6000 --count $((rate * 2)) \
			--duration 30 --json -q >"$TB_DIR/recv.json" &
		recv=$!
		until_ok 30 udp_bound "$TB_SINK" 6000
		tb_src "$TG" --dst 10.100.0.1 --vni 42 --rate "$rate" --duration 2 --flows 4 --json -q \
			>"$TB_DIR/send.json"
		wait "$recv"
		printf -v "FIG_RATE_SEND_$rate" '%s' "$(jnum "$TB_DIR/send.json" pps)"
		printf -v "FIG_RATE_RECV_$rate" '%s' "$(jnum "$TB_DIR/recv.json" pps)"
	done
	tb_daemon_stop
}

# Both raw senders into a drop-and-count program on the ingress: AF_PACKET
# at 50 kpps and the in-kernel sender as fast as it goes; how many of the
# frames sent the program counted (target: all).
fig_raw_senders() {
	local sink
	progress "raw senders"
	ip netns exec "$TB_DUT" "$SINK" d-in0 60 4789 >"$TB_DIR/sink.json" &
	sink=$!
	until_ok 10 grep -q attached "$TB_DIR/sink.json"
	tb_src "$TG" --raw s-eth0 --dst 10.100.0.1 --vni 42 --rate 50000 --count 50000 --flows 4 \
		--json -q >"$TB_DIR/af.json"
	tb_src "$TG" --raw s-eth0 --dst 10.100.0.1 --vni 42 --rate 0 --count 300000 --flows 4 \
		--json -q >"$TB_DIR/xdp.json"
	sleep 0.5
	kill -TERM "$sink"
	wait "$sink"
	FIG_RAW_SENT=$(($(jnum "$TB_DIR/af.json" sent) + $(jnum "$TB_DIR/xdp.json" sent)))
	FIG_RAW_GOT=$(jnum "$TB_DIR/sink.json" packets)
}

# under_load RATE ACTION...: VXLAN at RATE pps for 4 s from the raw sender,
# counted by the XDP sink behind the egress; ACTION runs 1.5 s in. Sets SENT
# and GOT.
under_load() {
	local rate=$1 sink send
	shift
	ip netns exec "$TB_SINK" "$SINK" k-eth0 30 6000 >"$TB_DIR/sink.json" &
	sink=$!
	until_ok 10 grep -q attached "$TB_DIR/sink.json"
	ip netns exec "$TB_SRC" "$TG" --raw s-eth0 --dst 10.100.0.1 --vni 42 --rate "$rate" \
		--duration 4 --flows 8 --json -q >"$TB_DIR/send.json" &
	send=$!
	sleep 1.5
	"$@"
	wait "$send"
	sleep 0.5
	kill -TERM "$sink"
	wait "$sink"
	SENT=$(jnum "$TB_DIR/send.json" sent)
	GOT=$(jnum "$TB_DIR/sink.json" packets)
}
svc_logged() { grep -cE "$1" "$TB_DIR/svc.log" 2>/dev/null; }
svc_logged_ge() { [ "$(svc_logged "$1")" -ge "$2" ]; }
svc_restart() {
	local n
	n=$(svc_logged '^READY=1$')
	kill -USR1 "$SVC"
	until_ok 30 svc_logged_ge '^READY=1$' $((n + 1))
}
svc_kill9() {
	local n
	n=$(svc_logged '^READY=1$')
	kill -KILL "$(sed -n 's/^SPAWN pid=\([0-9]*\).*/\1/p' "$TB_DIR/svc.log" | tail -n 1)"
	until_ok 30 svc_logged_ge '^READY=1$' $((n + 1))
}

# A restart and a kill -9 under 500 kpps, with svcman standing in for
# systemd's fd store: packets lost at the sink behind the egress (target 0).
fig_restart() {
	progress "restart and kill -9 under 500 kpps"
	tb_conf "10.200.0.2:6000"
	rm -f "$TB_DIR/svc.log"
	ip netns exec "$TB_DUT" "$BUILD/tests/netns/svcman" "$TB_DIR/notify.sock" "$TB_DIR/svc.log" -- \
		"$TB_DAEMON" --config-dir "$TB_DIR/conf" --foreground >"$TB_DIR/daemon.log" 2>&1 &
	SVC=$!
	until_ok 30 svc_logged_ge '^READY=1$' 1
	under_load 500000 svc_restart
	FIG_RESTART_SENT=$SENT FIG_RESTART_LOST=$((SENT - GOT))
	under_load 500000 svc_kill9
	FIG_KILL9_SENT=$SENT FIG_KILL9_LOST=$((SENT - GOT))
	kill -TERM "$SVC"
	wait "$SVC"
}

# Feature records at 20 kpps, sampling 1 in 1: the reader's kernel-to-user
# latency (target: max under 1 s) and the records lost to a full ring
# (target 0); then a reader that never reads, while 40000 packets at 20 kpps
# must all be forwarded (target: all).
fig_features() {
	local reader stuck f0 f1 metrics=10.100.0.1:9464
	progress "feature records"
	TB_METRICS=$metrics tb_conf "10.200.0.2:6000" "feature_sampling = 1;"
	tb_daemon_start --config-dir "$TB_DIR/conf" ||
		{ echo "bench: the daemon did not start: $(cat "$TB_DIR/daemon.log")" >&2; exit 1; }
	"$BUILD/src/vxlan-pipeline" --socket "$TB_DIR/control.sock" features --count 20000 \
		--format csv >/dev/null 2>"$TB_DIR/features.err" &
	reader=$!
	sleep 0.5
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --flows 4 --rate 20000 --count 20000 -q >/dev/null
	until_ok 10 eval '! kill -0 '"$reader"' 2>/dev/null' || kill "$reader"
	wait "$reader"
	FIG_FEAT_RECORDS=$(sed -n 's/^\([0-9]*\) records in.*/\1/p' "$TB_DIR/features.err")
	FIG_FEAT_LAT_AVG=$(sed -n 's/.*latency avg \([0-9.]*\) us.*/\1/p' "$TB_DIR/features.err")
	FIG_FEAT_LAT_MAX=$(sed -n 's/.*max \([0-9.]*\) us.*/\1/p' "$TB_DIR/features.err")
	FIG_FEAT_LOST=$(tb_src curl -s -m 10 "http://$metrics/metrics" |
		awk '$1 == "vxlan_pipeline_events_total{event=\"sample_lost\"}" { print $2 }')
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.connect(sys.argv[1]); time.sleep(30)' \
		"$TB_DIR/features.sock" &
	stuck=$!
	sleep 0.5
	f0=$("$BUILD/src/vxlan-pipeline" --socket "$TB_DIR/control.sock" stats --json |
		sed -n 's/.*"forwarded": {"result": "redirect", "packets": \([0-9]*\).*/\1/p')
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --flows 4 --rate 20000 --count 40000 -q >/dev/null
	sleep 0.5
	f1=$("$BUILD/src/vxlan-pipeline" --socket "$TB_DIR/control.sock" stats --json |
		sed -n 's/.*"forwarded": {"result": "redirect", "packets": \([0-9]*\).*/\1/p')
	FIG_STUCK_FWD=$((f1 - f0))
	kill "$stuck"
	wait "$stuck" 2>/dev/null
	tb_daemon_stop
}

healthz_503() {
	[ "$(tb_src curl -s -m 5 -o /dev/null -w '%{http_code}' http://10.100.0.1:9464/healthz)" = 503 ]
}
held() { tb_dut ss -Htn state established '( sport = :9464 )' | wc -l; }
held_some() { [ "$(held)" -gt 0 ]; }
held_none() { [ "$(held)" = 0 ]; }

# The HTTP endpoint: how soon /healthz says 503 once a blackhole route drops
# everything under 1000 pps (target: within two stats intervals, 2 s); 12
# idle connections from one address: how long the daemon holds them (target:
# its 5 s timeout, give or take 1.5 s) and what they cost it in RSS (target:
# under 1 MiB).
fig_http() {
	local metrics=10.100.0.1:9464 t0 send rss0 rss1 clients=""
	progress "HTTP: /healthz and idle clients"
	TB_METRICS=$metrics tb_conf "10.200.0.2:6000"
	tb_daemon_start --config-dir "$TB_DIR/conf" ||
		{ echo "bench: the daemon did not start: $(cat "$TB_DIR/daemon.log")" >&2; exit 1; }
	tb_dut ip route add blackhole 10.200.0.2/32
	ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate 1000 --duration 20 -q \
		>/dev/null &
	send=$!
	t0=$(now)
	until_ok 15 healthz_503 && FIG_HEALTH_S=$(elapsed "$t0" "$(now)")
	kill -TERM "$send"
	wait "$send"
	tb_dut ip route del blackhole 10.200.0.2/32
	rss0=$(awk '/^VmRSS/ { print $2 }' "/proc/$TB_DAEMON_PID/status")
	for _ in $(seq 12); do
		tb_src bash -c 'exec 3<>/dev/tcp/10.100.0.1/9464; exec sleep 30' 2>/dev/null &
		clients+=" $!"
	done
	until_ok 5 held_some
	t0=$(now)
	rss1=$(awk '/^VmRSS/ { print $2 }' "/proc/$TB_DAEMON_PID/status")
	until_ok 30 held_none && FIG_IDLE_S=$(elapsed "$t0" "$(now)")
	FIG_IDLE_RSS=$((rss1 - rss0))
	# shellcheck disable=SC2086 # a list of PIDs
	kill $clients 2>/dev/null
	# shellcheck disable=SC2086 # a list of PIDs
	wait $clients 2>/dev/null
	tb_daemon_stop
}

# A TCP connection through the ingress, a line every 20 ms, across the
# daemon's start, a reload and its stop: the slowest echo (target: under 1 s).
fig_tcp() {
	local echo client
	progress "TCP across start, reload and stop"
	tb_conf "10.200.0.2:6000"
	ip netns exec "$TB_DUT" "$BUILD/tests/netns/flowtool" tcp-echo 10.100.0.1:7000 60 \
		>"$TB_DIR/echo.out" 2>&1 &
	echo=$!
	until_ok 10 grep -q listening "$TB_DIR/echo.out"
	ip netns exec "$TB_SRC" "$BUILD/tests/netns/flowtool" tcp-check 10.100.0.1:7000 30 \
		>"$TB_DIR/tcp.out" 2>&1 &
	client=$!
	sleep 1
	tb_daemon_start --config-dir "$TB_DIR/conf"
	sleep 1
	kill -HUP "$TB_DAEMON_PID"
	tb_notify_wait '^READY=1$' 2
	sleep 1
	tb_daemon_stop
	sleep 1
	kill -TERM "$client"
	wait "$client"
	FIG_TCP_MS=$(sed -n 's/.*slowest round trip \([0-9.]*\) ms.*/\1/p' "$TB_DIR/tcp.out")
	FIG_TCP_FAILED=$(sed -n 's/.* \([0-9]*\) failed;.*/\1/p' "$TB_DIR/tcp.out")
	kill "$echo" 2>/dev/null
	wait "$echo" 2>/dev/null
}

# 8192 NAT rules (UDP destination ports 1 to 8192, 5000 among them): the time
# from SIGHUP to READY=1, which the daemon sends once the new table is in
# force, as its notify listener stamps it (median of 10; target: 50 ms), and
# what a checking receiver lost of 100 kpps across the 10 reloads (target:
# 0). Each reload moves one rule (port 8192 or 8191 in turn), so every one
# installs a new table.
big_nat() { # big_nat LAST_PORT
	local p
	{
		echo "nat = ("
		for p in $(seq 1 8190); do
			echo "	{ proto = \"udp\"; dst_port = $p; to = \"10.200.0.2:6000\"; },"
		done
		echo "	{ proto = \"udp\"; dst_port = $1; to = \"10.200.0.2:6000\"; }"
		echo ");"
	} >"$TB_DIR/conf/nat.conf"
}
ready_count() { grep -c ' READY=1$' "$TB_DIR/notify-stamped.log" 2>/dev/null; }
ready_ge() { [ "$(ready_count)" -ge "$1" ]; }
fig_reload_big() {
	local recv send i t0 t1 n ms=""
	progress "reloads of 8192 NAT rules under 100 kpps"
	tb_conf "10.200.0.2:6000"
	big_nat 8192
	FLOWTOOL_STAMP=$TB_DIR/notify-stamped.log tb_daemon_start --config-dir "$TB_DIR/conf" ||
		{ FIG_RELOAD_MS=null; return; }
	wait_ready() { until_ok 30 ready_ge "$1"; }
	wait_ready 1
	ip netns exec "$TB_SINK" "$TG" --receive 10.200.0.2:6000 --idle 2 --duration 60 --json -q \
		>"$TB_DIR/recv-big.json" &
	recv=$!
	until_ok 30 udp_bound "$TB_SINK" 6000
	ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate 100000 --duration 12 \
		--flows 8 --json -q >"$TB_DIR/send-big.json" &
	send=$!
	sleep 1
	for i in $(seq 10); do
		big_nat $((8192 - i % 2))
		n=$(ready_count)
		t0=$(date +%s.%N)
		kill -HUP "$TB_DAEMON_PID"
		wait_ready $((n + 1))
		t1=$(awk '/ READY=1$/ { t = $1 } END { print t }' "$TB_DIR/notify-stamped.log")
		ms+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }') "
	done
	wait "$send"
	wait "$recv"
	FIG_RELOAD_ALL=$ms
	FIG_RELOAD_MS=$(echo "$ms" | tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (v[5] + v[6]) / 2 }')
	FIG_RELOAD_SENT=$(jnum "$TB_DIR/send-big.json" sent)
	FIG_RELOAD_LOST=$((FIG_RELOAD_SENT - $(jnum "$TB_DIR/recv-big.json" received)))
	tb_daemon_stop
}

# How long after a neighbour change a NAT rule's packets still go the old
# way. Two streams at 25 kpps each to the collector's neighbour: one through
# the NAT rule (its next hop kept), one no rule matches (bpf_fib_lookup for
# every packet, so its first frame to the new MAC shows when the kernel had
# the change). The collector's neighbour entry gets another MAC; from the
# capture behind the egress: the NAT stream's last frame to the old MAC and
# first to the new one, after the other stream's first to the new one.
first_new() { # first_new SRC MAC: epoch of SRC's first frame to MAC
	tshark -r "$1" -Y "ip.src == $2 && eth.dst == $3" -T fields -e frame.time_epoch 2>/dev/null |
		head -n 1
}
fig_staleness() {
	local cap=$TB_DIR/stale.pcap capp s1 s2 kmac new=02:00:00:00:99:01 ref old first
	progress "staleness of a kept next hop"
	kmac=$(tb_sink cat /sys/class/net/k-eth0/address)
	tb_conf "10.200.0.2:6000"
	tb_daemon_start --config-dir "$TB_DIR/conf" || { FIG_STALE_OLD_MS=null; return; }
	ip netns exec "$TB_SINK" dumpcap -q -i k-eth0 -f 'udp' -a duration:60 -w "$cap" \
		>"$TB_DIR/dumpcap.log" 2>&1 &
	capp=$!
	until_ok 30 grep -q '^File:' "$TB_DIR/dumpcap.log"
	ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate 25000 --duration 3 \
		--inner-src 10.1.0.1:40000 -q >/dev/null &
	s1=$!
	ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate 25000 --duration 3 \
		--inner-src 10.1.0.9:40000 --inner-dst 10.200.0.2:7000 -q >/dev/null &
	s2=$!
	sleep 1.5
	tb_dut ip neigh replace 10.200.0.2 lladdr "$new" dev d-out0 nud permanent
	wait "$s1" "$s2"
	kill -TERM "$capp"
	wait "$capp"
	ref=$(first_new "$cap" 10.1.0.9 "$new")
	first=$(first_new "$cap" 10.1.0.1 "$new")
	old=$(tshark -r "$cap" -Y "ip.src == 10.1.0.1 && eth.dst == $kmac" -T fields \
		-e frame.time_epoch 2>/dev/null | tail -n 1)
	if [ -n "$ref" ] && [ -n "$first" ] && [ -n "$old" ]; then
		FIG_STALE_OLD_MS=$(awk -v a="$ref" -v b="$old" 'BEGIN { d = (b - a) * 1000; if (d < 0) d = 0; printf "%.2f", d }')
		FIG_STALE_NEW_MS=$(awk -v a="$ref" -v b="$first" 'BEGIN { printf "%.2f", (b - a) * 1000 }')
	else
		FIG_STALE_OLD_MS=null
		FIG_STALE_NEW_MS=null
	fi
	tb_dut ip neigh replace 10.200.0.2 lladdr "$kmac" dev d-out0 nud permanent
	tb_daemon_stop
}
