#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vxlan-pipeline preflight in the testbed's middle namespace: all OK for the
# testbed's configuration, then each check made to fail, one at a time, by
# a real condition (an old kernel release by personality, BTF, bpffs and the
# DMI vendor hidden or faked in a private mount namespace, no root, no
# capabilities, a broken file, a bridge as ingress, the default route,
# forwarding off, strict rp_filter, IPv6 forwarding off on the ingress, ICMP
# redirects on for it or for all): that check's line says WARN or FAIL,
# every other line stays OK, and the exit status is the worst (1 a warning,
# 2 a failure). Two checks cannot be made to fail here: the ENA limits need
# an ENA device (tests/unit/test_netdev.c covers them), and map updates need
# no capability on this kernel from 6.5 on (the kernel decides).
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
CLI=$BUILD/src/vxlan-pipeline

require_root "the preflight test"
command -v setarch >/dev/null || { echo "Bail out! setarch is missing (util-linux)"; exit 1; }
require_topology
tb_conf "10.200.0.2:6000"
chmod 755 "$TB_DIR" "$TB_DIR/conf"
tb_dut sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.d-in0.rp_filter=0 net.ipv6.conf.d-in0.forwarding=1 \
	net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.d-in0.send_redirects=0

# preflight SETUP [WRAPPER...]: the command in the dut namespace, in a mount
# namespace of its own where SETUP ran first (ip netns exec makes one, with
# a /sys of the namespace's own, without bpffs); its output in pf.txt, its
# exit status in PF
BPFFS='mount -t bpf bpf /sys/fs/bpf'
preflight() {
	local setup=$1
	shift
	ip netns exec "$TB_DUT" sh -c "$setup"' && exec "$@"' sh "$@" \
		"$CLI" preflight --config-dir "$TB_DIR/conf" >"$TB_DIR/pf.txt" 2>&1
	PF=$?
}
not_ok() { grep -E '^  (WARN|FAIL)  ' "$TB_DIR/pf.txt"; }
# only LEVEL REGEX STATUS WHAT: the one line that is not OK is LEVEL and
# matches REGEX, and the exit status is STATUS
only() {
	[ "$(not_ok | wc -l)" = 1 ] && not_ok | grep -qE "^  $1  $2" && [ "$PF" = "$3" ]
	ok $? "$4: $(not_ok | head -n 1 | sed 's/^ *//'), exit $PF"
	[ "$(not_ok | wc -l)" = 1 ] || diag "$(cat "$TB_DIR/pf.txt")"
}

test_all_ok() {
	preflight "$BPFFS"
	[ "$PF" = 0 ] && [ -z "$(not_ok)" ] && grep -q '^0 failures, 0 warnings$' "$TB_DIR/pf.txt" &&
		[ "$(grep -c '^  OK  ' "$TB_DIR/pf.txt")" -ge 8 ]
	ok $? "the testbed's configuration: every check OK, exit 0"
	diag "$(cat "$TB_DIR/pf.txt")"
}

test_host() {
	preflight "$BPFFS" setarch "$(uname -m)" --uname-2.6
	only FAIL "kernel 2\.6\.[^ ]*: XDP through bpf_link needs 5\.9" 2 "a kernel before 5.9 (uname-2.6 personality)"
	preflight "$BPFFS && mount -t tmpfs none /sys/kernel/btf"
	only WARN "no kernel BTF" 1 "no BTF (/sys/kernel/btf hidden)"
	preflight true
	only WARN "bpffs is not mounted at /sys/fs/bpf" 1 "no bpffs"
	preflight "$BPFFS && mount -t tmpfs none /sys/devices/virtual &&
		mkdir -p /sys/devices/virtual/dmi/id &&
		echo 'Amazon EC2' >/sys/devices/virtual/dmi/id/sys_vendor"
	only WARN "EC2: forwarded packets keep their mirrored source address" 1 "on EC2 (its DMI vendor faked)"
}

test_privileges() {
	preflight "$BPFFS" setpriv --reuid nobody --regid nogroup --clear-groups --inh-caps=-all
	only WARN "not root: the BPF features are not probed" 1 "not root"
	preflight "$BPFFS" setpriv --inh-caps=-all --bounding-set=-all
	only FAIL "XDP programs cannot load" 2 "root without a capability"
}

test_configuration() {
	cp "$TB_DIR/conf/nat.conf" "$TB_DIR/nat.good"
	echo 'nat = ( { proto = "udp"; dst_port = 5000; to = "10.200.0.2:99999"; } );' \
		>"$TB_DIR/conf/nat.conf"
	preflight "$BPFFS"
	only FAIL "$TB_DIR/conf/nat\.conf:1: " 2 "a broken nat.conf"
	cp "$TB_DIR/nat.good" "$TB_DIR/conf/nat.conf"
	tb_dut ip link add br-pf type bridge && tb_dut ip link set br-pf up
	sed -i 's/^ingress = .*/ingress = "br-pf";/' "$TB_DIR/conf/pipeline.conf"
	tb_dut sysctl -qw net.ipv4.conf.br-pf.rp_filter=0 net.ipv6.conf.br-pf.forwarding=1 \
		net.ipv4.conf.br-pf.send_redirects=0
	preflight "$BPFFS"
	only WARN "ingress 'br-pf': driver bridge: no native XDP known" 1 "a bridge as ingress"
	sed -i 's/^ingress = .*/ingress = "d-in0";/' "$TB_DIR/conf/pipeline.conf"
	tb_dut ip link del br-pf
}

test_routes_and_sysctls() {
	tb_dut ip route add default via 10.100.0.2 dev d-in0
	preflight "$BPFFS"
	only FAIL "ingress 'd-in0' carries the default route" 2 "the default route on the ingress"
	echo 'allow_default_route = true;' >>"$TB_DIR/conf/pipeline.conf"
	preflight "$BPFFS"
	only WARN "ingress 'd-in0' carries the default route" 1 "... with allow_default_route = true"
	sed -i '/^allow_default_route/d' "$TB_DIR/conf/pipeline.conf"
	tb_dut ip route del default
	tb_dut sysctl -qw net.ipv4.ip_forward=0
	preflight "$BPFFS"
	only FAIL "net\.ipv4\.ip_forward = 0" 2 "forwarding off"
	tb_dut sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.d-in0.rp_filter=1
	preflight "$BPFFS"
	only WARN "strict rp_filter on 'd-in0'" 1 "strict rp_filter on the ingress"
	tb_dut sysctl -qw net.ipv4.conf.d-in0.rp_filter=0 net.ipv6.conf.d-in0.forwarding=0
	preflight "$BPFFS"
	only WARN "IPv6 forwarding off on 'd-in0': inner IPv6 is dropped" 1 "IPv6 forwarding off on the ingress"
	tb_dut sysctl -qw net.ipv6.conf.d-in0.forwarding=1 net.ipv4.conf.d-in0.send_redirects=1
	preflight "$BPFFS"
	only WARN "'d-in0' may send ICMP redirects" 1 "ICMP redirects on for the ingress"
	# the kernel sends one unless 'all' says no as well
	tb_dut sysctl -qw net.ipv4.conf.d-in0.send_redirects=0 net.ipv4.conf.all.send_redirects=1
	preflight "$BPFFS"
	only WARN "'d-in0' may send ICMP redirects" 1 "... or for all interfaces"
	tb_dut sysctl -qw net.ipv4.conf.all.send_redirects=0
}

test_all_ok
test_host
test_privileges
test_configuration
test_routes_and_sysctls
tap_done
