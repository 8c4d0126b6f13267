#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The README's test command: installs what is missing, builds in build/, runs
# `make check`, and ends with one line "N passed, N failed, N skipped" for the
# whole suite, after a list of why tests skipped (their TAP SKIP reasons).
# Under CI=true a skipped test counts as failed too: CI runs as root and must
# exercise everything.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build="${BUILD_DIR:-$top/build}"
jobs=$(nproc 2>/dev/null || echo 2)

summary() {
	echo "$1 passed, $2 failed, $3 skipped"
}

die() {
	echo "test.sh: $*" >&2
	summary 0 1 0
	exit 1
}

# skip_reasons: each test file with skipped results, how many, and why (the
# reasons its TAP output gave), one line each
skip_reasons() {
	# (a pipe: trs and log stay in its subshell)
	find . -name '*.trs' | sort | while read -r trs; do
		grep -q '^:test-result: SKIP' "$trs" || continue
		log=${trs%.trs}.log
		printf '  %s (%s): %s\n' "${trs#./}" "$(grep -c '^:test-result: SKIP' "$trs")" \
			"$(sed -n 's/^\(ok\|1\.\.0\)[^#]*# *SKIP:* *//Ip' "$log" | sort | uniq -c |
				sed 's/^ *\([0-9]*\) \(.*\)/\2 (\1)/; s/ (1)$//' | paste -sd ';' |
				sed 's/;/; /g')"
	done | sed 's/\.trs (/ (/; s/: $/: no reason given/'
}

if [ "$(id -u)" = 0 ]; then
	"$top/scripts/install-deps.sh" || die "installing dependencies failed"
else
	echo "test.sh: not root: dependencies not installed, privileged tests will skip" >&2
fi

cd "$top" || die "no source tree at $top"
[ -x ./configure ] || ./autogen.sh || die "autogen.sh failed"
mkdir -p "$build" || die "cannot create $build"
cd "$build" || die "cannot enter $build"
if [ ! -f Makefile ]; then
	"$top/configure" || die "configure failed (see $build/config.log)"
fi
make -j"$jobs" || die "the build failed"

rm -f test-suite.log
make -j"$jobs" check
status=$?

log="$build/test-suite.log"
[ -f "$log" ] || die "make check left no $log"
count() {
	sed -n "s/^# $1: *\([0-9]*\)$/\1/p" "$log" | head -n 1
}
pass=$(count PASS)
skip=$(count SKIP)
fail=$(( $(count FAIL) + $(count ERROR) + $(count XPASS) ))
if [ "${skip:-0}" -gt 0 ]; then
	echo "test.sh: $skip tests skipped:"
	skip_reasons
fi
if [ "${CI:-}" = true ] && [ "${skip:-0}" -gt 0 ]; then
	echo "test.sh: $skip tests skipped under CI=true: counted as failures" >&2
	fail=$((fail + skip))
fi
[ "$status" = 0 ] || [ "$fail" -gt 0 ] || fail=1
summary "${pass:-0}" "$fail" "${skip:-0}"
[ "$fail" = 0 ]
