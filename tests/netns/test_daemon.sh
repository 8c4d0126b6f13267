#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The real vxlan-pipelined in network namespaces: traffic the kernel's own
# vxlan device encapsulates arrives NATed and whole; the seed's flags alone
# work; TCP through the ingress interface survives start, reload and stop; a
# reload under traffic loses and mis-NATs nothing; a broken reload keeps the
# old rules; capabilities, the sd_notify sequence, and kill -9.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
FT="$BUILD/tests/netns/flowtool"

require_root "the daemon test"
require_topology

# recv_bg PORT COUNT SEQFILE: a receiver in the sink, ready when it listens
recv_bg() {
	ip netns exec "$TB_SINK" "$FT" recv "10.200.0.2:$1" "$2" 20 ${3:+"$3"} \
		>"$TB_DIR/recv-$1.out" 2>&1 &
	RECV_PID=$!
	tb_track $RECV_PID
	wait_until 30 grep -q listening "$TB_DIR/recv-$1.out"
}

send() { # send COUNT RATE [SRCPORT]
	tb_src "$FT" send 192.168.50.2:5000 "$1" "$2" 200 ${3:+"$3"} >>"$TB_DIR/send.out" 2>&1
}

test_traffic_natted() {
	tb_conf "10.200.0.2:6000"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	ok $? "daemon starts and says READY=1"
	tb_xdp_attached "$TB_DUT" d-in0
	ok $? "XDP program on the ingress interface"
	recv_bg 6000 2000
	send 2000 2000
	wait "$RECV_PID"
	ok $? "2000 datagrams from the kernel's vxlan device arrive NATed to :6000, whole and in order"
	diag "$(cat "$TB_DIR/recv-6000.out")"
	tb_daemon_stop
	ok "$TB_DAEMON_STATUS" "SIGTERM: exit status 0"
	tb_xdp_attached "$TB_DUT" d-in0 || tb_xdp_attached "$TB_DUT" d-out0
	ok $((!$?)) "no XDP program left after stop"
	! grep -q '^WATCHDOG=' "$TB_DIR/notify.log"
	ok $? "without WATCHDOG_USEC in its environment the daemon sends no WATCHDOG=1"
}

test_seed_flags() {
	mkdir -p "$TB_DIR/empty"
	tb_daemon_start --config-dir "$TB_DIR/empty" -i d-in0 -t d-out0 -a 10.200.0.2 -p 6002 -s 40000
	ok $? "the seed's flags alone: -i -t -a -p -s with no configuration files"
	recv_bg 6002 500
	send 500 1000 40000
	wait "$RECV_PID"
	ok $? "inner UDP source port 40000 goes to 10.200.0.2:6002"
	diag "$(cat "$TB_DIR/recv-6002.out")"
	tb_daemon_stop
}

# tcp_lines: how many lines tcp-check has had echoed so far (in 25s)
tcp_lines() { sed -n 's/^lines \([0-9]*\)$/\1/p' "$TB_DIR/tcp.out" | tail -n 1; }
tcp_more() { # tcp_more N: past N lines
	local n
	n=$(tcp_lines)
	[ "${n:-0}" -gt "${1:-0}" ]
}

# A TCP connection through the ingress interface, a line every 20 ms echoed
# back whole, while the daemon starts, reloads and stops: lines go on being
# echoed after each step (waited for by count), and none fails.
test_tcp_survives() {
	local client
	tb_conf "10.200.0.2:6000"
	ip netns exec "$TB_DUT" "$FT" tcp-echo 10.100.0.1:7000 300 >"$TB_DIR/echo.out" 2>&1 &
	tb_track $!
	wait_until 30 grep -q listening "$TB_DIR/echo.out"
	ip netns exec "$TB_SRC" "$FT" tcp-check 10.100.0.1:7000 240 >"$TB_DIR/tcp.out" 2>&1 &
	client=$!
	tb_track $client
	wait_until 30 tcp_more 0
	tb_daemon_start --config-dir "$TB_DIR/conf"
	wait_until 30 tcp_more "$(tcp_lines)"
	tb_reload
	wait_until 30 tcp_more "$(tcp_lines)"
	tb_daemon_stop
	wait_until 30 tcp_more "$(tcp_lines)"
	kill -TERM "$client"
	wait "$client"
	ok $? "a TCP connection through the ingress interface survives start, reload and stop"
	diag "$(tail -n 1 "$TB_DIR/tcp.out")"
}

# sent_datagrams: what flowtool send said it sent
sent_datagrams() { sed -n 's/^sent \([0-9]*\) datagrams.*/\1/p' "$TB_DIR/send.out" | tail -n 1; }
seqs() { wc -l <"$1"; }
seqs_more() { [ "$(seqs "$1")" -ge "$2" ]; } # seqs_more FILE N: N sequence numbers there

# A reload to a new target at 5000 pps: traffic on both sides of it (by
# count), each datagram once, the old target's all before the new one's.
test_reload_under_traffic() {
	local a b sender n
	tb_conf "10.200.0.2:6003"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	recv_bg 6003 2000000 "$TB_DIR/a.seq"
	a=$RECV_PID
	recv_bg 6004 2000000 "$TB_DIR/b.seq"
	b=$RECV_PID
	: >"$TB_DIR/send.out"
	ip netns exec "$TB_SRC" "$FT" send 192.168.50.2:5000 1000000 5000 200 >>"$TB_DIR/send.out" 2>&1 &
	sender=$!
	tb_track $sender
	wait_until 60 seqs_more "$TB_DIR/a.seq" 1000
	tb_conf "10.200.0.2:6004"
	tb_reload
	wait_until 60 seqs_more "$TB_DIR/b.seq" 1000
	kill -TERM "$sender"
	wait "$sender"
	wait "$a" "$b"
	n=$(sent_datagrams)
	"$FT" split "$TB_DIR/a.seq" "$TB_DIR/b.seq" "${n:-0}" >"$TB_DIR/split.out"
	ok $? "reload to a new target at 5000 pps: each of $n datagrams once, old target before new"
	diag "$(cat "$TB_DIR/split.out")"
	# where a loss happened: in the pipeline, or at the sink's sockets
	grep -q "missing 0," "$TB_DIR/split.out" ||
		diag "$(tb_src ip -s link show s-eth0 | sed -n '3,6p')
$("$BUILD/src/vxlan-pipeline" --socket "$TB_DIR/control.sock" stats 2>&1 | grep -E 'forwarded|dropped|kernel')
sink: $(ip netns exec "$TB_SINK" grep '^Udp:' /proc/net/snmp | tail -n 1)"
	grep -q 'reload done' "$TB_DIR/daemon.log"
	ok $? "the daemon logs the reload"
	tb_daemon_stop
}

test_broken_reload() {
	tb_conf "10.200.0.2:6005"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	echo 'nat = ( { proto = "udp"; dst_port = 5000; to = "10.200.0.2:99999"; } );' \
		>"$TB_DIR/conf/nat.conf"
	kill -HUP "$TB_DAEMON_PID"
	tb_notify_wait '^STATUS=.*FAILED' 1
	ok $? "a broken nat.conf: the status says the reload FAILED"
	grep -q "nat.conf:1: 'to' is '10.200.0.2:99999'" "$TB_DIR/daemon.log"
	ok $? "the log names the file and line"
	recv_bg 6005 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "the old rule still sends traffic to :6005"
	tb_daemon_stop
}

# What the daemon must keep is what this kernel needs for a map update
# through an open fd, which the test finds out itself (flowtool bpf-caps
# tries one with every capability dropped): nothing from Linux 6.5 on,
# CAP_BPF before. Never what the daemon says it decided.
NEED=$("$FT" bpf-caps)
case $NEED in
none) KEEP_CAPS=0000000000000000 ;;
CAP_BPF) KEEP_CAPS=0000008000000000 ;;
*) echo "Bail out! flowtool bpf-caps could not tell what a map update needs"; exit 1 ;;
esac

test_capabilities() {
	tb_conf "10.200.0.2:6000"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	local st
	st=$(cat "/proc/$TB_DAEMON_PID/status")
	diag "kernel $(uname -r): a map update through an open fd needs $NEED; the daemon logged: $(grep -o 'privileges dropped: keeping [A-Za-z_]*' "$TB_DIR/daemon.log")"
	echo "$st" | grep -q "^CapEff:[[:space:]]*$KEEP_CAPS$" &&
		echo "$st" | grep -q "^CapPrm:[[:space:]]*$KEEP_CAPS$"
	ok $? "after READY, CapEff and CapPrm hold exactly what a map update needs here: $NEED ($KEEP_CAPS)"
	echo "$st" | grep -q "^CapBnd:[[:space:]]*0000000000000000$"
	ok $? "the bounding set is empty"
	grep -q "privileges dropped: .*; bounding set empty;" "$TB_DIR/daemon.log"
	ok $? "the log says the bounding set is empty"
	echo "$st" | grep -q "^NoNewPrivs:[[:space:]]*1$"
	ok $? "no-new-privs is set"
	grep -q "warning: running as root (uid 0) without capabilities: it still reads and writes every file root owns; set user = " \
		"$TB_DIR/daemon.log"
	ok $? "user = \"\": still root, and the start says so"
	diag "$(grep -E "privileges dropped|running as root" "$TB_DIR/daemon.log")"
	tb_daemon_stop
}

watchdogs() { grep -c '^WATCHDOG=1$' "$TB_DIR/notify.log"; }
watchdogs_ge() { [ "$(watchdogs)" -ge "$1" ]; }

test_notify_sequence() {
	tb_conf "10.200.0.2:6000"
	TB_DAEMON_ENV="WATCHDOG_USEC=200000" tb_daemon_start --config-dir "$TB_DIR/conf"
	wait_until 30 watchdogs_ge 3
	tb_reload
	tb_daemon_stop
	local seq
	seq=$(grep -vE '^(STATUS|WATCHDOG|FDSTORE|FDSTOREREMOVE)=' "$TB_DIR/notify.log" |
		sed 's/MONOTONIC_USEC=[0-9][0-9]*/MONOTONIC_USEC=N/')
	[ "$seq" = "$(printf 'READY=1\nRELOADING=1|MONOTONIC_USEC=N\nREADY=1\nSTOPPING=1')" ]
	ok $? "sd_notify: READY=1, RELOADING=1 with MONOTONIC_USEC, READY=1, STOPPING=1"
	diag "$seq"
	grep -qE '^STATUS=.* pps forwarded, .*last reload: ok at ' "$TB_DIR/notify.log"
	ok $? "STATUS= carries the rates and the last reload"
	[ "$(watchdogs)" -ge 3 ]
	ok $? "WATCHDOG_USEC=200000: WATCHDOG=1 comes, again and again ($(watchdogs) before the stop)"
}

test_auto_fallback() {
	tb_dut ip link add br-vxp type bridge && tb_dut ip link set br-vxp up
	TB_INGRESS=br-vxp TB_MODE=auto tb_conf "10.200.0.2:6000"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	ok $? "xdp_mode auto on a bridge, which has no native XDP: starts"
	grep -q "ingress interface 'br-vxp': native XDP failed: .*running in generic mode" \
		"$TB_DIR/daemon.log"
	ok $? "the warning says native failed, why, and that generic runs"
	diag "$(grep 'native XDP failed' "$TB_DIR/daemon.log")"
	ip -n "$TB_DUT" -details link show br-vxp | grep -q 'xdpgeneric'
	ok $? "the program sits in generic mode"
	tb_daemon_stop
	tb_dut ip link del br-vxp
}

test_default_route() {
	tb_dut ip route add default via 10.100.0.2 dev d-in0
	tb_conf "10.200.0.2:6000"
	! tb_daemon_start --config-dir "$TB_DIR/conf" &&
		grep -q "Refusing to attach XDP to ingress interface 'd-in0': it carries the default route" \
			"$TB_DIR/daemon.log"
	ok $? "the interface with the default route is refused"
	diag "$(grep Refusing "$TB_DIR/daemon.log")"
	wait "$TB_DAEMON_PID" 2>/dev/null
	tb_conf "10.200.0.2:6000" "allow_default_route = true;"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	ok $? "allow_default_route = true attaches there anyway"
	tb_daemon_stop
	tb_dut ip route del default
}

test_user_and_reload() {
	chmod 755 "$TB_DIR"
	tb_conf "10.200.0.2:6006" 'user = "nobody";'
	chmod 755 "$TB_DIR/conf"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	ok $? "user = \"nobody\": starts"
	grep -qE "^Uid:[[:space:]]+65534[[:space:]]" "/proc/$TB_DAEMON_PID/status"
	ok $? "runs as nobody"
	recv_bg 6006 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "forwards as nobody"
	tb_conf "10.200.0.2:6007" 'user = "nobody";'
	tb_reload
	recv_bg 6007 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "a reload as nobody without capabilities swaps the NAT table"
	tb_daemon_stop
}

# As the unit starts it: not root, with CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON
# ambient and nothing else in the bounding set (so no CAP_SETPCAP to clear it
# with). Without CAP_PERFMON the verifier refuses the parser's variable-offset
# packet pointer arithmetic.
test_as_the_unit_starts_it() {
	chmod 755 "$TB_DIR"
	mkdir -p "$TB_DIR/run" && chown nobody:nogroup "$TB_DIR/run"
	tb_conf "10.200.0.2:6010"
	sed -i "s|^control_socket = .*|control_socket = \"$TB_DIR/run/control.sock\";|" \
		"$TB_DIR/conf/pipeline.conf"
	chmod 755 "$TB_DIR/conf"
	TB_DAEMON_ENV="setpriv --reuid nobody --regid nogroup --clear-groups \
		--inh-caps=-all,+bpf,+net_admin,+perfmon --ambient-caps=-all,+bpf,+net_admin,+perfmon \
		--bounding-set=-all,+bpf,+net_admin,+perfmon" tb_daemon_start --config-dir "$TB_DIR/conf"
	ok $? "not root, CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON only: starts"
	diag "$(tail -n 3 "$TB_DIR/daemon.log")"
	grep -qE "^Uid:[[:space:]]+65534[[:space:]]" "/proc/$TB_DAEMON_PID/status" &&
		grep -qE "^CapEff:[[:space:]]+$KEEP_CAPS$" "/proc/$TB_DAEMON_PID/status"
	ok $? "runs as nobody, and keeps only what a map update needs here once attached: $NEED"
	# bits 12, 38 and 39: CAP_NET_ADMIN, CAP_PERFMON, CAP_BPF, which it may not
	# clear without CAP_SETPCAP; the log says what the kernel says
	grep -qE "^CapBnd:[[:space:]]+000000c000001000$" "/proc/$TB_DAEMON_PID/status" &&
		grep -q "privileges dropped: keeping [A-Za-z_]*; bounding set CAP_NET_ADMIN CAP_PERFMON CAP_BPF (the service manager's" \
			"$TB_DIR/daemon.log" && ! grep -q "bounding set empty" "$TB_DIR/daemon.log"
	ok $? "the bounding set it was given stays, and the log names it rather than call it empty"
	diag "$(grep "privileges dropped" "$TB_DIR/daemon.log")"
	! grep -q "running as root" "$TB_DIR/daemon.log"
	ok $? "not root: no warning about it"
	recv_bg 6010 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "forwards"
	tb_conf "10.200.0.2:6011"
	sed -i "s|^control_socket = .*|control_socket = \"$TB_DIR/run/control.sock\";|" \
		"$TB_DIR/conf/pipeline.conf"
	setpriv --reuid nobody --regid nogroup --clear-groups kill -HUP "$TB_DAEMON_PID"
	ok $? "its own user may send it SIGHUP (the unit's ExecReload)"
	tb_notify_wait '^READY=1$' 2
	recv_bg 6011 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "and the reload swaps the NAT table"
	tb_daemon_stop
	[ "$TB_DAEMON_STATUS" = 0 ] && [ -z "$(tb_dut ip -d link show d-in0 | grep -o 'prog/xdp')" ]
	ok $? "stops with 0 and detaches"
}

test_restart_only_change() {
	tb_conf "10.200.0.2:6008"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	TB_INGRESS=d-out0 tb_conf "10.200.0.2:6009"
	sed -i "s|^control_socket = .*|control_socket = \"$TB_DIR/other.sock\";|" \
		"$TB_DIR/conf/pipeline.conf"
	tb_reload
	grep -q "reload: 'ingress' changed ($TB_DIR/conf/pipeline.conf:1); it needs a restart and is not applied" \
		"$TB_DIR/daemon.log"
	ok $? "a changed ingress is reported as needing a restart"
	grep -q "reload: 'control_socket' changed ($TB_DIR/conf/pipeline.conf:7); it needs a restart" \
		"$TB_DIR/daemon.log" && [ -S "$TB_DIR/control.sock" ] && [ ! -e "$TB_DIR/other.sock" ]
	ok $? "so is a changed control socket, and the old one stays"
	tb_xdp_attached "$TB_DUT" d-in0
	ok $? "the program stays on the old ingress"
	recv_bg 6009 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "the rest of the reload applies: the new NAT target gets the traffic"
	tb_daemon_stop
}

test_failed_start() {
	tb_conf "10.200.0.2:6000" 'user = "no-such-user-vxp";'
	rm -f "$TB_DIR/notify.log"
	"$FT" notify-listen "$TB_DIR/notify.sock" "$TB_DIR/notify.log" &
	local listener=$!
	tb_track $listener
	wait_until 30 test -S "$TB_DIR/notify.sock"
	tb_dut env NOTIFY_SOCKET="$TB_DIR/notify.sock" "$BUILD/src/vxlan-pipelined" \
		--config-dir "$TB_DIR/conf" >"$TB_DIR/fail.log" 2>&1
	local status=$?
	wait_until 30 grep -q '^ERRNO=' "$TB_DIR/notify.log"
	kill -TERM "$listener"
	wait "$listener"
	[ "$status" = 78 ] && grep -q '^ERRNO=22$' "$TB_DIR/notify.log"
	ok $? "a bad configuration: exit status 78 and ERRNO=22 to systemd"
}

test_check_config() {
	tb_conf "10.200.0.2:6000"
	tb_dut "$BUILD/src/vxlan-pipelined" --config-dir "$TB_DIR/conf" --check-config >/dev/null
	ok $? "--check-config on a valid configuration: 0"
	tb_xdp_attached "$TB_DUT" d-in0
	ok $((!$?)) "--check-config attached nothing"
	tb_conf "10.200.0.2:70000"
	tb_dut "$BUILD/src/vxlan-pipelined" --config-dir "$TB_DIR/conf" --check-config 2>/dev/null
	[ $? = 78 ]
	ok $? "--check-config on a broken one: 78"
}

detached() { ! tb_xdp_attached "$TB_DUT" d-in0 && ! tb_xdp_attached "$TB_DUT" d-out0; }

test_kill_9() {
	tb_conf "10.200.0.2:6000"
	tb_daemon_start --config-dir "$TB_DIR/conf"
	tb_xdp_attached "$TB_DUT" d-in0 && tb_xdp_attached "$TB_DUT" d-out0
	ok $? "programs on ingress and egress"
	kill -KILL "$TB_DAEMON_PID"
	wait "$TB_DAEMON_PID" 2>/dev/null
	wait_until 30 detached
	ok $? "kill -9 leaves no XDP program on either interface"
	kill -TERM "$TB_NOTIFY_PID" 2>/dev/null
}

test_traffic_natted
test_seed_flags
test_tcp_survives
test_reload_under_traffic
test_broken_reload
test_capabilities
test_notify_sequence
test_failed_start
test_check_config
test_auto_fallback
test_default_route
test_user_and_reload
test_as_the_unit_starts_it
test_restart_only_change
test_kill_9
tap_done
