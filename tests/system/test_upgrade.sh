#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install, upgrade, downgrade and purge as a fleet does them, in a booted
# Debian 12 container in the testbed's dut namespace. Two .debs of this tree:
# its own version N and N+upgrade1. A first install of N is "not configured"
# (skipped, not failed, nothing attached); the operator edits both conffiles
# and starts it; apt-get install of N+1 while 2000 pps flow keeps the edited
# files, restarts the service through systemd's fd store, loses no packet
# (sequence numbers at the collector) and runs N+1; a downgrade to N does the
# same; remove stops and detaches and keeps the conffiles; purge removes them.
# shellcheck disable=SC2016 # dpkg-query's formats are not shell expansions
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${VXP_BUILD_DIR:-$SRC/build}
TB_BUILD=$BUILD
# shellcheck source=tests/netns/lib.sh
. "$SRC/tests/netns/lib.sh"
# shellcheck source=tests/system/lib.sh
. "$SRC/tests/system/lib.sh"

require_root "the upgrade test"
require_tools debootstrap systemd-nspawn dpkg-buildpackage autoreconf curl
sys_lock

V0=$(sed -n 's/^AC_INIT(\[vxlan-pipeline\], \[\([^]]*\)\].*/\1/p' "$SRC/configure.ac")
V1=$V0+upgrade1
DEB0=$(sys_build_deb "$TB_DIR/pkg0") || { echo "$DEB0"; exit 1; }
DEB1=$(sys_build_deb "$TB_DIR/pkg1" "$V1") || { echo "$DEB1"; exit 1; }
[ "$(dpkg-deb -f "$DEB0" Version)" = "$V0" ] && [ "$(dpkg-deb -f "$DEB1" Version)" = "$V1" ] &&
	dpkg --compare-versions "$V1" gt "$V0"
ok $? "two .debs of this tree: $V0 and $V1"
sys_root "$DEB0"
require_topology
sys_boot "$TB_DIR/root" || { tap_done; exit 1; }
cp "$DEB0" "$DEB1" "$ROOT/root/"
ETC=$ROOT/etc/vxlan-pipeline

apt() { ct env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@"; }
json() { sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$TB_DIR/$1.json"; }
metric_version() { # the version /metrics says runs
	tb_src curl -s -m 3 http://10.100.0.1:9464/metrics |
		sed -n 's/^vxlan_pipeline_build_info{version="\([^"]*\)"} 1$/\1/p'
}
# the daemon's forwarded count from /metrics, or nothing while it cannot say
forwarded() {
	tb_src curl -s -m 10 http://10.100.0.1:9464/metrics |
		awk '$1 == "vxlan_pipeline_packets_total{result=\"redirect\",reason=\"forwarded\"}" { print $2 }'
}
takeovers() { ct journalctl -u vxlan-pipeline --no-pager | grep -c "took over the XDP link on ingress interface 'd-in0'"; }

test_first_install() {
	apt install "/root/$(basename "$DEB0")" >"$TB_DIR/apt0.log" 2>&1
	ok $? "first install: apt-get install ./$(basename "$DEB0")"
	ct journalctl -u vxlan-pipeline --no-pager >"$TB_DIR/journal0.txt"
	[ "$(ct systemctl is-active vxlan-pipeline)" = inactive ] && ! ct systemctl is-failed -q vxlan-pipeline &&
		grep -q "vxlan-pipeline is not configured: no ingress in /etc/vxlan-pipeline/\*.conf" "$TB_DIR/journal0.txt"
	ok $? "first install: the start is skipped as not configured (inactive, not failed), the journal says why"
	diag "$(grep -m 2 -e 'not configured' -e 'Skipped' "$TB_DIR/journal0.txt")"
	ct systemctl is-enabled -q vxlan-pipeline && [ -z "$(sys_xdp_left)" ]
	ok $? "first install: enabled for the next boot, and no XDP program attached anywhere"
	grep -q '^unmatched = "drop";$' "$ETC/pipeline.conf" &&
		[ -f "$ROOT/usr/share/vxlan-pipeline/monitoring/vxlan-pipeline.rules.yml" ]
	ok $? "first install: unmatched = \"drop\" as shipped; the monitoring files under /usr/share/vxlan-pipeline"
}

# The operator edits the shipped files in place, as the comments in them say.
test_configure() {
	sed -i -e 's/^#ingress = "ens5";$/ingress = "d-in0";/' -e 's/^#egress = "ens6";$/egress = "d-out0";/' \
		-e 's/^xdp_mode = .*/xdp_mode = "native";/' -e 's/^vni = .*/vni = [ 42 ];/' \
		-e 's/^stats_interval = .*/stats_interval = 1;/' \
		-e 's/^metrics_listen = .*/metrics_listen = "10.100.0.1:9464";/' "$ETC/pipeline.conf"
	sed -i 's|^\t#{ proto = "udp"; src_port = 42844; to = "10.2.41.17:8081"; }$|\t{ proto = "udp"; dst_port = 5000; to = "10.200.0.2:6000"; }|' \
		"$ETC/nat.conf"
	grep -q '^ingress = "d-in0";$' "$ETC/pipeline.conf" &&
		grep -q 'dst_port = 5000; to = "10.200.0.2:6000"' "$ETC/nat.conf" &&
		ct vxlan-pipelined --check-config >"$TB_DIR/check.txt" 2>&1
	ok $? "the operator uncomments ingress, egress and the example rule: --check-config accepts them"
	diag "$(cat "$TB_DIR/check.txt")"
	cp "$ETC/pipeline.conf" "$TB_DIR/pipeline.edited"
	cp "$ETC/nat.conf" "$TB_DIR/nat.edited"
	# the unit talks to loopback alone; /metrics from the generator's side
	mkdir -p "$ROOT/etc/systemd/system/vxlan-pipeline.service.d"
	printf '[Service]\nIPAddressAllow=10.100.0.0/24\n' \
		>"$ROOT/etc/systemd/system/vxlan-pipeline.service.d/50-testbed.conf"
	ct systemctl daemon-reload
	ct systemctl start vxlan-pipeline && [ "$(ct systemctl is-active vxlan-pipeline)" = active ]
	ok $? "systemctl start: active"
	[ "$(tb_through 1000)" = 1000 ]
	ok $? "1000 packets NATed to 10.200.0.2:6000 and received ($(json recv-6000 received))"
}

# apt-get install VERSION-DEB WHAT [APT OPTIONS]: while 2000 pps flow from the
# generator to the collector, with traffic on both sides of it by count
# (tb_across); then the traffic stops and is counted
change_under_traffic() {
	local deb=$1 what=$2 pid0 pid1 took0
	shift 2
	pid0=$(ct systemctl show -P MainPID vxlan-pipeline)
	took0=$(takeovers)
	tb_across 2000 6000 forwarded apt_logged "$what" "$@" "/root/$(basename "$deb")"
	ok "$ACTED" "$what: apt-get install ./$(basename "$deb") while 2000 pps flow"
	diag "$(grep -iE 'conffile|warning|error' "$TB_DIR/apt-$what.log")"
	[ "$FLOWED" = 0 ]
	ok $? "$what: the traffic flowed before, during and after it (500 forwarded before, 1000 after)"
	local received lost dup
	received=$(json across-6000 received)
	lost=$(json across-6000 lost)
	dup=$(json across-6000 duplicated)
	[ -n "$SENT" ] && [ "$SENT" -gt 1500 ] && [ "$received" = "$SENT" ] && [ "$lost" = 0 ] && [ "$dup" = 0 ]
	ok $? "$what: $SENT sent, $received received, ${lost:-?} lost by sequence numbers, ${dup:-?} duplicated"
	pid1=$(ct systemctl show -P MainPID vxlan-pipeline)
	[ "$(ct systemctl is-active vxlan-pipeline)" = active ] && [ "$pid1" != "$pid0" ] && [ "$pid1" != 0 ] &&
		[ "$(takeovers)" -gt "$took0" ]
	ok $? "$what: the service restarted (PID $pid0, then $pid1) and took the link over from the fd store"
}
apt_logged() { # apt_logged WHAT APT-GET-INSTALL-ARGS...: its output in apt-WHAT.log
	local what=$1
	shift
	apt install "$@" >"$TB_DIR/apt-$what.log" 2>&1
}

test_upgrade() {
	change_under_traffic "$DEB1" upgrade
	[ "$(ct dpkg-query -W -f '${Version}' vxlan-pipeline)" = "$V1" ] &&
		[ "$(ct vxlan-pipelined --version | head -n 1)" = "vxlan-pipelined $V1" ] &&
		[ "$(metric_version)" = "$V1" ]
	ok $? "upgrade: $V1 installed and running (/metrics: $(metric_version))"
	cmp -s "$ETC/nat.conf" "$TB_DIR/nat.edited" && cmp -s "$ETC/pipeline.conf" "$TB_DIR/pipeline.edited" &&
		[ -z "$(find "$ETC" -mindepth 1 ! -name '*.conf')" ]
	ok $? "upgrade: the edited nat.conf and pipeline.conf are kept, no .dpkg-dist beside them ($(cd "$ETC" && echo *))"
}

test_downgrade() {
	change_under_traffic "$DEB0" downgrade --allow-downgrades
	[ "$(ct dpkg-query -W -f '${Version}' vxlan-pipeline)" = "$V0" ] && [ "$(metric_version)" = "$V0" ]
	ok $? "downgrade: $V0 installed and running again (/metrics: $(metric_version))"
	cmp -s "$ETC/nat.conf" "$TB_DIR/nat.edited"
	ok $? "downgrade: the edited nat.conf is kept"
}

test_remove_and_purge() {
	apt remove vxlan-pipeline >"$TB_DIR/remove.log" 2>&1
	ok $? "apt-get remove vxlan-pipeline"
	local left
	left=$(sys_xdp_left)
	[ -z "$left" ] && [ "$(ct systemctl is-active vxlan-pipeline)" != active ]
	ok $? "remove: the service is stopped and no XDP program is left${left:+: $left}"
	[ "$(ct dpkg-query -W -f '${db:Status-Abbrev}' vxlan-pipeline)" = "rc " ] &&
		cmp -s "$ETC/nat.conf" "$TB_DIR/nat.edited" && [ ! -e "$ROOT/usr/sbin/vxlan-pipelined" ]
	ok $? "remove: the program is gone, the edited conffiles stay (dpkg: rc)"
	apt purge vxlan-pipeline >"$TB_DIR/purge.log" 2>&1
	ok $? "apt-get purge vxlan-pipeline"
	left=$(cd "$ROOT" && ls -d etc/vxlan-pipeline lib/systemd/system/vxlan-pipeline.service \
		usr/share/vxlan-pipeline var/lib/dpkg/info/vxlan-pipeline.* 2>/dev/null)
	[ -z "$left" ] && ! ct dpkg-query -W vxlan-pipeline >/dev/null 2>&1
	ok $? "purge: the conffiles, edited or not, and everything else are gone${left:+: $left}"
	ct getent passwd vxlan-pipeline >/dev/null
	ok $? "purge: the system user stays (Debian removes no system user)"
}

test_first_install
test_configure
test_upgrade
test_downgrade
test_remove_and_purge
sys_poweroff
tap_done
