#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Faults on the testbed, injected while traffic flows: the egress interface
# deleted and re-created, the ingress interface down and up, an unreadable or
# vanished configuration at reload, a SIGHUP storm, the metrics port taken at
# start, a NAT table larger than the data plane's. For each: what the daemon
# does, what it logs, what still arrives at the sink, and that the rules in
# force are not lost (a later good reload works). Traffic runs at a modest
# rate, on both sides of each fault by count, never by time.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
TG=$BUILD/src/vxlan-trafficgen
FT=$BUILD/tests/netns/flowtool
CLI=$BUILD/src/vxlan-pipeline
METRICS=127.0.0.1:9464 # on the dut's loopback: reachable whatever d-in0 does

require_root "the fault test"
command -v curl >/dev/null || { echo "Bail out! curl is missing"; exit 1; }
require_topology

cli() { "$CLI" --socket "$TB_DIR/control.sock" "$@"; }
metric() { # metric NAME_WITH_LABELS: its value, or nothing
	tb_dut curl -s -m 30 "http://$METRICS/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}
fwd() { metric 'vxlan_pipeline_packets_total{result="redirect",reason="forwarded"}'; }
jget() { sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1"; }
logged() { grep -c -- "$1" "$TB_DIR/daemon.log"; }
has_logged() { [ "$(logged "$1")" -ge 1 ]; }
wait_logged() { wait_until 30 has_logged "$1"; } # wait_logged TEXT: 30 s at most
start() { # start [NAT_TARGET [PIPELINE_LINES]]
	TB_METRICS=$METRICS tb_conf "${1:-10.200.0.2:6000}" "${2:-}"
	tb_daemon_start --config-dir "$TB_DIR/conf"
}
nat_conf() { # nat_conf TARGET: nat.conf sends port 5000 there, replaced in one rename
	printf 'nat = (\n\t{ proto = "udp"; dst_port = 5000; to = "%s"; },\n\t{ proto = "tcp"; dst_port = 5000; to = "%s"; }\n);\n' \
		"$1" "$1" >"$TB_DIR/nat.tmp" && mv -f "$TB_DIR/nat.tmp" "$TB_DIR/conf/nat.conf"
}
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$TB_DAEMON_PID/status"; }
nfds() { find "/proc/$TB_DAEMON_PID/fd" -mindepth 1 -maxdepth 1 | wc -l; }
prog_id() { ip -n "$TB_DUT" -details link show "$1" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }

# batch PORT COUNT: COUNT packets at 2000 pps; true when all arrive at PORT,
# once each, whole and in order
batch() {
	tb_recv "$1"
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --rate 2000 --count "$2" --json -q >"$TB_DIR/send.json"
	tb_recv_end "$2" "$RECV"
	[ "$(jget "$TB_DIR/recv-$1.json" received)" = "$2" ] &&
		[ "$(jget "$TB_DIR/recv-$1.json" duplicated)" = 0 ] &&
		[ "$(jget "$TB_DIR/recv-$1.json" corrupt)" = 0 ]
}
# what tb_across's receiver at PORT reported
got() { tb_across_got "$1" "$2"; }
# rules_in_force TARGET COUNT: vxlan-pipeline nat shows COUNT rules, all to TARGET
rules_in_force() {
	cli nat >"$TB_DIR/nat.txt" || return 1
	[ "$(grep -c "$1" "$TB_DIR/nat.txt")" = "$2" ] && [ "$(($(wc -l <"$TB_DIR/nat.txt") - 1))" = "$2" ]
}

# 1. The egress interface deleted and re-created. Documented: while it is
# gone, the route to the collector is gone with it, so the program drops the
# packets ("not_forwarded"; the kernel would answer their sources): they are
# lost and counted. /healthz says 503 ("the egress interface ... is gone")
# and the log says the daemon turned unhealthy. Once it is back under a new
# index, the next statistics tick puts it into the transmit ports and logs
# "egress ... is back as index N"; until then its packets are dropped too
# ("egress_not_in_tx_ports", or "no_neighbour" before its neighbour entry
# is back). The pass-through
# program on the egress went with the old interface and returns only with a
# restart (veth and ENA need it to receive redirects; a veth peer with GRO
# does without). The NAT rules are untouched.
# Frames that can be in flight when a veth goes, uncounted by anyone: its
# peer's ring (VETH_RING_SIZE, 256) and each CPU's redirect bulk queue (16).
IN_FLIGHT=$((256 + 16 * $(nproc)))

egress_gap() { # the egress deleted and re-created, checked on the way
	local mac
	mac=$(tb_dut cat /sys/class/net/d-out0/address)
	tb_dut ip link del d-out0
	wait_logged "unhealthy: the egress interface 'd-out0' is gone"
	ok $? "egress deleted: the log says the daemon is unhealthy and why"
	tb_healthz
	[ "$HZ_CODE" = 503 ] && [[ $HZ_BODY == *"egress interface 'd-out0' is gone"* ]]
	ok $? "egress deleted: /healthz 503 with the reason"
	diag "$HZ_BODY"
	ip link add d-out0 netns "$TB_DUT" address "$mac" type veth peer name k-eth0 netns "$TB_SINK" &&
		tb_dut ip addr add 10.200.0.1/24 dev d-out0 && tb_dut ip link set d-out0 up &&
		tb_sink ip addr add 10.200.0.2/24 dev k-eth0 && tb_sink ip link set k-eth0 up &&
		tb_sink ethtool -K k-eth0 gro on >/dev/null &&
		tb_dut ip neigh replace 10.200.0.2 lladdr "$(tb_sink cat /sys/class/net/k-eth0/address)" \
			dev d-out0 nud permanent
	wait_logged "egress 'd-out0' is back as index [0-9]*: redirecting to it again; its pass-through program needs a restart to return"
	ok $? "egress re-created: the log says it is back, under which index, and what needs a restart"
	diag "$(grep -E "egress|health" "$TB_DIR/daemon.log" | grep -v 'is a veth')"
}

test_egress_recreated() {
	local nf0 nf1 k0 k1 got lost
	start "10.200.0.2:6100" || { ok 1 "egress: the daemon starts"; return; }
	nf0=$(metric 'vxlan_pipeline_packets_total{result="drop",reason="not_forwarded"}')
	k0=$(metric 'vxlan_pipeline_packets_total{result="drop",reason="no_neighbour"}')
	k0=$((k0 + $(metric 'vxlan_pipeline_packets_total{result="drop",reason="egress_not_in_tx_ports"}')))
	k0=$((k0 + $(metric 'vxlan_pipeline_events_total{event="redirect_failed"}')))
	TB_ACROSS_SETTLE=10 tb_across 2000 6100 fwd egress_gap # lossy: see tb_across
	nf1=$(metric 'vxlan_pipeline_packets_total{result="drop",reason="not_forwarded"}')
	k1=$(metric 'vxlan_pipeline_packets_total{result="drop",reason="no_neighbour"}')
	k1=$((k1 + $(metric 'vxlan_pipeline_packets_total{result="drop",reason="egress_not_in_tx_ports"}')))
	k1=$((k1 + $(metric 'vxlan_pipeline_events_total{event="redirect_failed"}')))
	got=$(got 6100 received)
	lost=$((SENT - got))
	# beyond what had no route: at most what the program dropped, what the
	# re-created veth refused before its peer had GRO (redirect_failed), and
	# the frames in flight on the veth as it was deleted
	[ "$FLOWED" = 0 ] && [ "$lost" -gt 0 ] && [ "$lost" -ge $((nf1 - nf0)) ] &&
		[ "$lost" -le $((nf1 - nf0 + k1 - k0 + IN_FLIGHT)) ] &&
		[ "$(got 6100 duplicated)" = 0 ]
	ok $? "2000 pps across it: $SENT sent, $got received, $lost lost; the daemon dropped $((nf1 - nf0)) without a route, and $((k1 - k0)) more were dropped or refused before the egress was back"
	[ "$(got 6100 lost)" = "$lost" ]
	ok $? "... the loss is a gap the receiver saw: forwarding resumed while the traffic still flowed"
	tb_healthz
	[ "$HZ_CODE" = 200 ]
	ok $? "egress back: /healthz 200"
	batch 6100 2000
	ok $? "egress back: 2000 of 2000 arrive"
	[ "$(metric 'vxlan_pipeline_xdp_attached{interface="d-out0",role="egress",mode="native"}')" = 0 ] &&
		[ "$(metric 'vxlan_pipeline_xdp_attached{interface="d-in0",role="ingress",mode="native"}')" = 1 ]
	ok $? "/metrics: the egress pass-through program is gone (0), the ingress one attached (1)"
	cli status | grep -qE "^  egress +d-out0 +no XDP program, driver veth$"
	ok $? "vxlan-pipeline status: no XDP program on the egress"
	rules_in_force "10.200.0.2:6100" 2
	ok $? "vxlan-pipeline nat: both rules still in force"
	nat_conf "10.200.0.2:6101" && tb_reload && batch 6101 1000
	ok $? "a later reload to a new target works: 1000 of 1000 there"
	tb_daemon_stop
}

# 2. The ingress interface down and up. Documented: the bpf_link stays, and
# so does the program (the same one, the same id) through down and up; while
# the interface is down nothing arrives, /healthz says 503 ("the ingress
# interface ... is down") and the log says unhealthy and, once it is up,
# healthy again. Traffic resumes as soon as the link is up again.
ingress_gap() { # the ingress down and up, checked on the way
	local id1 id2
	tb_dut ip link set d-in0 down
	wait_logged "unhealthy: the ingress interface 'd-in0' is down"
	ok $? "ingress down: the log says the daemon is unhealthy and why"
	id1=$(prog_id d-in0)
	[ -n "$ID0" ] && [ "$id1" = "$ID0" ] &&
		[ "$(metric 'vxlan_pipeline_xdp_attached{interface="d-in0",role="ingress",mode="native"}')" = 1 ]
	ok $? "ingress down: program $ID0 stays attached (ip link: ${id1:-none}; /metrics: 1)"
	tb_healthz
	[ "$HZ_CODE" = 503 ] && [[ $HZ_BODY == *"ingress interface 'd-in0' is down"* ]]
	ok $? "ingress down: /healthz 503 with the reason"
	diag "$HZ_BODY"
	tb_dut ip link set d-in0 up
	wait_logged "healthy again"
	ok $? "ingress up: the log says healthy again"
	id2=$(prog_id d-in0)
	tb_healthz
	[ "$id2" = "$ID0" ] && [ "$HZ_CODE" = 200 ]
	ok $? "ingress up: the same program ($ID0) and /healthz 200"
}

test_ingress_down_up() {
	local got
	start "10.200.0.2:6200" || { ok 1 "ingress: the daemon starts"; return; }
	ID0=$(prog_id d-in0)
	TB_ACROSS_SETTLE=10 tb_across 2000 6200 fwd ingress_gap # lossy: see tb_across
	got=$(got 6200 received)
	[ "$FLOWED" = 0 ] && [ "$got" -gt 0 ] && [ "$got" -lt "$SENT" ] &&
		[ "$(got 6200 duplicated)" = 0 ]
	ok $? "2000 pps across it: $SENT sent, $got received, $((SENT - got)) lost while the link was down"
	[ "$(got 6200 lost)" = $((SENT - got)) ]
	ok $? "... the loss is a gap the receiver saw: forwarding resumed while the traffic still flowed"
	batch 6200 2000
	ok $? "after up: 2000 of 2000 arrive"
	rules_in_force "10.200.0.2:6200" 2 && nat_conf "10.200.0.2:6201" && tb_reload &&
		batch 6201 1000
	ok $? "the rules survived, and a later reload to a new target works"
	tb_daemon_stop
}

# reload_fails_under_traffic PORT ACTION...: ACTION and a SIGHUP with 2000
# pps on both sides of them (by count), which must all still arrive at PORT
# (the old target); RECEIVED_ALL and REPORTED say so
reload_fails_under_traffic() {
	local port=$1 f0
	shift
	f0=$(metric vxlan_pipeline_reload_failures_total)
	tb_across 2000 "$port" fwd then_reload "$@"
	[ "$FLOWED" = 0 ] && [ "$(got "$port" received)" = "$SENT" ] &&
		[ "$(got "$port" lost)" = 0 ] && [ "$(got "$port" duplicated)" = 0 ]
	RECEIVED_ALL=$?
	[ "$(metric vxlan_pipeline_reload_failures_total)" = $((f0 + 1)) ] &&
		[ "$(metric vxlan_pipeline_last_reload_success)" = 0 ] &&
		curl -s -m 30 --unix-socket "$TB_DIR/control.sock" http://localhost/status | grep -q '"last_reload": {"ok": false'
	REPORTED=$?
}
then_reload() { "$@" && tb_reload; }

# handled NF0 HIT0 N: the program has handled N packets since: dropped
# without a route, or NATed
handled() {
	local nf hit
	nf=$(metric 'vxlan_pipeline_packets_total{result="drop",reason="not_forwarded"}')
	hit=$(metric 'vxlan_pipeline_events_total{event="nat_hit"}')
	[ -n "$nf" ] && [ -n "$hit" ] && [ $((nf - $1 + hit - $2)) -ge "$3" ]
}

# 3. The configuration unreadable, or vanishing, at reload. Documented: a
# directory the daemon cannot read (it keeps no capability, so not even root
# reads a mode 000 directory) or a file listed but gone when read fails the
# reload with the path and the system's reason; the previous configuration
# stays in force, and /metrics, /status and systemd's status line say the
# last reload failed. A nat.conf removed before the reload is not an error:
# the files are every *.conf there, merged, and a configuration without NAT
# rules is legal. The reload succeeds with no rules at all ("reload done: 0
# NAT rules") and the traffic goes on to its original destination, or is
# dropped with unmatched = "drop".
test_config_unreadable() {
	local nf0 nf1 hit0 hit1
	start "10.200.0.2:6300" || { ok 1 "config: the daemon starts"; return; }
	nat_conf "10.200.0.2:6301"
	reload_fails_under_traffic 6300 chmod 000 "$TB_DIR/conf"
	chmod 755 "$TB_DIR/conf"
	[ "$(logged "error: $TB_DIR/conf: cannot read the configuration directory: Permission denied")" = 1 ] &&
		[ "$(logged "reload failed: the configuration has errors (logged above); the previous one stays in force")" = 1 ]
	ok $? "directory mode 000: the reload fails, the log names the directory and why"
	diag "$(grep -B1 'reload failed' "$TB_DIR/daemon.log")"
	ok $RECEIVED_ALL "... all $SENT packets across it still go to the old target"
	ok $REPORTED "... reload_failures_total +1, last_reload_success 0, /status last_reload ok false"
	grep -q '^STATUS=.*last reload: FAILED at .*, previous configuration in force' "$TB_DIR/notify.log"
	ok $? "... and systemd's status line says so"
	rules_in_force "10.200.0.2:6300" 2
	ok $? "... vxlan-pipeline nat shows the old rules"

	# a file listed but gone when it is read: a dangling symlink stands for it
	mv "$TB_DIR/conf/nat.conf" "$TB_DIR/nat.keep"
	ln -s "$TB_DIR/gone/nat.conf" "$TB_DIR/conf/nat.conf"
	reload_fails_under_traffic 6300 true
	[ "$(logged "error: $TB_DIR/conf/nat.conf: cannot read: No such file or directory")" = 1 ]
	ok $? "nat.conf gone between listing and reading: the reload fails, naming the file"
	ok $RECEIVED_ALL "... all $SENT packets across it still go to the old target"
	ok $REPORTED "... and the failure is reported"
	rm -f "$TB_DIR/conf/nat.conf"

	# removed before the reload: no rules, by design
	nf0=$(metric 'vxlan_pipeline_packets_total{result="drop",reason="not_forwarded"}')
	hit0=$(metric 'vxlan_pipeline_events_total{event="nat_hit"}')
	tb_reload
	[ "$(logged "reload done: 0 NAT rules")" = 1 ] && [ "$(metric vxlan_pipeline_nat_rules)" = 0 ] &&
		[ "$(metric vxlan_pipeline_last_reload_success)" = 1 ] && rules_in_force x 0
	ok $? "nat.conf removed: the reload succeeds with 0 rules, and the log says so"
	grep -qE 'warning: reload: no NAT rules any more \(there were [0-9]+\): inner packets go to their original destinations \(set unmatched = "drop" to drop them\)' \
		"$TB_DIR/daemon.log" && [ "$(logged 'no NAT rules any more')" = 1 ]
	ok $? "... with a warning that traffic now goes to its original destinations"
	tb_recv 6300
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --rate 2000 --count 1000 -q >/dev/null
	wait_until 30 handled "$nf0" "$hit0" 1000
	kill -TERM "$RECV"
	wait "$RECV"
	nf1=$(metric 'vxlan_pipeline_packets_total{result="drop",reason="not_forwarded"}')
	hit1=$(metric 'vxlan_pipeline_events_total{event="nat_hit"}')
	[ "$(jget "$TB_DIR/recv-6300.json" received)" = 0 ] && [ "$hit1" = "$hit0" ] &&
		[ $((nf1 - nf0)) = 1000 ]
	ok $? "... 1000 packets go un-NATed to 10.2.0.1 (not routed here: $((nf1 - nf0)) dropped), 0 to the old target"
	mv "$TB_DIR/nat.keep" "$TB_DIR/conf/nat.conf"
	tb_reload && grep -q '^vxlan_pipeline_last_reload_success 1$' <(tb_dut curl -s "http://$METRICS/metrics") &&
		rules_in_force "10.200.0.2:6301" 2 && batch 6301 1000
	ok $? "readable again: a good reload puts the new rules in force, 1000 of 1000 arrive"
	tb_daemon_stop
}

# 4. A SIGHUP storm. Documented: standard signals do not queue, so SIGHUPs
# that arrive while one is pending merge: the daemon reloads once for each
# it reads from its signalfd (between 1 and the number sent) and counts
# each of those in vxlan_pipeline_reloads_total; a SIGHUP sent after the
# last change of the files always leads to a reload that reads them. Every
# reload swaps the whole NAT table in one update, so no packet is lost or
# sent twice.
seqs_ge() { [ "$(wc -l <"$1")" -ge "$2" ]; } # seqs_ge FILE N: N sequence numbers there
# reload_counts R0 RS0 DONE0: reloads since, by /metrics, by RELOADING=1 and
# by the log, one line
reload_counts() {
	echo "$(($(metric vxlan_pipeline_reloads_total) - $1))" \
		"$(($(grep -c '^RELOADING=1' "$TB_DIR/notify.log") - $2))" \
		"$(($(logged "reload done") - $3))"
}
reload_counts_agree() { # the three counts are the same
	local m n l
	read -r m n l < <(reload_counts "$@")
	[ "$m" = "$n" ] && [ "$n" = "$l" ]
}
fds_back() { [ "$(nfds)" = "$1" ]; } # fds_back N: the daemon has N fds open

test_sighup_storm() {
	local r0 rs0 d0 fd0 fd1 t0 t1 ms i target=6400 got6400 got6401 all dups n b0
	local reloads notified done_logged sender ra rb
	start "10.200.0.2:6400" || { ok 1 "storm: the daemon starts"; return; }
	for i in 1 2 3; do tb_reload; done
	fd0=$(nfds) # before any HTTP request: no connection open
	r0=$(metric vxlan_pipeline_reloads_total)
	rs0=$(grep -c '^RELOADING=1' "$TB_DIR/notify.log")
	d0=$(logged "reload done")
	ip netns exec "$TB_SINK" "$FT" recv 10.200.0.2:6400 2000000 120 "$TB_DIR/a.seq" \
		>"$TB_DIR/a.out" 2>&1 &
	ra=$!
	tb_track $ra
	ip netns exec "$TB_SINK" "$FT" recv 10.200.0.2:6401 2000000 120 "$TB_DIR/b.seq" \
		>"$TB_DIR/b.out" 2>&1 &
	rb=$!
	tb_track $rb
	wait_until 30 grep -q listening "$TB_DIR/a.out"
	wait_until 30 grep -q listening "$TB_DIR/b.out"
	ip netns exec "$TB_SRC" "$FT" send 192.168.50.2:5000 1000000 5000 200 >"$TB_DIR/ft-send.out" 2>&1 &
	sender=$!
	tb_track $sender
	wait_until 60 seqs_ge "$TB_DIR/a.seq" 500
	# 100 SIGHUPs 7 ms apart (read -t on a fifo: a sleep without a fork);
	# every 20th first flips nat.conf between :6400 and :6401, in one rename
	mkfifo "$TB_DIR/tick"
	exec 9<>"$TB_DIR/tick"
	t0=$EPOCHREALTIME
	for i in $(seq 100); do
		if [ $((i % 20)) = 1 ]; then
			target=$((target == 6400 ? 6401 : 6400))
			nat_conf "10.200.0.2:$target"
		fi
		kill -HUP "$TB_DAEMON_PID"
		read -r -t 0.007 -u 9 _
	done
	t1=$EPOCHREALTIME
	exec 9>&-
	ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
	# the files as last written in force, then more traffic to them
	wait_until 60 rules_in_force "10.200.0.2:6401" 2
	b0=$(wc -l <"$TB_DIR/b.seq")
	wait_until 60 seqs_ge "$TB_DIR/b.seq" $((b0 + 500))
	kill -TERM "$sender"
	wait "$sender"
	wait "$ra" "$rb"
	n=$(sed -n 's/^sent \([0-9]*\) datagrams.*/\1/p' "$TB_DIR/ft-send.out")
	kill -0 "$TB_DAEMON_PID"
	ok $? "100 SIGHUPs under 5000 pps: the daemon survives"
	diag "the storm took $ms ms"
	got6400=$(wc -l <"$TB_DIR/a.seq")
	got6401=$(wc -l <"$TB_DIR/b.seq")
	all=$(sort -un "$TB_DIR/a.seq" "$TB_DIR/b.seq" | wc -l)
	dups=$(sort -n "$TB_DIR/a.seq" "$TB_DIR/b.seq" | uniq -d | wc -l)
	[ -n "$n" ] && [ "$all" = "$n" ] && [ "$dups" = 0 ] && [ $((got6400 + got6401)) = "$n" ] &&
		[ "$got6400" -gt 0 ] && [ "$got6401" -gt 0 ] &&
		grep -q "duplicated 0, reordered 0, corrupt 0" "$TB_DIR/a.out" &&
		grep -q "duplicated 0, reordered 0, corrupt 0" "$TB_DIR/b.out"
	ok $? "every packet once: $n sent, $got6400 at :6400 and $got6401 at :6401 as the rules flipped, $((n - all)) lost, $dups twice"
	wait_until 30 reload_counts_agree "$r0" "$rs0" "$d0"
	read -r reloads notified done_logged < <(reload_counts "$r0" "$rs0" "$d0")
	[ "$reloads" -ge 1 ] && [ "$reloads" -le 100 ] &&
		[ "$(metric vxlan_pipeline_reload_failures_total)" = 0 ] &&
		[ "$notified" = "$reloads" ] && [ "$done_logged" = "$reloads" ]
	ok $? "reloads coalesce: 100 SIGHUPs, $reloads reloads, each counted, logged ($done_logged) and announced (RELOADING=1: $notified), none failed"
	rules_in_force "10.200.0.2:6401" 2
	ok $? "the files as last written (:6401) are in force"
	wait_until 30 fds_back "$fd0"
	fd1=$(nfds)
	[ "$fd1" = "$fd0" ]
	ok $? "open fds $fd0 before, $fd1 after: none left behind"
	tb_healthz
	[ "$HZ_CODE" = 200 ] && nat_conf "10.200.0.2:6400" && tb_reload && batch 6400 1000
	ok $? "afterwards: /healthz 200, and a reload back to :6400 works (1000 of 1000)"
	tb_daemon_stop
}

# 5. The metrics port already taken at start. Documented: the HTTP endpoint
# opens before the program is attached; when its address is in use the
# daemon logs "Failed to listen on ADDRESS ...: Address already in use",
# reports ERRNO=98 (EADDRINUSE) to systemd and exits 1 without ever
# attaching (on ENA an attach resets the link, so a restart loop must not). The traffic the kernel handles on the interfaces is
# not affected.
test_metrics_port_taken() {
	local squatter
	TB_METRICS=$METRICS tb_conf "10.200.0.2:6500"
	ip netns exec "$TB_DUT" "$FT" tcp-echo "$METRICS" 60 >"$TB_DIR/squat.out" 2>&1 &
	squatter=$!
	tb_track $squatter
	wait_until 30 grep -q listening "$TB_DIR/squat.out"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	ok $((!$?)) "metrics port taken: the daemon does not get to READY=1"
	failed_start
	[ "$STATUS" = 1 ] && grep -q '^ERRNO=98$' "$TB_DIR/notify.log" && ! grep -q '^READY=1' "$TB_DIR/notify.log"
	ok $? "it exits with status 1 ($STATUS) and tells systemd ERRNO=98"
	grep -q "error: Failed to listen on $METRICS for /metrics and /healthz: Address already in use (set metrics_listen to a free address:port, or \"\" for off)" \
		"$TB_DIR/daemon.log"
	ok $? "the log names the address, the reason and the fix"
	diag "$(grep -E 'error|detached' "$TB_DIR/daemon.log")"
	! tb_xdp_attached "$TB_DUT" d-in0 && ! tb_xdp_attached "$TB_DUT" d-out0 &&
		[ ! -e "$TB_DIR/control.sock" ]
	ok $? "no XDP program left on either interface, no control socket"
	! grep -q "attached to" "$TB_DIR/daemon.log"
	ok $? "and it never attached one"
	kill -TERM "$squatter"
	wait "$squatter" 2>/dev/null
	start "10.200.0.2:6500" && batch 6500 1000
	ok $? "with the port free the same configuration starts and forwards (1000 of 1000)"
	tb_daemon_stop
}

# failed_start: after a tb_daemon_start that did not get to READY=1, the
# daemon's exit status in STATUS, and the notify listener stopped
failed_start() {
	wait "$TB_DAEMON_PID"
	STATUS=$?
	kill -TERM "$TB_NOTIFY_PID"
	wait "$TB_NOTIFY_PID"
}

# nat_rules N FILE: N rules, one port each: dst_port 5000 to :6601, then
# 10000 onwards to :7000 (one table entry each)
nat_rules() {
	{
		echo 'nat = ('
		printf '\t{ proto = "udp"; dst_port = 5000; to = "10.200.0.2:6601"; }'
		seq 10000 $((10000 + $1 - 2)) |
			awk '{ printf ",\n\t{ proto = \"udp\"; dst_port = %d; to = \"10.200.0.2:7000\"; }", $1 }'
		printf '\n);\n'
	} >"$2"
}

# 6. A NAT table larger than the data plane's (VXP_NAT_ENTRIES_MAX entries, a
# fixed-size BPF hash map). Documented: the configuration check counts the
# entries before anything is loaded and names the first rule that does not
# fit. At start that is a configuration error: exit 78, ERRNO=22, nothing
# attached. On reload the reload fails and the rules in force stay, the
# traffic with them. Exactly VXP_NAT_ENTRIES_MAX entries fit.
test_nat_table_full() {
	local max
	max=$(vxp_define VXP_NAT_ENTRIES_MAX)
	[ -n "$max" ]
	ok $? "VXP_NAT_ENTRIES_MAX is $max"
	TB_METRICS=$METRICS tb_conf "10.200.0.2:6600"
	nat_rules $((max + 1)) "$TB_DIR/conf/nat.conf"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	ok $((!$?)) "$((max + 1)) rules at start: the daemon does not start"
	failed_start
	[ "$STATUS" = 78 ] && grep -q '^ERRNO=22$' "$TB_DIR/notify.log" &&
		grep -q "error: $TB_DIR/conf/nat.conf:$((max + 2)): the NAT table is full at this rule: it holds $max entries" \
			"$TB_DIR/daemon.log"
	ok $? "exit 78 ($STATUS), ERRNO=22, and the log names the first rule that does not fit"
	diag "$(grep error "$TB_DIR/daemon.log")"
	! tb_xdp_attached "$TB_DUT" d-in0 && ! tb_xdp_attached "$TB_DUT" d-out0
	ok $? "nothing attached"

	start "10.200.0.2:6600" || { ok 1 "the daemon starts with 2 rules"; return; }
	nat_rules $((max + 1)) "$TB_DIR/nat.big"
	reload_fails_under_traffic 6600 mv "$TB_DIR/nat.big" "$TB_DIR/conf/nat.conf"
	[ "$(logged "error: $TB_DIR/conf/nat.conf:$((max + 2)): the NAT table is full at this rule")" = 1 ] &&
		[ "$(logged "reload failed")" = 1 ]
	ok $? "$((max + 1)) rules at reload: the reload fails, naming the rule"
	ok $RECEIVED_ALL "... all $SENT packets across it still go to the old target"
	ok $REPORTED "... and the failure is reported"
	rules_in_force "10.200.0.2:6600" 2 && [ "$(metric vxlan_pipeline_nat_rules)" = 2 ]
	ok $? "... the 2 old rules stay in force"
	nat_rules "$max" "$TB_DIR/conf/nat.conf"
	tb_reload && [ "$(metric vxlan_pipeline_nat_rules)" = "$max" ] &&
		[ "$(metric vxlan_pipeline_last_reload_success)" = 1 ] && batch 6601 1000
	ok $? "exactly $max rules: the reload works and traffic goes to the new target (1000 of 1000)"
	tb_daemon_stop
}

test_egress_recreated
test_ingress_down_up
test_config_unreadable
test_sighup_storm
test_metrics_port_taken
test_nat_table_full
tap_done
