#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The package as a user meets it: a Debian 12 root (debootstrap, cached) booted
# with systemd-nspawn, systemd as PID 1, in the testbed's middle namespace, so
# the generator and the collector are on either side of it. apt installs the
# freshly built .deb; then systemctl start, traffic NATed and forwarded (inner
# IPv6 too, with the IPv6 settings the unit makes), a
# reload under traffic that loses nothing, a broken nat.conf that the reload
# refuses, a restart under traffic without a gap and with the same maps, so
# the counters and the NAT table carry over (and a stop and start, which has
# a gap), a hung daemon killed by the watchdog and restarted likewise,
# the stats in the journal, stop detaching, and apt purge. Traffic is at a
# modest rate; the restart under 500 kpps is a figure of make bench.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${VXP_BUILD_DIR:-$SRC/build}
TB_BUILD=$BUILD
# shellcheck source=tests/netns/lib.sh
. "$SRC/tests/netns/lib.sh"
TG=$BUILD/src/vxlan-trafficgen
CACHE=${VXP_SYSTEM_CACHE:-/var/cache/vxlan-pipeline-tests}

require_root "the booted-systemd system test"
# one booted-systemd test at a time (tests/system/lib.sh's sys_lock)
exec 8>>"${VXP_SYSTEM_LOCK:-/tmp/vxlan-pipeline-system-tests.lock}" && flock 8
require_tools debootstrap systemd-nspawn dpkg-buildpackage bpftool

# the package, built from make dist as Debian builds it
if ! "$SRC/scripts/build-packages.sh" deb "$TB_DIR/pkgs" >"$TB_DIR/build.log" 2>&1; then
	echo "Bail out! building the .deb failed: $(tail -n 5 "$TB_DIR/build.log")"
	exit 1
fi
DEB=$(ls "$TB_DIR"/pkgs/vxlan-pipeline_*.deb)

# the root, once; then the package's dependencies in it (from the mirror, with
# this machine's network, before it boots without one)
if ! "$SRC/tests/system/mkroot.sh" "$CACHE/bookworm" >"$TB_DIR/mkroot.log" 2>&1; then
	echo "Bail out! debootstrap failed: $(tail -n 5 "$TB_DIR/mkroot.log")"
	exit 1
fi
deps=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/[(|].*//; s/ //g' | grep -v '^$' | tr '\n' ' ')
missing=$(cd "$CACHE/bookworm" && for d in $deps; do
	chroot . dpkg-query -W -f '${Status}\n' "$d" 2>/dev/null | grep -q '^install ok installed' ||
		printf '%s ' "$d"
done)
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086 # a list of package names
	systemd-nspawn -q -D "$CACHE/bookworm" --register=no --keep-unit --pipe sh -c \
		"apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing" \
		>"$TB_DIR/deps.log" 2>&1 ||
		{ echo "Bail out! installing $missing in the root failed: $(tail -n 5 "$TB_DIR/deps.log")"; exit 1; }
fi

require_topology
ROOT=$TB_DIR/root
cp -a --reflink=auto "$CACHE/bookworm" "$ROOT"
cp "$DEB" "$ROOT/root/"

# boot, in the testbed's dut namespace; BPF and XDP need these capabilities,
# and /proc/sys/net writable, as a host's own network stack has it (nspawn
# leaves it read-only in a namespace it did not make), for the package's
# sysctl settings
SYSTEMD_NSPAWN_API_VFS_WRITABLE=network \
	systemd-nspawn -q -D "$ROOT" --boot --register=no --keep-unit --console=passive \
	--network-namespace-path="/run/netns/$TB_DUT" \
	--capability=CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN,CAP_SYS_ADMIN \
	--system-call-filter=bpf >"$TB_DIR/nspawn.log" 2>&1 &
NSPAWN=$!
tb_track $NSPAWN
# the container's PID 1: the descendant of nspawn that runs systemd
leader() {
	local p c
	for p in $(pgrep -P "$NSPAWN") $(pgrep -P "$(pgrep -P "$NSPAWN" | head -n 1)" 2>/dev/null); do
		c=$(cat "/proc/$p/comm" 2>/dev/null)
		[ "$c" = systemd ] && { echo "$p"; return 0; }
	done
	return 1
}
for _ in $(seq 300); do LEADER=$(leader) && break; sleep 0.2; done
ct() { nsenter -t "$LEADER" -m -u -i -n -p -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
# until systemd's bus is up, systemctl prints nothing; 120 s at most
state=""
deadline=$((SECONDS + 120))
while [ $SECONDS -lt $deadline ]; do
	state=$(ct timeout 60 systemctl is-system-running --wait 2>/dev/null)
	[ -n "$state" ] && [ "$state" != offline ] && break
	sleep 1
done
# running, nothing failed: a degraded boot hides whatever broke, and no unit
# of this root is known to fail
[ "$state" = running ]
ok $? "the container boots: systemd says '$state'"
[ "$state" = running ] || diag "failed units: $(ct systemctl --failed --no-legend 2>&1)"

test_install() {
	ct env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/root/$(basename "$DEB")" \
		>"$TB_DIR/apt.log" 2>&1
	ok $? "apt-get install ./$(basename "$DEB")"
	ct getent passwd vxlan-pipeline >/dev/null && ct systemctl is-enabled -q vxlan-pipeline
	ok $? "the vxlan-pipeline user exists and the unit is enabled"
	[ -f "$ROOT/etc/vxlan-pipeline/pipeline.conf" ] && [ -f "$ROOT/usr/share/man/man8/vxlan-pipelined.8.gz" ]
	ok $? "configuration and man pages in place"
	# the shipped configuration sets no interface: the start on install is
	# skipped as not configured, not failed (tests/system/test_upgrade.sh)
	ct journalctl -u vxlan-pipeline --no-pager >"$TB_DIR/journal0.txt"
	grep -q "vxlan-pipeline is not configured: no ingress in /etc/vxlan-pipeline/\*.conf" \
		"$TB_DIR/journal0.txt" && [ "$(ct systemctl is-active vxlan-pipeline)" = inactive ] &&
		! ct systemctl is-failed -q vxlan-pipeline
	ok $? "the start on install is skipped as not configured (inactive, not failed), and says so in the journal"
}

# The unit as the booted systemd loads it from the package (not a copy of the
# built one, as tests/unit/test_systemd_unit.sh reads offline): its exposure
# as shipped, 1.5 or lower; what each setting still open buys is in the
# unit's comment. The exposure with a drop-in that opens IPAddressAllow= to
# a load balancer's range, as the deployment writes one, is shown.
exposure() { # exposure: systemd-analyze security's overall figure
	ct systemd-analyze security --no-pager vxlan-pipeline.service >"$TB_DIR/security.txt" 2>&1
	sed -n 's/.*Overall exposure level for vxlan-pipeline.service: \([0-9.]*\).*/\1/p' \
		"$TB_DIR/security.txt"
}
test_exposure() {
	local score
	score=$(exposure)
	[ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 1.5) }'
	ok $? "systemd-analyze security in the booted container: exposure ${score:-unknown} as shipped (1.5 or lower)"
	diag "what stays exposed: $(grep '^✗' "$TB_DIR/security.txt" | sed 's/  */ /g')"
}

conf() { # conf NAT_PORT: the container's configuration for the testbed
	cat >"$ROOT/etc/vxlan-pipeline/pipeline.conf" <<-EOF
		ingress = "d-in0";
		egress = "d-out0";
		xdp_mode = "native";
		vni = [ 42 ];
		stats_interval = 1;
		metrics_listen = "10.100.0.1:9464";
	EOF
	cat >"$ROOT/etc/vxlan-pipeline/nat.conf" <<-EOF
		nat = ( { proto = "udp"; dst_port = 5000; to = "10.200.0.2:$1"; } );
	EOF
}

received() { sed -n 's/.*"received": \([0-9]*\).*/\1/p' "$TB_DIR/recv-$1.json"; }
# the daemon's forwarded count from /metrics, or nothing while it cannot say
forwarded() {
	tb_src curl -s -m 10 http://10.100.0.1:9464/metrics |
		awk '$1 == "vxlan_pipeline_packets_total{result=\"redirect\",reason=\"forwarded\"}" { print $2 }'
}

# the NAT rule to TARGET's count of matched packets from /metrics, or
# nothing while the daemon cannot say
rule_packets() {
	tb_src curl -s -m 10 http://10.100.0.1:9464/metrics |
		awk -v t="to=\"$1\"}" 'index($1, "vxlan_pipeline_nat_rule_packets_total{") == 1 &&
			index($0, t) { print $NF }'
}
rule_6001() { rule_packets 10.200.0.2:6001; }

# prog_maps: the id of the program on d-in0, then its maps as NAME=ID, as the
# kernel reports them (bpftool), not as the daemon does
prog_maps() {
	local prog m
	prog=$(tb_dut ip -details link show d-in0 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	[ -n "$prog" ] || return 1
	echo "prog=$prog"
	for m in $(bpftool prog show id "$prog" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr , ' '); do
		bpftool map show id "$m" | sed -n "s/^$m: .*  name \(vxp_[a-z0-9_]*\) .*/\1=$m/p"
	done | sort
}
# maps_kept BEFORE AFTER: another program, with the very maps of BEFORE
# (the same kernel ids), among them the counters and the NAT table
maps_kept() {
	local m
	[ "$(echo "$1" | head -n 1)" != "$(echo "$2" | head -n 1)" ] || return 1
	[ "$(echo "$1" | tail -n +2)" = "$(echo "$2" | tail -n +2)" ] || return 1
	for m in vxp_stats vxp_rules vxp_nat; do
		echo "$2" | grep -q "^$m=" || return 1
	done
}
words() { echo "$1" | tr '\n' ' '; }

healthz_from_src() { tb_src curl -s -m 10 -o /dev/null -w '%{http_code}' http://10.100.0.1:9464/healthz; }

# The unit lets the daemon's sockets talk to loopback alone (IPAddressAllow=):
# a metrics_listen others must reach needs their addresses in a drop-in, as
# the documentation and the deployment's setup script say.
test_addresses() {
	local code
	conf 6000
	ct systemctl restart vxlan-pipeline
	code=$(healthz_from_src)
	[ "$(ct systemctl is-active vxlan-pipeline)" = active ] && [ "$code" = 000 ]
	ok $? "the unit as shipped: /healthz from 10.100.0.2 gets no answer (loopback only: $code)"
	mkdir -p "$ROOT/etc/systemd/system/vxlan-pipeline.service.d"
	printf '[Service]\nIPAddressAllow=10.100.0.0/24\n' \
		>"$ROOT/etc/systemd/system/vxlan-pipeline.service.d/50-testbed.conf"
	ct systemctl daemon-reload
	ct systemctl restart vxlan-pipeline
	code=$(healthz_from_src)
	[ "$code" = 200 ]
	ok $? "with IPAddressAllow=10.100.0.0/24 in a drop-in: 200"
	diag "exposure with that drop-in: $(exposure)"
}

test_start_and_forward() {
	local rc
	conf 6000
	ct systemctl restart vxlan-pipeline
	rc=$?
	ok $rc "systemctl restart with the testbed's interfaces"
	[ $rc = 0 ] || diag "$(ct journalctl -u vxlan-pipeline --no-pager -n 20)"
	[ "$(ct systemctl is-active vxlan-pipeline)" = active ]
	ok $? "the unit is active"
	[ "$(tb_through 1000 6000)" = 1000 ]
	ok $? "1000 packets NATed to 10.200.0.2:6000 and received ($(received 6000))"
	ct vxlan-pipeline status >"$TB_DIR/status.txt"
	ok $? "vxlan-pipeline status in the container: $(head -n 1 "$TB_DIR/status.txt")"
	ct sh -c 'grep -qE "^Uid:[[:space:]]+$(id -u vxlan-pipeline)[[:space:]]" /proc/$(systemctl show -P MainPID vxlan-pipeline)/status'
	ok $? "the daemon runs as the vxlan-pipeline user"
	# what this kernel needs for a map update through an open fd, found by
	# the test itself: the same kernel as the container's
	local need keep
	need=$("$BUILD/tests/netns/flowtool" bpf-caps)
	case $need in none) keep=0000000000000000 ;; CAP_BPF) keep=0000008000000000 ;; *) keep=unknown ;; esac
	ct sh -c 'grep -qE "^CapEff:[[:space:]]+'"$keep"'$" /proc/$(systemctl show -P MainPID vxlan-pipeline)/status'
	ok $? "... with only what a map update needs on this kernel left once attached: ${need:-?}"
}

# A default install forwards inner IPv6: the unit turns IPv6 forwarding on
# for the ingress (bpf_fib_lookup checks it there) and accept_ra 1 into 2
# first, so that router advertisements keep the host's own IPv6 routes; the
# package's sysctl file keeps the kernel from sending ICMP redirects.
test_ipv6_and_sysctls() {
	local v
	v=$(ct sysctl -n net.ipv6.conf.d-in0.forwarding net.ipv6.conf.d-in0.accept_ra | tr '\n' ' ')
	[ "$v" = "1 2 " ]
	ok $? "the unit set IPv6 forwarding on d-in0, accept_ra 2 first ($v)"
	v=$(ct sysctl -n net.ipv4.conf.all.send_redirects net.ipv4.conf.d-in0.send_redirects | tr '\n' ' ')
	[ "$v" = "0 0 " ]
	ok $? "no ICMP redirects: send_redirects 0 for all and d-in0 ($v)"
	tb_dut ip -6 addr add fd20::1/64 dev d-out0 nodad &&
		tb_sink ip -6 addr add fd20::2/64 dev k-eth0 nodad &&
		tb_dut ip -6 neigh replace fd20::2 dev d-out0 nud permanent \
			lladdr "$(tb_sink cat /sys/class/net/k-eth0/address)"
	tb_recv 6002 '[fd20::2]'
	tb_src "$TG" --dst 10.100.0.1 --vni 42 --inner-src '[fd10::1]:40000' \
		--inner-dst '[fd20::2]:6002' --rate 5000 --count 500 -q >/dev/null
	tb_recv_end 500 "$RECV"
	[ "$(received 6002)" = 500 ]
	ok $? "inner IPv6 forwarded on a default install: $(received 6002) of 500 received"
}

# A reload to a new target while 5000 pps flow, with traffic on both sides
# of it (by count): each packet goes to the old target or the new one.
test_reload_under_traffic() {
	local a b
	tb_across 5000 6000,6001 forwarded reload_to 6001
	ok "$ACTED" "systemctl reload while 5000 pps flow"
	a=$(tb_across_got 6000 received)
	b=$(tb_across_got 6001 received)
	[ "$FLOWED" = 0 ] && [ $((a + b)) = "$SENT" ] && [ "$b" -gt 0 ] && [ "$a" -gt 0 ]
	ok $? "$SENT sent: $a before the reload, $b after, $((SENT - a - b)) lost"
}
reload_to() { conf "$1" && ct systemctl reload vxlan-pipeline; }

test_broken_reload() {
	cp "$ROOT/etc/vxlan-pipeline/nat.conf" "$TB_DIR/nat.good"
	echo 'nat = ( { proto = "udp"; dst_port = 5000; to = "10.200.0.2:99999"; } );' \
		>"$ROOT/etc/vxlan-pipeline/nat.conf"
	ct systemctl reload vxlan-pipeline 2>"$TB_DIR/reload.err"
	[ $? != 0 ]
	ok $? "a broken nat.conf: systemctl reload fails"
	ct journalctl -u vxlan-pipeline --no-pager -n 20 >"$TB_DIR/journal1.txt"
	grep -q "nat.conf:1" "$TB_DIR/journal1.txt"
	ok $? "the journal names the file and line"
	diag "$(grep 'nat.conf:1' "$TB_DIR/journal1.txt" | head -n 2)"
	[ "$(ct systemctl is-active vxlan-pipeline)" = active ]
	ok $? "the daemon keeps running"
	[ "$(tb_through 500 6001)" = 500 ]
	ok $? "and the old rules stay in force (500 to port 6001)"
	cp "$TB_DIR/nat.good" "$ROOT/etc/vxlan-pipeline/nat.conf"
}

# systemctl restart under 5000 pps in 8 flows to a checking receiver: the
# links and maps wait in systemd's fd store, the new daemon takes them over,
# and no sequence number goes missing. The control, a stop and a start (stop
# empties the store), shows the gap the check would see.
test_restart_under_traffic() {
	local f0 r0 m0
	f0=$(tb_count_of forwarded)
	r0=$(tb_count_of rule_6001)
	m0=$(prog_maps)
	tb_across 5000 6001 forwarded ct systemctl restart vxlan-pipeline
	ok "$ACTED" "systemctl restart while 5000 pps flow"
	[ "$FLOWED" = 0 ] && [ -n "$SENT" ] && [ "$(tb_across_got 6001 received)" = "$SENT" ] &&
		[ "$(tb_across_got 6001 lost)" = 0 ] && [ "$(tb_across_got 6001 duplicated)" = 0 ]
	ok $? "restart under 5000 pps: $(across 6001)"
	ct journalctl -u vxlan-pipeline --no-pager -n 40 >"$TB_DIR/journal2.txt"
	grep -q "took over the XDP link on ingress interface 'd-in0'" "$TB_DIR/journal2.txt"
	ok $? "the new daemon took the link over from systemd's fd store"
	maps_taken_over "$f0" "$r0" "$m0"
	TB_ACROSS_SETTLE=10 tb_across 5000 6001 forwarded stop_start # lossy: see tb_across
	[ "$FLOWED" = 0 ] && [ "$(tb_across_got 6001 lost)" -gt 0 ]
	ok $? "the control, systemctl stop and start: the receiver sees the gap ($(across 6001))"
}
# maps_taken_over F0 R0 MAPS0: the maps came back from the fd store, by what
# the kernel and the counters say: the program on d-in0 is another one with
# the same maps (ids), and the forwarded and the rule's counters went up by
# all that was sent across (SENT), from F0 and R0 read before: fresh maps
# would hold only what came after the restart, less than SENT, not F0 more
maps_taken_over() {
	local f1 r1 m1
	m1=$(prog_maps)
	maps_kept "$3" "$m1"
	ok $? "... the new program uses the previous daemon's maps (bpftool: $(words "$3") -> $(words "$m1"))"
	f1=$(tb_count_of forwarded)
	[ -n "$1" ] && [ -n "$f1" ] && [ -n "$SENT" ] && [ "$f1" = $(($1 + SENT)) ]
	ok $? "... and its counters carry over: forwarded $1 before, $f1 after, $SENT sent across"
	r1=$(tb_count_of rule_6001)
	[ -n "$2" ] && [ -n "$r1" ] && [ -n "$SENT" ] && [ "$r1" = $(($2 + SENT)) ]
	ok $? "... and the NAT table with its rule counters: the rule to :6001 matched $2 before, $r1 after"
}
stop_start() { ct systemctl stop vxlan-pipeline && ct systemctl start vxlan-pipeline; }
across() { # across PORT: the last run, in words
	echo "$SENT sent, $(tb_across_got "$1" received) received, $(tb_across_got "$1" lost) lost by sequence number, $(tb_across_got "$1" duplicated) twice"
}

# The watchdog (WatchdogSec= in the unit): a hung daemon (SIGSTOP) answers
# nothing and sends no WATCHDOG=1; systemd kills it and, Restart=on-failure,
# starts another, which takes the links and maps back from the fd store.
# Meanwhile the XDP program the store holds goes on forwarding: sequence
# numbers at 1000 pps across it show no gap.
main_pid() { ct systemctl show -P MainPID vxlan-pipeline; }
restarted_from() { # restarted_from PID: active again, under another main PID
	local p
	p=$(main_pid)
	[ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$1" ] &&
		[ "$(ct systemctl is-active vxlan-pipeline)" = active ]
}
hang() { # hang PID: SIGSTOP, then until systemd has a new daemon running
	ct kill -STOP "$1" && wait_until 180 restarted_from "$1"
}
test_watchdog() {
	local pid0 n0 pid1 f0 r0 m0
	pid0=$(main_pid)
	n0=$(ct systemctl show -P NRestarts vxlan-pipeline)
	f0=$(tb_count_of forwarded)
	r0=$(tb_count_of rule_6001)
	m0=$(prog_maps)
	tb_across 1000 6001 forwarded hang "$pid0"
	pid1=$(main_pid)
	ok "$ACTED" "a hung daemon (SIGSTOP to pid $pid0): systemd restarts it (now pid $pid1)"
	ct journalctl -u vxlan-pipeline --no-pager -n 60 >"$TB_DIR/journal3.txt"
	grep -q "vxlan-pipeline.service: Watchdog timeout" "$TB_DIR/journal3.txt" &&
		[ "$(ct systemctl show -P NRestarts vxlan-pipeline)" = $((n0 + 1)) ]
	ok $? "... because its watchdog ran out: the journal says so, and NRestarts went up by one"
	diag "$(grep -E 'Watchdog|Main process|Scheduled restart|took over' "$TB_DIR/journal3.txt")"
	grep -q "took over the XDP link on ingress interface 'd-in0'" \
		<(sed -n '/Watchdog timeout/,$p' "$TB_DIR/journal3.txt")
	ok $? "... and the new daemon took the link over from the fd store"
	[ "$FLOWED" = 0 ] && [ -n "$SENT" ] && [ "$(tb_across_got 6001 received)" = "$SENT" ] &&
		[ "$(tb_across_got 6001 lost)" = 0 ] && [ "$(tb_across_got 6001 duplicated)" = 0 ]
	ok $? "forwarding went on while it hung and restarted: $(across 6001)"
	maps_taken_over "$f0" "$r0" "$m0"
}

test_journal() {
	ct journalctl -u vxlan-pipeline -o json --no-pager >"$TB_DIR/journal.json"
	grep -q '"MESSAGE_ID":"8d3c9b6f4e8a4f519c7d9e4f6a8b0c23"' "$TB_DIR/journal.json" &&
		grep '"MESSAGE_ID":"8d3c9b6f4e8a4f519c7d9e4f6a8b0c23"' "$TB_DIR/journal.json" |
		grep -q '"VXP_PPS_FORWARDED"'
	ok $? "journalctl -o json: stats records with their MESSAGE_ID and rate fields"
	grep -q '"MESSAGE_ID":"7c2b8a5e3d9f4e408b6c8d3e5f7a9b12"' "$TB_DIR/journal.json"
	ok $? "... and reload records"
}

test_stop() {
	ct systemctl stop vxlan-pipeline
	ok $? "systemctl stop"
	! tb_dut ip -d link show d-in0 | grep -q 'prog/xdp'
	ok $? "no XDP program left on d-in0"
}

test_purge() {
	ct env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vxlan-pipeline >"$TB_DIR/purge.log" 2>&1
	ok $? "apt-get purge vxlan-pipeline"
	local left
	left=$(cd "$ROOT" && ls -d etc/vxlan-pipeline run/vxlan-pipeline usr/sbin/vxlan-pipeline* \
		lib/systemd/system/vxlan-pipeline.service \
		etc/systemd/system/multi-user.target.wants/vxlan-pipeline.service \
		usr/share/man/man8/vxlan-pipeline* var/lib/dpkg/info/vxlan-pipeline.* 2>/dev/null)
	[ -z "$left" ]
	ok $? "nothing left behind${left:+: $left}"
}

test_install
test_exposure
test_addresses
test_start_and_forward
test_ipv6_and_sysctls
test_reload_under_traffic
test_broken_reload
test_restart_under_traffic
test_watchdog
test_journal
test_stop
test_purge
ct systemctl poweroff >/dev/null 2>&1
for _ in $(seq 50); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.2; done
tap_done
