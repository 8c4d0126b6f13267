#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the libFuzzer harnesses in a clang + sanitizer tree of their own,
# writes the seed corpora, fuzzes each harness for SECONDS (default 60) and
# reports, per harness, executions, exec/s, coverage (libFuzzer's cov: and ft:),
# corpus size and crashes; the last line is a JSON object. Exits 1 on a crash.
#
#   scripts/fuzz.sh [SECONDS]          every harness (the data plane needs root)
#   VXP_FUZZ_ONLY=conf scripts/fuzz.sh only one: conf, cli or datapath
#   VXP_FUZZ_REPLAY=1 scripts/fuzz.sh  run fuzz/regress/ once before fuzzing
#   scripts/fuzz.sh --build-only       the tree, harnesses and seeds, no run
#
# VXP_FUZZ_BUILD is the tree (default: build-fuzz/ in the source tree; make fuzz
# uses build-fuzz/ in its build tree). The corpus grows there across runs, in
# fuzz/corpus/; crashing inputs land in fuzz/crashes/. VXP_FUZZ_TOLERATE names
# data plane invariants known broken (comma-separated) that a long run passes
# over, to look for others.
set -u

SRC=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-60}
BUILD=${VXP_FUZZ_BUILD:-$SRC/build-fuzz}
ONLY=${VXP_FUZZ_ONLY:-}
# ASan and UBSan everywhere; the harnesses link libFuzzer itself (FUZZ_LINK)
FUZZ_CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
-fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"

die() {
	echo "fuzz.sh: $*" >&2
	exit 2
}

# clang's libFuzzer runtime: its own package on Debian since LLVM 14
check_libfuzzer() {
	local major pkg probe

	command -v clang >/dev/null || die "clang not found: apt-get install clang"
	probe=$(mktemp -d) || die "mktemp failed"
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\n%s\n' \
		'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' \
		>"$probe/p.c"
	if ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>"$probe/err"; then
		major=$(clang -dumpversion | cut -d. -f1)
		pkg=libclang-rt-$major-dev
		[ "$major" -lt 14 ] 2>/dev/null && pkg=libclang-common-$major-dev
		echo "fuzz.sh: clang cannot link libFuzzer with ASan and UBSan:" >&2
		tail -n 3 "$probe/err" >&2
		rm -rf "$probe"
		echo "fuzz.sh: install the runtime: apt-get install $pkg" >&2
		exit 3
	fi
	rm -rf "$probe"
}

configure_tree() {
	local stamp="$BUILD/.fuzz-cflags" tree

	mkdir -p "$BUILD" || die "cannot create '$BUILD'"
	# configure refuses a second tree from a source tree configured in
	# place: then the fuzzing tree is configured from a copy of it
	tree=$("$SRC/scripts/source-tree.sh" "$BUILD/src") || die "no source tree to configure from"
	if [ ! -f "$BUILD/Makefile" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$FUZZ_CFLAGS $tree" ]; then
		echo "fuzz.sh: configuring '$BUILD' with clang and sanitizers"
		(cd "$BUILD" && "$tree/configure" -q --prefix=/usr --sysconfdir=/etc \
			--disable-werror CC=clang CFLAGS="$FUZZ_CFLAGS") >"$BUILD/configure.out" 2>&1 ||
			{ tail -n 20 "$BUILD/configure.out" >&2; die "configure failed"; }
		echo "$FUZZ_CFLAGS $tree" >"$stamp"
	fi
	make -s -C "$BUILD" -j"$(nproc)" fuzz-programs >"$BUILD/make.out" 2>&1 ||
		{ tail -n 30 "$BUILD/make.out" >&2; die "building the harnesses failed"; }
}

seeds() {
	rm -rf "$BUILD/fuzz/seeds"
	mkdir -p "$BUILD/fuzz/seeds/cli" "$BUILD/fuzz/corpus/datapath" "$BUILD/fuzz/corpus/conf" \
		"$BUILD/fuzz/corpus/cli" "$BUILD/fuzz/crashes/datapath" "$BUILD/fuzz/crashes/conf" \
		"$BUILD/fuzz/crashes/cli"
	cp "$SRC"/fuzz/cli-seeds/* "$BUILD/fuzz/seeds/cli/" || die "copying the CLI's seeds failed"
	local extra=()
	[ -n "${VXP_FUZZ_PCAPS:-}" ] && extra+=("$VXP_FUZZ_PCAPS")
	"$BUILD/fuzz/mkseeds" "$BUILD/fuzz/seeds/datapath" "$BUILD/fuzz/seeds/conf" "$SRC" \
		"${extra[@]}" || die "writing the seeds failed"
}

# Result of one harness, as shell variables r_<field>.
declare -A R
record() { # record HARNESS FIELD VALUE
	R[$1.$2]=$3
}

# run HARNESS [libFuzzer options...]: fuzzes for SECS into the harness's corpus
run() {
	local h=$1 log="$BUILD/fuzz/$1.log" before after rc last
	shift
	local dirs=("$BUILD/fuzz/corpus/$h" "$BUILD/fuzz/seeds/$h")
	[ -d "$SRC/fuzz/regress/$h" ] && dirs+=("$SRC/fuzz/regress/$h")
	before=$(find "$BUILD/fuzz/crashes/$h" -type f | wc -l)
	touch "$BUILD/fuzz/.$h.start"
	echo "fuzz.sh: $h for ${SECS}s ($log)"
	"$BUILD/fuzz/fuzz_$h" -max_total_time="$SECS" -print_final_stats=1 -timeout=20 \
		-rss_limit_mb=4096 -artifact_prefix="$BUILD/fuzz/crashes/$h/" \
		-dict="$SRC/fuzz/$h.dict" "$@" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	after=$(find "$BUILD/fuzz/crashes/$h" -type f | wc -l)
	last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|pulse|NEW|REDUCE)' "$log" | tail -n 1)
	record "$h" executions "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
	record "$h" exec_per_sec "$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
	record "$h" cov "$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')"
	record "$h" ft "$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')"
	record "$h" corpus "$(find "$BUILD/fuzz/corpus/$h" -type f | wc -l)"
	# the data plane harness's own coverage of the program, in the kernel
	record "$h" reasons "$(sed -n 's/^fuzz_datapath: reasons reached: \([0-9]*\) of.*/\1/p' "$log")"
	record "$h" shapes "$(sed -n 's/^fuzz_datapath: .* shapes: \([0-9]*\)$/\1/p' "$log")"
	record "$h" reached "$(sed -n 's/^fuzz_datapath: \(reasons reached: .*\)$/\1/p' "$log")"
	record "$h" crashes $((after - before))
	record "$h" status ok
	if [ "$rc" -ne 0 ] || [ "$after" -ne "$before" ]; then
		record "$h" status crash
		[ "$after" -eq "$before" ] && record "$h" crashes 1
		echo "fuzz.sh: $h FAILED (exit $rc); the report:" >&2
		grep -E -A 12 '^=== |ERROR: |SUMMARY: ' "$log" | head -n 60 >&2
		find "$BUILD/fuzz/crashes/$h" -type f -newer "$BUILD/fuzz/.$h.start" -printf '  artifact: %p\n' | head -n 3 >&2
	fi
}

skip() { # skip HARNESS WHY
	record "$1" status skipped
	record "$1" why "$2"
	echo "fuzz.sh: $1 skipped: $2"
}

replay() { # replay HARNESS: each committed regression input once
	local h=$1 files
	files=$(find "$SRC/fuzz/regress/$h" -type f 2>/dev/null | sort)
	[ -n "$files" ] || return 0
	# shellcheck disable=SC2086
	"$BUILD/fuzz/fuzz_$h" $files >"$BUILD/fuzz/$h-replay.log" 2>&1 ||
		{ grep -E -A 12 '^=== |ERROR: ' "$BUILD/fuzz/$h-replay.log" | head -n 40 >&2; return 1; }
}

summary() {
	local h json="{\"seconds\": $SECS"
	for h in datapath conf cli; do
		[ -n "${R[$h.status]:-}" ] || continue
		if [ "${R[$h.status]}" = skipped ]; then
			printf '%-9s skipped: %s\n' "$h" "${R[$h.why]}"
			json="$json, \"$h\": {\"status\": \"skipped\", \"why\": \"${R[$h.why]}\"}"
			continue
		fi
		printf '%-9s %s: %s executions, %s exec/s, cov %s, ft %s, corpus %s, crashes %s\n' \
			"$h" "${R[$h.status]}" "${R[$h.executions]:-?}" "${R[$h.exec_per_sec]:-?}" \
			"${R[$h.cov]:-?}" "${R[$h.ft]:-?}" "${R[$h.corpus]}" "${R[$h.crashes]}"
		json="$json, \"$h\": {\"status\": \"${R[$h.status]}\""
		json="$json, \"executions\": ${R[$h.executions]:-0}, \"exec_per_sec\": ${R[$h.exec_per_sec]:-0}"
		json="$json, \"cov\": ${R[$h.cov]:-0}, \"ft\": ${R[$h.ft]:-0}"
		json="$json, \"corpus\": ${R[$h.corpus]}, \"crashes\": ${R[$h.crashes]}"
		if [ -n "${R[$h.reasons]:-}" ]; then
			printf '%-9s %s\n' "" "${R[$h.reached]}"
			json="$json, \"reasons_reached\": ${R[$h.reasons]}, \"shapes\": ${R[$h.shapes]:-0}"
		fi
		json="$json}"
	done
	echo "$json}"
}

if [ "$SECS" = --build-only ]; then
	check_libfuzzer
	configure_tree
	seeds
	exit 0
fi
if ! [[ "$SECS" =~ ^[0-9]+$ ]] || [ "$SECS" -eq 0 ]; then
	die "SECONDS must be a positive number, not '$SECS'"
fi
check_libfuzzer
configure_tree
seeds
failed=0
if [ -z "$ONLY" ] || [ "$ONLY" = conf ]; then
	if [ "${VXP_FUZZ_REPLAY:-}" = 1 ] && ! replay conf; then
		record conf status crash
		record conf crashes 1
		failed=1
	else
		run conf -max_len=4096
	fi
fi
if [ -z "$ONLY" ] || [ "$ONLY" = cli ]; then
	if [ "${VXP_FUZZ_REPLAY:-}" = 1 ] && ! replay cli; then
		record cli status crash
		record cli crashes 1
		failed=1
	else
		run cli -max_len=8192
	fi
fi
if [ -z "$ONLY" ] || [ "$ONLY" = datapath ]; then
	if [ "$(id -u)" != 0 ] || [ "${VXP_TEST_UNPRIVILEGED:-}" = 1 ]; then
		skip datapath "needs root (BPF_PROG_TEST_RUN in a network namespace)"
	elif [ "${VXP_FUZZ_REPLAY:-}" = 1 ] && ! replay datapath; then
		record datapath status crash
		record datapath crashes 1
		failed=1
	else
		run datapath -max_len=4096 -use_value_profile=1
	fi
fi
for h in datapath conf cli; do
	[ "${R[$h.status]:-}" = crash ] && failed=1
done
summary
exit $failed
