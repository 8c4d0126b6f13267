#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vxlan-trafficgen's frames, decoded by an independent decoder (tshark) from
# the pcap the generator writes: headers, VNI, sizes, flows, the outer source
# port per flow, payload sequence numbers, and every checksum validated.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
TG=$BUILD/src/vxlan-trafficgen
TMP=$(mktemp -d /tmp/vxp-tgpcap.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

if ! command -v tshark >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "Bail out! tshark is missing (scripts/install-deps.sh installs it)"
		exit 1
	fi
	echo "1..0 # SKIP tshark is not installed"
	exit 0
fi

# decode FILE FIELDS...: one line per frame, checksums validated
decode() {
	local f=$1 args=()
	shift
	for field in "$@"; do args+=(-e "$field"); done
	tshark -r "$f" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o tcp.check_checksum:TRUE -T fields -E separator=' ' -E occurrence=a -E aggregator=' ' \
		"${args[@]}" 2>/dev/null
}

# check NAME "GENERATOR OPTIONS" FLOWS SIZE: 3 packets a flow
check() {
	local name=$1 opts=$2 flows=$3 size=$4 f="$TMP/$1.pcap" frames bad sports
	# shellcheck disable=SC2086 # options are words
	"$TG" --pcap "$f" $opts --flows "$flows" --size "$size" --count $((flows * 3)) -q >/dev/null
	ok $? "$name: written"
	frames=$(decode "$f" frame.number | wc -l)
	[ "$frames" = $((flows * 3)) ]
	ok $? "$name: tshark reads $frames frames"
	bad=$(decode "$f" _ws.expert.message | grep -ciE 'bad|incorrect|malformed|wrong')
	[ "$bad" = 0 ]
	ok $? "$name: every IP, UDP and TCP checksum validates ($bad complaints)"
	# every flow keeps its outer source port, and flows spread over ports
	sports=$(decode "$f" udp.srcport | awk '{print $1}' | sort -u | wc -l)
	case $opts in
	*--plain*) [ "$sports" = "$flows" ] ;;
	*) [ "$sports" -ge $((flows / 2)) ] && [ "$sports" -le "$flows" ] ;;
	esac
	ok $? "$name: $sports distinct outer source ports for $flows flows"
}

check v4-in-v4-udp "--dst 10.0.0.1 --vni 42" 8 64
check v6-in-v4-udp "--dst 10.0.0.1 --inner-src [fd01::1]:40000 --inner-dst [fd02::1]:5000" 5 200
check v4-in-v6-tcp "--dst [fd00::1] --src fd00::2 --tcp" 4 1400
check v6-in-v6-tcp "--dst [fd00::1] --src fd00::2 --inner-src [fd01::1]:40000 --inner-dst [fd02::1]:5000 --tcp" 3 100
check plain-udp "--dst 10.0.0.9:6000 --plain" 6 128

# the fields, one frame at a time, for the first configuration
f="$TMP/v4-in-v4-udp.pcap"
read -r vni_count < <(decode "$f" vxlan.vni | grep -c '^42$')
[ "$vni_count" = 24 ]
ok $? "VNI 42 in every frame"
lens=$(decode "$f" ip.len | awk '{print $2}' | sort -u)
[ "$lens" = 64 ]
ok $? "inner IPv4 total length is --size 64"
ports=$(decode "$f" udp.srcport udp.dstport | awk 'NR<=8 {print $2, $4}' | tr '\n' ' ')
[ "$ports" = "40000 5000 40001 5000 40002 5000 40003 5000 40004 5000 40005 5000 40006 5000 40007 5000 " ]
ok $? "flows vary the inner source port from 40000: $ports"
dst=$(decode "$f" ip.dst udp.dstport | awk 'NR==1 {print $1, $3}')
[ "$dst" = "10.0.0.1 4789" ]
ok $? "outer destination 10.0.0.1, UDP port 4789"
# payload: magic "VT", flow, seq; flow 0's frames are 1, 9, 17: seq 0, 1, 2
seqs=$(decode "$f" data.data | awk 'NR==1 || NR==9 || NR==17 {print substr($1, 1, 16)}' | tr '\n' ' ')
[ "$seqs" = "5654000000000000 5654000000000001 5654000000000002 " ]
ok $? "payload: magic, flow 0, sequence 0, 1, 2 ($seqs)"
tap_done
