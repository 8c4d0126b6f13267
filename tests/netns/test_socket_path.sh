#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The control socket's path (and the features socket's beside it): the
# daemon replaces only a socket nobody answers on. A file, a directory or a
# symbolic link there is refused and left as it was, with the path and the
# fix in the message; a second daemon given the same path leaves the first
# one's sockets alone, and the first one's CLI still answers; a daemon killed
# with -9 leaves stale sockets, which the next start replaces.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
CLI=$BUILD/src/vxlan-pipeline

require_root "the socket path test"
require_topology
cli() { "$CLI" --socket "$TB_DIR/control.sock" "$@"; }

# start_fails: a daemon on $TB_DIR/conf does not start; its exit status in
# FAIL_STATUS, its messages in $TB_DIR/fail.log
start_fails() {
	tb_dut timeout 30 "$BUILD/src/vxlan-pipelined" --foreground --config-dir "$TB_DIR/conf" \
		>"$TB_DIR/fail.log" 2>&1
	FAIL_STATUS=$?
	[ "$FAIL_STATUS" != 0 ] && [ "$FAIL_STATUS" != 124 ]
}

test_not_a_socket() {
	local kind what
	for kind in file directory symlink; do
		rm -rf "$TB_DIR/control.sock" "$TB_DIR/target"
		case $kind in
		file) echo precious >"$TB_DIR/control.sock" ;;
		directory) mkdir "$TB_DIR/control.sock" && echo precious >"$TB_DIR/control.sock/x" ;;
		symlink) echo precious >"$TB_DIR/target" && ln -s target "$TB_DIR/control.sock" ;;
		esac
		what=$(case $kind in file) echo "a regular file" ;; directory) echo "a directory" ;; symlink) echo "a symbolic link" ;; esac)
		tb_conf
		tb_dut "$BUILD/src/vxlan-pipelined" --check-config --config-dir "$TB_DIR/conf" \
			>/dev/null 2>"$TB_DIR/check.log"
		[ $? = 78 ] && grep -qF "'$TB_DIR/control.sock' exists and is $what, not a socket" "$TB_DIR/check.log"
		ok $? "a $kind at control_socket: --check-config refuses it ($(cat "$TB_DIR/check.log"))"
		start_fails && [ "$FAIL_STATUS" = 78 ] &&
			grep -qF "'$TB_DIR/control.sock' exists and is $what, not a socket: the daemon would leave it alone and refuse to start; remove it, or set control_socket to another path" "$TB_DIR/fail.log"
		ok $? "a $kind at control_socket: the daemon refuses to start (exit $FAIL_STATUS), naming the path and the fix"
		case $kind in
		file) [ -f "$TB_DIR/control.sock" ] && [ "$(cat "$TB_DIR/control.sock")" = precious ] ;;
		directory) [ "$(cat "$TB_DIR/control.sock/x")" = precious ] ;;
		symlink) [ -L "$TB_DIR/control.sock" ] && [ "$(cat "$TB_DIR/target")" = precious ] ;;
		esac
		ok $? "... and the $kind is there as it was"
	done
	rm -rf "$TB_DIR/control.sock" "$TB_DIR/target"
}

test_second_daemon() {
	tb_conf
	tb_daemon_start --config-dir "$TB_DIR/conf"
	cli stats >/dev/null
	ok $? "a first daemon answers on its control socket"
	start_fails && grep -qF "'$TB_DIR/control.sock': another process answers on it" "$TB_DIR/fail.log"
	ok $? "a second daemon with the same control_socket refuses to start (exit $FAIL_STATUS), saying why"
	diag "$(grep -F "control socket" "$TB_DIR/fail.log")"
	[ -S "$TB_DIR/control.sock" ] && [ -S "$TB_DIR/features.sock" ] && cli stats >/dev/null
	ok $? "the first daemon's sockets are still there, and its CLI still answers"
	kill -0 "$TB_DAEMON_PID"
	ok $? "and the first daemon runs on"
}

test_stale_sockets() {
	kill -KILL "$TB_DAEMON_PID"
	wait "$TB_DAEMON_PID" 2>/dev/null
	kill -TERM "$TB_NOTIFY_PID" 2>/dev/null
	[ -S "$TB_DIR/control.sock" ] && ! cli stats >/dev/null 2>&1
	ok $? "kill -9 leaves a control socket nobody answers on"
	tb_daemon_start --config-dir "$TB_DIR/conf" && cli stats >/dev/null
	ok $? "the next daemon replaces it and answers there"
	[ "$(stat -c %a "$TB_DIR/control.sock") $(stat -c %a "$TB_DIR/features.sock")" = "660 660" ]
	ok $? "both sockets are mode 0660 ($(stat -c %a "$TB_DIR/control.sock"), $(stat -c %a "$TB_DIR/features.sock"))"
	tb_daemon_stop
	[ ! -e "$TB_DIR/control.sock" ] && [ ! -e "$TB_DIR/features.sock" ]
	ok $? "a daemon that stops removes its sockets"
}

test_not_a_socket
test_second_daemon
test_stale_sockets
tap_done
