#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A source build is hardened as the packages are: each binary is a PIE with
# full RELRO (read-only relocations, bound now), a stack canary, fortified
# libc calls and, on x86, objects marked for CET's IBT and shadow stack; configure
# turned on what the compiler supports (config.h says so). Read with
# readelf, not with anything the build computed.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

command -v readelf >/dev/null || { echo "Bail out! readelf is missing (binutils)"; exit 1; }
if ! grep -q '^#define VXP_HARDENED 1$' "$BUILD/config.h"; then
	if [ "${CI:-}" = true ]; then
		echo "Bail out! configured with --disable-hardening, which CI does not test"
		exit 1
	fi
	echo "1..0 # SKIP configured with --disable-hardening"
	exit 0
fi

x86=0
case $(uname -m) in x86_64 | i?86) x86=1 ;; esac
for b in src/vxlan-pipelined src/vxlan-pipeline src/vxlan-trafficgen; do
	f=$BUILD/$b
	name=$(basename "$b")
	if [ ! -x "$f" ]; then
		ok 1 "$name is built"
		continue
	fi
	readelf -h "$f" | grep -q 'Type:[[:space:]]*DYN' && readelf -d "$f" | grep -q 'FLAGS_1.*PIE'
	ok $? "$name: a position-independent executable"
	readelf -lW "$f" | grep -q GNU_RELRO && readelf -d "$f" | grep -qE '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).* NOW'
	ok $? "$name: full RELRO (GNU_RELRO and BIND_NOW)"
	readelf --dyn-syms -W "$f" | grep -q ' __stack_chk_fail'
	ok $? "$name: a stack canary (__stack_chk_fail)"
	readelf --dyn-syms -W "$f" | grep -qE ' __[a-z]+_chk(@|$)'
	ok $? "$name: fortified libc calls ($(readelf --dyn-syms -W "$f" | grep -oE ' __[a-z]+_chk' | sort -u | head -n 3 | xargs))"
done
# CET: the linker keeps the IBT and SHSTK marks only when every input has
# them, and a C library's start files may not (Debian 12's do not); what this
# build compiles must have them, each object of the four libraries the
# binaries are made of
if [ "$x86" = 1 ]; then
	for a in src/libvxp/libvxp.a src/daemon/libdaemon.a src/cli/libcli.a src/trafficgen/libtrafficgen.a; do
		members=$(ar t "$BUILD/$a" 2>/dev/null | wc -l)
		marked=$(readelf -n "$BUILD/$a" 2>/dev/null | grep -c 'x86 feature: IBT, SHSTK')
		[ "$members" -gt 0 ] && [ "$marked" = "$members" ]
		ok $? "$(basename "$a"): $marked of $members objects marked for CET's IBT and SHSTK (-fcf-protection)"
	done
fi
tap_done
