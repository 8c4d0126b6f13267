#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's first command: installs what is needed, builds, and runs the
# pipeline on its testbed (three network namespaces on this machine, as two
# hosts would be): mirrored traffic from vxlan-trafficgen through
# vxlan-pipelined to a checking receiver, with the live monitor on screen,
# then the generator's and receiver's reports. Cleans up whatever happens.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
RATE=${DEMO_RATE:-20000}
SECONDS_TO_SEND=${DEMO_SECONDS:-10}

bold=""
plain=""
if [ -t 1 ]; then
	bold=$(printf '\033[1m')
	plain=$(printf '\033[0m')
fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: run as root (sudo $0): it installs packages and builds network namespaces" >&2
	exit 77
fi

step "Installing what is missing, and building"
"$top/scripts/install-deps.sh" || exit 1
cd "$top" || exit 1
[ -x ./configure ] || ./autogen.sh >/dev/null || exit 1
mkdir -p build && cd build || exit 1
[ -f Makefile ] || "$top/configure" --quiet || exit 1
make -j"$(nproc)" >/dev/null || { echo "demo.sh: the build failed; run make in build/" >&2; exit 1; }
make -j"$(nproc)" tests/netns/flowtool >/dev/null || exit 1

# run inside the testbed: TB_SRC, TB_DUT, TB_SINK, TB_DIR and TB_BUILD are set
if [ "${1:-}" = --inside ]; then
	TG=$TB_BUILD/src/vxlan-trafficgen
	CLI="$TB_BUILD/src/vxlan-pipeline --socket $TB_DIR/control.sock"
	step "The testbed: src ($TB_SRC) -> dut ($TB_DUT, vxlan-pipelined) -> sink ($TB_SINK)"
	$CLI status
	$CLI nat
	step "Sending: VXLAN VNI 42, 8 flows, 64-byte inner UDP, $RATE pps for $SECONDS_TO_SEND s"
	ip netns exec "$TB_SINK" "$TG" --receive 10.200.0.2:6000 --idle 2 \
		--duration $((SECONDS_TO_SEND + 5)) -q >"$TB_DIR/receiver.txt" &
	receiver=$!
	sleep 0.3
	ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --flows 8 --rate "$RATE" \
		--duration "$SECONDS_TO_SEND" --metrics 10.100.0.1:9464 -q >"$TB_DIR/sender.txt" &
	sender=$!
	step "The live monitor (vxlan-pipeline monitor), every second"
	$CLI monitor --interval 1 --count $((SECONDS_TO_SEND - 2))
	wait "$sender"
	wait "$receiver"
	step "The generator's report, with the pipeline's counters"
	cat "$TB_DIR/sender.txt"
	step "The receiver's report"
	cat "$TB_DIR/receiver.txt"
	step "Done: tearing the testbed down"
	exit 0
fi

TB_BUILD="$top/build" TB_METRICS=0.0.0.0:9464 TB_EXTRA="target_pps = $RATE;" \
	"$top/scripts/testbed.sh" run "$top/scripts/demo.sh" --inside
