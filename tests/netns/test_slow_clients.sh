#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Slow clients against the TCP endpoint: 16 connections from four addresses,
# each sending a header line every 2 s and never the blank line that ends
# them (reconnecting whenever the daemon cuts them), must not keep a load
# balancer's health check from being answered. A checker from a fifth
# address asks /healthz once a second, ten times, each with a generous 20 s
# to be answered: every one is. The slow clients are cut by the daemon's
# deadline for a request's headers. Assertions are on outcomes (answered,
# cut), never on how fast.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
FLOWTOOL=$BUILD/tests/netns/flowtool

require_root "the slow clients test"
command -v curl >/dev/null || { echo "Bail out! curl is missing"; exit 1; }
require_topology
TB_METRICS=10.100.0.1:9464 tb_conf
tb_daemon_start --config-dir "$TB_DIR/conf" ||
	{ echo "Bail out! the daemon did not start: $(cat "$TB_DIR/daemon.log")"; exit 1; }

SLOW_ADDRS=(10.100.0.11 10.100.0.12 10.100.0.13 10.100.0.14)
CHECKER=10.100.0.20
for a in "${SLOW_ADDRS[@]}" "$CHECKER"; do
	tb_src ip addr add "$a/24" dev s-eth0
done

# held_from ADDRS...: connections the daemon holds on :9464 from those
held_from() {
	local a n=0
	for a in "$@"; do
		n=$((n + $(tb_dut ss -Htn state established "( sport = :9464 and dst $a )" | wc -l)))
	done
	echo "$n"
}
slow_held_ge() { [ "$(held_from "${SLOW_ADDRS[@]}")" -ge "$1" ]; }
# all_cut: every slow client has been cut at least once
all_cut() {
	local f
	for f in "$TB_DIR"/slow.*; do
		grep -q '^cut$' "$f" || return 1
	done
}

test_slow_clients() {
	local a i slow="" checks="" answered
	for a in "${SLOW_ADDRS[@]}"; do
		for i in 1 2 3 4; do
			ip netns exec "$TB_SRC" "$FLOWTOOL" slow-client "$a" 10.100.0.1:9464 2000 90 \
				>"$TB_DIR/slow.$a.$i" 2>&1 &
			slow+=" $!"
			tb_track $!
		done
	done
	wait_until 30 slow_held_ge 16
	ok $? "16 slow clients from four addresses hold $(held_from "${SLOW_ADDRS[@]}") connections"
	for i in $(seq 10); do
		ip netns exec "$TB_SRC" curl -s -m 20 --interface "$CHECKER" -o /dev/null \
			-w '%{http_code} %{time_total}\n' http://10.100.0.1:9464/healthz >"$TB_DIR/check.$i" 2>&1 &
		checks+=" $!"
		tb_track $!
		sleep 1 # the checker's pace, as a load balancer's: not an assertion
	done
	# shellcheck disable=SC2086 # a list of PIDs
	wait $checks
	answered=$(cat "$TB_DIR"/check.* | grep -c '^200 ')
	[ "$answered" = 10 ]
	ok $? "a checker from another address asking /healthz once a second: $answered of 10 answered"
	diag "status and seconds of each: $(cat "$TB_DIR"/check.* | xargs)"
	wait_until 30 all_cut
	ok $? "every slow client was cut by the daemon ($(cat "$TB_DIR"/slow.* | grep -c '^cut$') cuts)"
	# shellcheck disable=SC2086 # a list of PIDs
	kill -TERM $slow 2>/dev/null
	# shellcheck disable=SC2086
	wait $slow
	diag "$(grep -h '^slow-client:' "$TB_DIR"/slow.* | sort | uniq -c)"
	[ "$(tb_src curl -s -m 20 -o /dev/null -w '%{http_code}' --interface 10.100.0.11 \
		http://10.100.0.1:9464/healthz)" = 200 ]
	ok $? "once they are gone, their addresses are answered too"
	kill -0 "$TB_DAEMON_PID"
	ok $? "and the daemon is still there"
}

test_slow_clients
tb_daemon_stop
tap_done
