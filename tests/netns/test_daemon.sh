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
if ! topo_up >"$TMP/topo.log" 2>&1; then
	echo "Bail out! building the test topology failed: $(tail -n 3 "$TMP/topo.log")"
	exit 1
fi

# recv_bg PORT COUNT SEQFILE: a receiver in the sink, ready when it listens
recv_bg() {
	ip netns exec "$NS_SINK" "$FT" recv "10.200.0.2:$1" "$2" 20 ${3:+"$3"} \
		>"$TMP/recv-$1.out" 2>&1 &
	RECV_PID=$!
	track $RECV_PID
	for _ in $(seq 50); do grep -q listening "$TMP/recv-$1.out" && return; sleep 0.1; done
}

send() { # send COUNT RATE [SRCPORT]
	in_src "$FT" send 192.168.50.2:5000 "$1" "$2" 200 ${3:+"$3"} >>"$TMP/send.out" 2>&1
}

test_traffic_natted() {
	conf_write "10.200.0.2:6000"
	daemon_start --config-dir "$TMP/conf"
	ok $? "daemon starts and says READY=1"
	xdp_attached "$NS_DUT" d-in0
	ok $? "XDP program on the ingress interface"
	recv_bg 6000 2000
	send 2000 2000
	wait "$RECV_PID"
	ok $? "2000 datagrams from the kernel's vxlan device arrive NATed to :6000, whole and in order"
	diag "$(cat "$TMP/recv-6000.out")"
	daemon_stop
	ok "$DAEMON_STATUS" "SIGTERM: exit status 0"
	xdp_attached "$NS_DUT" d-in0 || xdp_attached "$NS_DUT" d-out0
	ok $((!$?)) "no XDP program left after stop"
}

test_seed_flags() {
	mkdir -p "$TMP/empty"
	daemon_start --config-dir "$TMP/empty" -i d-in0 -t d-out0 -a 10.200.0.2 -p 6002 -s 40000
	ok $? "the seed's flags alone: -i -t -a -p -s with no configuration files"
	recv_bg 6002 500
	send 500 1000 40000
	wait "$RECV_PID"
	ok $? "inner UDP source port 40000 goes to 10.200.0.2:6002"
	diag "$(cat "$TMP/recv-6002.out")"
	daemon_stop
}

test_tcp_survives() {
	conf_write "10.200.0.2:6000"
	ip netns exec "$NS_DUT" "$FT" tcp-echo 10.100.0.1:7000 30 >"$TMP/echo.out" 2>&1 &
	track $!
	for _ in $(seq 50); do grep -q listening "$TMP/echo.out" && break; sleep 0.1; done
	ip netns exec "$NS_SRC" "$FT" tcp-check 10.100.0.1:7000 6 >"$TMP/tcp.out" 2>&1 &
	local client=$!
	sleep 1
	daemon_start --config-dir "$TMP/conf"
	sleep 1
	kill -HUP "$DAEMON_PID"
	notify_wait '^RELOADING=1' 1
	sleep 1
	daemon_stop
	wait "$client"
	ok $? "a TCP connection through the ingress interface survives start, reload and stop"
	diag "$(cat "$TMP/tcp.out")"
}

test_reload_under_traffic() {
	conf_write "10.200.0.2:6003"
	daemon_start --config-dir "$TMP/conf"
	recv_bg 6003 20000 "$TMP/a.seq"
	local a=$RECV_PID
	recv_bg 6004 20000 "$TMP/b.seq"
	local b=$RECV_PID
	ip netns exec "$NS_SRC" "$FT" send 192.168.50.2:5000 20000 5000 200 >>"$TMP/send.out" 2>&1 &
	local sender=$!
	sleep 2
	conf_write "10.200.0.2:6004"
	kill -HUP "$DAEMON_PID"
	notify_wait '^RELOADING=1' 1
	wait "$sender"
	wait "$a" "$b"
	"$FT" split "$TMP/a.seq" "$TMP/b.seq" 20000 >"$TMP/split.out"
	ok $? "reload to a new target at 5000 pps: each of 20000 datagrams once, old target before new"
	diag "$(cat "$TMP/split.out")"
	grep -q 'reload done' "$TMP/daemon.log"
	ok $? "the daemon logs the reload"
	daemon_stop
}

test_broken_reload() {
	conf_write "10.200.0.2:6005"
	daemon_start --config-dir "$TMP/conf"
	echo 'nat = ( { proto = "udp"; dst_port = 5000; to = "10.200.0.2:99999"; } );' \
		>"$TMP/conf/nat.conf"
	kill -HUP "$DAEMON_PID"
	notify_wait '^STATUS=.*FAILED' 1
	ok $? "a broken nat.conf: the status says the reload FAILED"
	grep -q "nat.conf:1: 'to' is '10.200.0.2:99999'" "$TMP/daemon.log"
	ok $? "the log names the file and line"
	recv_bg 6005 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "the old rule still sends traffic to :6005"
	daemon_stop
}

test_capabilities() {
	conf_write "10.200.0.2:6000"
	daemon_start --config-dir "$TMP/conf"
	local st kept want
	st=$(cat "/proc/$DAEMON_PID/status")
	kept=$(sed -n 's/.*privileges dropped: keeping \([A-Za-z_]*\).*/\1/p' "$TMP/daemon.log")
	case $kept in
	none) want=0000000000000000 ;;
	CAP_BPF) want=0000008000000000 ;;
	CAP_SYS_ADMIN) want=0000000000200000 ;;
	*) want=unknown ;;
	esac
	diag "the probe decided: keep ${kept:-nothing logged}"
	echo "$st" | grep -q "^CapEff:[[:space:]]*$want$" &&
		echo "$st" | grep -q "^CapPrm:[[:space:]]*$want$"
	ok $? "after READY, CapEff and CapPrm hold exactly what the probe decided ($want)"
	echo "$st" | grep -q "^CapBnd:[[:space:]]*0000000000000000$"
	ok $? "the bounding set is empty"
	echo "$st" | grep -q "^NoNewPrivs:[[:space:]]*1$"
	ok $? "no-new-privs is set"
	daemon_stop
}

test_notify_sequence() {
	conf_write "10.200.0.2:6000"
	DAEMON_ENV="WATCHDOG_USEC=200000" daemon_start --config-dir "$TMP/conf"
	sleep 1.2
	kill -HUP "$DAEMON_PID"
	notify_wait '^READY=1$' 2
	daemon_stop
	local seq
	seq=$(grep -vE '^(STATUS|WATCHDOG)=' "$TMP/notify.log" |
		sed 's/MONOTONIC_USEC=[0-9][0-9]*/MONOTONIC_USEC=N/')
	[ "$seq" = "$(printf 'READY=1\nRELOADING=1|MONOTONIC_USEC=N\nREADY=1\nSTOPPING=1')" ]
	ok $? "sd_notify: READY=1, RELOADING=1 with MONOTONIC_USEC, READY=1, STOPPING=1"
	diag "$seq"
	grep -qE '^STATUS=.* pps forwarded, .*last reload: ok at ' "$TMP/notify.log"
	ok $? "STATUS= carries the rates and the last reload"
	[ "$(grep -c '^WATCHDOG=1$' "$TMP/notify.log")" -ge 8 ]
	ok $? "WATCHDOG_USEC=200000: WATCHDOG=1 every 100 ms ($(grep -c '^WATCHDOG=1$' "$TMP/notify.log") in about 1.5 s)"
}

test_auto_fallback() {
	in_dut ip link add br-vxp type bridge && in_dut ip link set br-vxp up
	CONF_INGRESS=br-vxp CONF_MODE=auto conf_write "10.200.0.2:6000"
	daemon_start --config-dir "$TMP/conf"
	ok $? "xdp_mode auto on a bridge, which has no native XDP: starts"
	grep -q "ingress interface 'br-vxp': native XDP failed: .*running in generic mode" \
		"$TMP/daemon.log"
	ok $? "the warning says native failed, why, and that generic runs"
	diag "$(grep 'native XDP failed' "$TMP/daemon.log")"
	ip -n "$NS_DUT" -details link show br-vxp | grep -q 'xdpgeneric'
	ok $? "the program sits in generic mode"
	daemon_stop
	in_dut ip link del br-vxp
}

test_default_route() {
	in_dut ip route add default via 10.100.0.2 dev d-in0
	conf_write "10.200.0.2:6000"
	! daemon_start --config-dir "$TMP/conf" &&
		grep -q "Refusing to attach XDP to ingress interface 'd-in0': it carries the default route" \
			"$TMP/daemon.log"
	ok $? "the interface with the default route is refused"
	diag "$(grep Refusing "$TMP/daemon.log")"
	wait "$DAEMON_PID" 2>/dev/null
	conf_write "10.200.0.2:6000" "allow_default_route = true;"
	daemon_start --config-dir "$TMP/conf"
	ok $? "allow_default_route = true attaches there anyway"
	daemon_stop
	in_dut ip route del default
}

test_user_and_reload() {
	chmod 755 "$TMP"
	conf_write "10.200.0.2:6006" 'user = "nobody";'
	chmod 755 "$TMP/conf"
	daemon_start --config-dir "$TMP/conf"
	ok $? "user = \"nobody\": starts"
	grep -qE "^Uid:[[:space:]]+65534[[:space:]]" "/proc/$DAEMON_PID/status"
	ok $? "runs as nobody"
	recv_bg 6006 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "forwards as nobody"
	conf_write "10.200.0.2:6007" 'user = "nobody";'
	kill -HUP "$DAEMON_PID"
	notify_wait '^READY=1$' 2
	recv_bg 6007 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "a reload as nobody without capabilities swaps the NAT table"
	daemon_stop
}

test_restart_only_change() {
	conf_write "10.200.0.2:6008"
	daemon_start --config-dir "$TMP/conf"
	CONF_INGRESS=d-out0 conf_write "10.200.0.2:6009"
	kill -HUP "$DAEMON_PID"
	notify_wait '^READY=1$' 2
	grep -q "reload: 'ingress' changed ($TMP/conf/pipeline.conf:1); it needs a restart and is not applied" \
		"$TMP/daemon.log"
	ok $? "a changed ingress is reported as needing a restart"
	xdp_attached "$NS_DUT" d-in0
	ok $? "the program stays on the old ingress"
	recv_bg 6009 300
	send 300 1000
	wait "$RECV_PID"
	ok $? "the rest of the reload applies: the new NAT target gets the traffic"
	daemon_stop
}

test_failed_start() {
	conf_write "10.200.0.2:6000" 'user = "no-such-user-vxp";'
	rm -f "$TMP/notify.log"
	"$FT" notify-listen "$TMP/notify.sock" "$TMP/notify.log" &
	local listener=$!
	track $listener
	for _ in $(seq 50); do [ -S "$TMP/notify.sock" ] && break; sleep 0.1; done
	in_dut env NOTIFY_SOCKET="$TMP/notify.sock" "$BUILD/src/vxlan-pipelined" \
		--config-dir "$TMP/conf" >"$TMP/fail.log" 2>&1
	local status=$?
	sleep 0.3
	kill -TERM "$listener"
	wait "$listener"
	[ "$status" = 78 ] && grep -q '^ERRNO=22$' "$TMP/notify.log"
	ok $? "a bad configuration: exit status 78 and ERRNO=22 to systemd"
}

test_check_config() {
	conf_write "10.200.0.2:6000"
	in_dut "$BUILD/src/vxlan-pipelined" --config-dir "$TMP/conf" --check-config >/dev/null
	ok $? "--check-config on a valid configuration: 0"
	xdp_attached "$NS_DUT" d-in0
	ok $((!$?)) "--check-config attached nothing"
	conf_write "10.200.0.2:70000"
	in_dut "$BUILD/src/vxlan-pipelined" --config-dir "$TMP/conf" --check-config 2>/dev/null
	[ $? = 78 ]
	ok $? "--check-config on a broken one: 78"
}

test_kill_9() {
	conf_write "10.200.0.2:6000"
	daemon_start --config-dir "$TMP/conf"
	xdp_attached "$NS_DUT" d-in0 && xdp_attached "$NS_DUT" d-out0
	ok $? "programs on ingress and egress"
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null
	local left=1
	for _ in $(seq 20); do
		if ! xdp_attached "$NS_DUT" d-in0 && ! xdp_attached "$NS_DUT" d-out0; then
			left=0
			break
		fi
		sleep 0.1
	done
	ok $left "kill -9 leaves no XDP program on either interface"
	kill -TERM "$NOTIFY_PID" 2>/dev/null
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
test_restart_only_change
test_kill_9
tap_done
