# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the network-namespace tests: TAP output and the privileged-test
# rule (skip locally, fail under CI=true), on top of scripts/testbed.sh, which
# builds the namespaces and runs the daemon. Callers set BUILD (the build tree).

TB_BUILD=$BUILD
# shellcheck source=tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
# shellcheck source=scripts/testbed.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/testbed.sh"

# require_topology: the testbed, or a bail-out that says why
require_topology() {
	if ! tb_up >"$TB_DIR/topo.log" 2>&1; then
		echo "Bail out! building the testbed failed: $(tail -n 3 "$TB_DIR/topo.log")"
		exit 1
	fi
}

# vxp_define NAME: the number bpf/vxlan_pipeline.h defines NAME as
vxp_define() {
	sed -n "s/^#define $1[[:space:]]*\([0-9]*\).*/\1/p" \
		"${VXP_TOP_SRCDIR:-$TB_BUILD/..}/bpf/vxlan_pipeline.h"
}

# tb_under_load RATE SINK_PORT ACTION...: VXLAN at RATE pps for 4 s from the
# raw sender, counted by an XDP sink behind the egress (UDP to SINK_PORT);
# ACTION runs 1.5 s in. Sets ACTED (its status), SENT and GOT.
# shellcheck disable=SC2034 # ACTED, SENT and GOT are for the caller
tb_under_load() {
	local rate=$1 port=$2 sink send
	shift 2
	ip netns exec "$TB_SINK" "$TB_BUILD/tests/bench/xdpsink" k-eth0 30 "$port" \
		>"$TB_DIR/sink.json" &
	sink=$!
	tb_track $sink
	for _ in $(seq 50); do grep -q attached "$TB_DIR/sink.json" && break; sleep 0.1; done
	ip netns exec "$TB_SRC" "$TB_BUILD/src/vxlan-trafficgen" --raw s-eth0 --dst 10.100.0.1 \
		--vni 42 --rate "$rate" --duration 4 --flows 8 --json -q >"$TB_DIR/send.json" &
	send=$!
	tb_track $send
	sleep 1.5
	"$@"
	ACTED=$?
	wait "$send"
	sleep 0.5
	kill -TERM "$sink"
	wait "$sink"
	SENT=$(sed -n 's/.*"sent": \([0-9]*\).*/\1/p' "$TB_DIR/send.json")
	GOT=$(sed -n 's/.*"packets": \([0-9]*\).*/\1/p' "$TB_DIR/sink.json")
}
