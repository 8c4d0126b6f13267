#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Restart without a gap, on the testbed: svcman stands in for systemd (notify
# socket, fd store, restarts). VXLAN at a modest rate in 8 flows to a checking
# receiver, which sees a gap as lost sequence numbers: a restart loses
# nothing and the counters carry over; the same restart without the store
# loses packets (so the check can see a gap); kill -9 loses nothing either;
# stop detaches; a stored map whose layout does not fit is replaced, and the
# daemon says what that costs; a name handed back that the daemon does not
# store again leaves the store. The same restart under 500 kpps is a figure
# of make bench.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
SVCMAN=$BUILD/tests/netns/svcman
RATE=5000

require_root "the restart test"
require_topology
tb_conf "10.200.0.2:6000"
cli() { "$BUILD/src/vxlan-pipeline" --socket "$TB_DIR/control.sock" "$@"; }
logged() { grep -cE "$1" "$TB_DIR/svc.log" 2>/dev/null; }
logged_ge() { [ "$(logged "$1")" -ge "$2" ] 2>/dev/null; } # none yet while svc.log is missing
wait_logged() { wait_until 30 logged_ge "$@"; } # REGEX COUNT: 30 s at most
forwarded() { # the pipeline's forwarded count, or nothing while no daemon answers
	cli stats --json 2>/dev/null |
		sed -n 's/.*"forwarded": {"result": "redirect", "packets": \([0-9]*\).*/\1/p'
}
# the receiver's report across the last action: none lost, twice or corrupt,
# all that was sent received
got() { tb_across_got 6000 "$1"; }
gapless() {
	[ "$FLOWED" = 0 ] && [ -n "$SENT" ] && [ "$SENT" -gt 0 ] && [ "$(got received)" = "$SENT" ] &&
		[ "$(got lost)" = 0 ] && [ "$(got duplicated)" = 0 ] && [ "$(got corrupt)" = 0 ]
}
across() { # the last run, in words
	echo "$SENT sent, $(got received) received, $(got lost) lost by sequence number, $(got duplicated) twice"
}

bpf_fds() { # bpf_fds PID: how many BPF objects the process holds open
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -lname 'anon_inode:bpf*' 2>/dev/null | wc -l
}
start_service() { # [SVCMAN OPTIONS]
	rm -f "$TB_DIR/svc.log"
	ip netns exec "$TB_DUT" "$SVCMAN" "$@" "$TB_DIR/notify.sock" "$TB_DIR/svc.log" -- \
		"$TB_DAEMON" --config-dir "$TB_DIR/conf" --foreground >"$TB_DIR/daemon.log" 2>&1 &
	SVC=$!
	tb_track $SVC
	wait_logged '^READY=1$' 1
}
stop_service() {
	kill -TERM "$SVC"
	wait "$SVC"
}

restart() {
	local ready
	ready=$(logged '^READY=1$')
	kill -USR1 "$SVC"
	wait_logged '^READY=1$' $((ready + 1))
}
kill9() {
	local pid spawned ready
	spawned=$(logged '^SPAWN')
	ready=$(logged '^READY=1$')
	pid=$(sed -n 's/^SPAWN pid=\([0-9]*\).*/\1/p' "$TB_DIR/svc.log" | tail -n 1)
	kill -KILL "$pid"
	wait_logged '^SPAWN' $((spawned + 1)) && wait_logged '^READY=1$' $((ready + 1))
}

test_restart() {
	local dropped
	start_service
	ok $? "the daemon starts under svcman"
	[ "$(logged 'FDSTORE=1\|FDNAME=link-ingress(\|FDPOLL=0)?$')" = 1 ] &&
		[ "$(logged 'FDSTORE=1\|FDNAME=link-egress(\|FDPOLL=0)?$')" = 1 ] &&
		[ "$(logged 'FDSTORE=1\|FDNAME=map[0-9]+-vxp_')" -ge 7 ]
	ok $? "it stores both links and $(logged 'FDSTORE=1\|FDNAME=map[0-9]+-vxp_') maps"
	# svcman, as systemd, drops a stored fd that polls POLLERR unless
	# FDPOLL=0 came with it: a BPF map does
	dropped=$(sed -n 's/^DROPPED //p' "$TB_DIR/svc.log" | tr '\n' ' ')
	[ -z "$dropped" ]
	ok $? "the store keeps them all (none dropped for polling POLLERR)${dropped:+: dropped $dropped}"
	tb_across "$RATE" 6000 forwarded restart
	gapless
	ok $? "a restart under $RATE pps: $(across)"
	grep -q "SPAWN pid=[0-9]* fds=1[0-9]" "$TB_DIR/svc.log" &&
		grep -q "took over the XDP link on ingress interface 'd-in0'" "$TB_DIR/daemon.log" &&
		grep -q "took over the XDP link on egress interface 'd-out0'" "$TB_DIR/daemon.log"
	ok $? "the new daemon got the store back and took both links over"
	! grep -q "does not fit" "$TB_DIR/daemon.log"
	ok $? "every stored map fits the new daemon (the egress device map included)"
	local child
	child=$(pgrep -P "$(sed -n 's/^SPAWN pid=\([0-9]*\).*/\1/p' "$TB_DIR/svc.log" | tail -n 1)" \
		-x vxp-resolver)
	[ -n "$child" ] && [ "$(bpf_fds "$child")" = 0 ]
	ok $? "the new daemon's resolver child holds none of the stored links and maps ($(bpf_fds "$child") BPF fds)"
	diag "$(grep -E '^SPAWN|^EXIT' "$TB_DIR/svc.log")"
	diag "$(grep -E 'took|store|fit|handed|error' "$TB_DIR/daemon.log" | head -n 12)"
	local fwd sent=$SENT
	wait_until 30 tb_grown forwarded "${sent:-0}" 0
	fwd=$(forwarded)
	# both numbers, and the sender's no mere nothing: empty strings would agree
	[ -n "$sent" ] && [ "$sent" -gt 0 ] && [ -n "$fwd" ] && [ "$fwd" = "$sent" ]
	ok $? "the counters carried over: $fwd forwarded in all, by both daemons, of $sent sent"
	local hits
	hits=$(cli nat --json 2>/dev/null |
		sed -n 's/.*"source": "[^"]*nat.conf:2", "to": "[^"]*", "packets": \([0-9]*\).*/\1/p')
	[ -n "$hits" ] && [ "$hits" = "$sent" ]
	ok $? "so did the UDP rule's own count (its slot read back from the stored table): $hits of $sent"
	tb_across "$RATE" 6000 forwarded kill9
	gapless
	ok $? "kill -9 and a restart: $(across)"
	stop_service
	! tb_dut ip -d link show d-in0 | grep -q 'prog/xdp' &&
		! tb_dut ip -d link show d-out0 | grep -q 'prog/xdp'
	ok $? "stop empties the store: no XDP program left on either interface"
}

# The control: the same restart with nothing kept. The receiver must see
# the gap, as lost sequence numbers, or the checks above could not see one.
test_without_store() {
	start_service --no-store
	# packets are lost: the receiver is stopped 10 s after the sender, not
	# once it has read all that was sent
	TB_ACROSS_SETTLE=10 tb_across "$RATE" 6000 forwarded restart
	[ "$FLOWED" = 0 ] && [ "$(got lost)" -gt 0 ]
	ok $? "without the store the same restart loses packets, and the receiver sees the gap: $(across)"
	stop_service
}

test_unfit_map() {
	# a bpffs of its own: ip netns exec mounts a /sys without /sys/fs/bpf
	local pin=$TB_DIR/bpffs/stats abi
	mkdir -p "$TB_DIR/bpffs" && mount -t bpf bpf "$TB_DIR/bpffs"
	abi=$(vxp_define VXP_ABI_VERSION)
	bpftool map create "$pin" type percpu_array key 4 value 8 entries 1 name vxp_stats
	start_service --preload "map$abi-vxp_stats=$pin"
	ok $? "a stored vxp_stats of another layout: the daemon still starts"
	rm -f "$pin"
	umount "$TB_DIR/bpffs"
	grep -q "the previous daemon's map 'vxp_stats' does not fit this program: a new one replaces it, and the counters start again from zero" \
		"$TB_DIR/daemon.log"
	ok $? "and says what replacing it costs"
	diag "$(grep -E 'previous|handed' "$TB_DIR/daemon.log")"
	stop_service
}

# What an older daemon stored under a name this one does not use (an older
# ABI's map, say) is removed from the store, not kept until stop.
test_stale_name() {
	local pin=$TB_DIR/bpffs/gone stored
	mkdir -p "$TB_DIR/bpffs" && mount -t bpf bpf "$TB_DIR/bpffs"
	bpftool map create "$pin" type array key 4 value 4 entries 1 name vxp_gone
	start_service --preload "map0-vxp_gone=$pin"
	ok $? "a name no daemon of this version stores, in the store: the daemon starts"
	rm -f "$pin"
	umount "$TB_DIR/bpffs"
	[ "$(logged '^FDSTOREREMOVE=1\|FDNAME=map0-vxp_gone$')" = 1 ]
	ok $? "it is removed from the store (FDSTOREREMOVE=1, FDNAME=map0-vxp_gone)"
	stored=$(grep -E '^FDSTORE=1\|FDNAME=' "$TB_DIR/svc.log" | sort -u | wc -l)
	restart
	[ "$stored" -gt 0 ] &&
		[ "$(sed -n 's/^SPAWN pid=[0-9]* fds=\([0-9]*\).*/\1/p' "$TB_DIR/svc.log" | tail -n 1)" = "$stored" ]
	ok $? "the next daemon gets back the $stored fds this one stored, and nothing more"
	diag "$(grep -E '^SPAWN|removed' "$TB_DIR/svc.log" "$TB_DIR/daemon.log")"
	stop_service
}

# filtered: the packets counted vxlan_filtered so far, or nothing while no
# daemon answers
filtered() {
	cli stats --json 2>/dev/null |
		sed -n 's/.*"vxlan_filtered": {"result": "pass", "packets": \([0-9]*\).*/\1/p'
}
send_vni() { # send_vni VNI: 100 VXLAN packets with VNI through the UDP sender
	tb_src "$BUILD/src/vxlan-trafficgen" --dst 10.100.0.1 --vni "$1" --rate 2000 --count 100 \
		-q >/dev/null
}

# A VNI removed from the configuration before a restart: the new daemon takes
# the VNI map over from the store, and must clear what the configuration no
# longer lists, not only set what it does. Counts are waited for, 30 s at
# most: a VNI still taken would never be counted filtered.
test_vni_removed() {
	local f0 f1 x0 x1
	start_service
	ok $? "VNIs: the daemon starts with VNIs 1 and 42"
	f0=$(tb_count_of forwarded)
	send_vni 42
	wait_until 30 tb_grown forwarded "$f0" 100
	f1=$(forwarded)
	[ "$((f1 - f0))" = 100 ]
	ok $? "VNI 42 is decapsulated and forwarded: $((f1 - f0)) of 100"
	sed -i 's/^vni = .*/vni = [ 1, 7 ];/' "$TB_DIR/conf/pipeline.conf"
	restart
	ok $? "VNI 42 removed from the configuration, VNI 7 added: the restart is READY"
	x0=$(tb_count_of filtered)
	send_vni 42
	wait_until 30 tb_grown filtered "$x0" 100
	x1=$(filtered)
	f0=$(forwarded)
	[ "$((x1 - x0))" = 100 ] && [ "$f0" = "$f1" ]
	ok $? "after it VNI 42 is filtered: $((x1 - x0)) of 100 filtered, $((f0 - f1)) forwarded"
	send_vni 7
	wait_until 30 tb_grown forwarded "$f0" 100
	f1=$(forwarded)
	[ "$((f1 - f0))" = 100 ]
	ok $? "and VNI 7 is taken: $((f1 - f0)) of 100 forwarded"
	stop_service
	sed -i 's/^vni = .*/vni = [ 1, 42 ];/' "$TB_DIR/conf/pipeline.conf"
}

test_restart
test_vni_removed
test_without_store
test_unfit_map
test_stale_name
tap_done
