#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The short fuzzing pass of make check: the harnesses build with clang, ASan
# and UBSan (scripts/fuzz.sh, in build-fuzz/ of the build tree); every input
# in fuzz/regress/ replays without a broken invariant; then each harness
# fuzzes from its seeds for VXP_FUZZ_CHECK_SECONDS (default 20) without a
# crash, a leak or a broken invariant. make fuzz is the long pass.
set -u
SRC=${VXP_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${VXP_BUILD_DIR:-$(pwd)}
SECS=${VXP_FUZZ_CHECK_SECONDS:-20}
# shellcheck source=tests/lib/tap.sh
. "$SRC/tests/lib/tap.sh"
export VXP_FUZZ_BUILD=$BUILD/build-fuzz

# root for the data plane harness; package builds, which run the suite as if
# unprivileged, lack clang's fuzzing runtime among their build dependencies
require_root "the fuzzing pass"

"$SRC/scripts/fuzz.sh" --build-only >"$BUILD/fuzz-build.log" 2>&1
rc=$?
if [ "$rc" = 3 ] && [ "${CI:-}" != true ]; then
	echo "1..0 # SKIP $(grep -m1 'install the runtime' "$BUILD/fuzz-build.log")"
	exit 0
fi
ok "$rc" "the harnesses build with clang, ASan and UBSan, and the seeds are written"
[ "$rc" = 0 ] || { diag "$(tail -n 20 "$BUILD/fuzz-build.log")"; tap_done; exit 1; }

for h in datapath conf cli; do
	mapfile -t inputs < <(find "$SRC/fuzz/regress/$h" -type f 2>/dev/null | sort)
	# the tree ships inputs for both harnesses: none found is a broken
	# checkout or tarball, not a pass
	if [ "${#inputs[@]}" = 0 ]; then
		ok 1 "$h: no regression input in $SRC/fuzz/regress/$h"
		continue
	fi
	"$VXP_FUZZ_BUILD/fuzz/fuzz_$h" "${inputs[@]}" >"$BUILD/fuzz-replay-$h.log" 2>&1
	rc=$?
	ok "$rc" "$h: the ${#inputs[@]} regression inputs replay without a broken invariant"
	[ "$rc" = 0 ] || diag "$(grep -E -A 8 '^=== |ERROR: ' "$BUILD/fuzz-replay-$h.log" | head -n 30)"
done

for h in conf cli datapath; do
	VXP_FUZZ_ONLY=$h "$SRC/scripts/fuzz.sh" "$SECS" >"$BUILD/fuzz-$h.log" 2>&1
	rc=$?
	line=$(grep -E "^$h +(ok|crash)" "$BUILD/fuzz-$h.log" | tail -n 1)
	ok "$rc" "$h: ${SECS}s of fuzzing, no crash (${line:-no summary})"
	[ "$rc" = 0 ] || diag "$(grep -v '^    #' "$BUILD/fuzz-$h.log" | tail -n 30)"
done
tap_done
