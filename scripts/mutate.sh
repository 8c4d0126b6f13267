#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Mutation testing: each mutation in scripts/mutations.txt (a file, an exact
# text found there once, its replacement, the tests that must catch it) is
# applied alone to a scratch copy of the source tree, which is rebuilt and
# the named tests run; "killed" when they fail, "survived" when they pass.
# The working tree is never touched. The last line is a JSON summary; the
# exit status is 0 only when every mutant was killed.
#
#   scripts/mutate.sh [NAME...]     all mutations, or the named ones
#   scripts/mutate.sh --list        the names, and check every entry applies
#
# Slow (a rebuild and the tests per mutation, an hour or more), so not part
# of make check or CI: `make mutate` runs it. Needs root and what
# scripts/install-deps.sh installs. The booted-systemd tests it runs take
# the lock /tmp/vxp-system.lock (VXP_MUTATE_LOCK) themselves: do not run it
# under that lock. VXP_MUTATE_LIST names another list; VXP_MUTATE_KEEP=1
# keeps the scratch directory; VXP_MUTATE_TIMEOUT bounds each test run
# (seconds, default 1800).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
list=${VXP_MUTATE_LIST:-$top/scripts/mutations.txt}
timeout_s=${VXP_MUTATE_TIMEOUT:-1800}
jobs=$(nproc 2>/dev/null || echo 2)

die() {
	echo "mutate.sh: $*" >&2
	exit 2
}

# ---- the list
declare -a NAME FILE FROM TO TESTS
parse() {
	local key value n=-1 lineno=0
	while IFS= read -r line; do
		lineno=$((lineno + 1))
		case $line in '#'* | '') continue ;; esac
		read -r key value <<<"$line"
		case $key in
		name)
			n=$((n + 1))
			NAME[n]=$value FILE[n]='' FROM[n]='' TO[n]='' TESTS[n]=
			;;
		file | from | to | tests)
			[ "$n" -ge 0 ] || die "$list:$lineno: '$key' before any 'name'"
			case $key in
			file) FILE[n]=$value ;; from) FROM[n]=$value ;;
			to) TO[n]=$value ;; tests) TESTS[n]=$value ;;
			esac
			;;
		*) die "$list:$lineno: unknown key '$key' (name, file, from, to, tests)" ;;
		esac
	done <"$list"
	[ "$n" -ge 0 ] || die "$list: no mutation in it"
}

# occurrences FILE TEXT: how many times TEXT occurs in FILE, verbatim
occurrences() {
	python3 -c 'import sys; print(open(sys.argv[1]).read().count(sys.argv[2]))' "$1" "$2"
}

# apply FILE FROM TO: the one occurrence of FROM replaced, verbatim
apply() {
	python3 -c '
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
assert text.count(old) == 1
open(path, "w").write(text.replace(old, new))' "$1" "$2" "$3"
}

# validate: every entry complete, its file there, its text there once; every
# problem said, then stop
validate() {
	local i bad=0 n
	for i in "${!NAME[@]}"; do
		if [ -z "${FILE[i]}" ] || [ -z "${FROM[i]}" ] || [ -z "${TO[i]}" ] || [ -z "${TESTS[i]}" ]; then
			echo "mutate.sh: ${NAME[i]}: needs file, from, to and tests" >&2
			bad=1
			continue
		fi
		if [ ! -f "$top/${FILE[i]}" ]; then
			echo "mutate.sh: ${NAME[i]}: no file '${FILE[i]}'" >&2
			bad=1
			continue
		fi
		n=$(occurrences "$top/${FILE[i]}" "${FROM[i]}")
		if [ "$n" != 1 ]; then
			echo "mutate.sh: ${NAME[i]}: '${FROM[i]}' occurs $n times in ${FILE[i]}, not once:" \
				"update $list" >&2
			bad=1
		fi
	done
	[ "$bad" = 0 ] || die "the list does not fit the code (above); nothing was run"
}

# selected I: the mutation is among those asked for (all without names)
selected() {
	local w
	[ ${#ONLY[@]} = 0 ] && return 0
	for w in "${ONLY[@]}"; do [ "$w" = "${NAME[$1]}" ] && return 0; done
	return 1
}

# ---- the scratch tree
scratch_up() {
	SCRATCH=$(mktemp -d /tmp/vxp-mutate.XXXXXX) || die "mktemp failed"
	mkdir -p "$SCRATCH/src" "$SCRATCH/build" "$SCRATCH/logs"
	tar -C "$top" --exclude-vcs --exclude=./build --exclude=./build-fuzz --exclude=./packages \
		-cf - . | tar -C "$SCRATCH/src" -xf - || die "copying the tree failed"
	# a tree configured in place cannot be configured out of tree
	if [ -f "$SCRATCH/src/config.status" ]; then
		make -C "$SCRATCH/src" distclean >"$SCRATCH/logs/distclean.log" 2>&1 ||
			die "make distclean in the copy failed"
	fi
	[ -x "$SCRATCH/src/configure" ] || (cd "$SCRATCH/src" && ./autogen.sh) \
		>"$SCRATCH/logs/autogen.log" 2>&1 || die "autogen.sh failed"
	(cd "$SCRATCH/build" && ../src/configure) >"$SCRATCH/logs/configure.log" 2>&1 ||
		die "configure failed (see $SCRATCH/logs/configure.log)"
	make -C "$SCRATCH/build" -j"$jobs" >"$SCRATCH/logs/build.log" 2>&1 ||
		die "the unmutated tree does not build (see $SCRATCH/logs/build.log)"
}
scratch_down() {
	[ -n "${SCRATCH:-}" ] || return 0
	if [ "${VXP_MUTATE_KEEP:-}" = 1 ]; then
		echo "mutate.sh: scratch tree kept in $SCRATCH" >&2
	else
		rm -rf "$SCRATCH"
	fi
}

# run_tests LOG TESTS...: make check for those tests in the scratch build,
# as CI runs them (a skip fails); 0 when they all pass. The booted-systemd
# tests (tests/system/) run apart, under the machine's lock for them
# (VXP_MUTATE_LOCK, default /tmp/vxp-system.lock): never two at a time on
# one machine, whoever started them.
run_tests() {
	local log=$1 t plain=() system=() ret=0
	shift
	for t in "$@"; do
		case $t in tests/system/*) system+=("$t") ;; *) plain+=("$t") ;; esac
	done
	: >"$log"
	if [ ${#plain[@]} -gt 0 ]; then
		CI=true timeout "$timeout_s" make -C "$SCRATCH/build" -j"$jobs" check \
			TESTS="${plain[*]}" >>"$log" 2>&1 || ret=1
	fi
	if [ "$ret" = 0 ] && [ ${#system[@]} -gt 0 ]; then
		CI=true flock "${VXP_MUTATE_LOCK:-/tmp/vxp-system.lock}" timeout "$timeout_s" \
			make -C "$SCRATCH/build" check TESTS="${system[*]}" >>"$log" 2>&1 || ret=1
	fi
	return "$ret"
}

# ---- main
ONLY=()
case ${1:-} in
--list)
	parse
	validate
	printf '%s\n' "${NAME[@]}"
	exit 0
	;;
-h | --help)
	sed -n '3,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
esac
ONLY=("$@")
[ "$(id -u)" = 0 ] || die "needs root (the tests it runs do)"
command -v python3 >/dev/null || die "python3 is missing"
parse
validate
for w in "${ONLY[@]}"; do
	found=0
	for i in "${!NAME[@]}"; do [ "${NAME[i]}" = "$w" ] && found=1; done
	[ "$found" = 1 ] || die "no mutation named '$w' in $list"
done
trap scratch_down EXIT
trap 'exit 2' INT TERM
start=$SECONDS
scratch_up

# the tests must pass on the unmutated tree, or a failure proves nothing
all_tests=$(for i in "${!NAME[@]}"; do selected "$i" && echo "${TESTS[i]}"; done | tr ' ' '\n' |
	sort -u | tr '\n' ' ')
echo "mutate.sh: the unmutated tree against $all_tests"
# shellcheck disable=SC2086 # a list of tests
run_tests "$SCRATCH/logs/baseline.log" $all_tests ||
	die "the tests fail on the unmutated tree: $(grep -E '^(FAIL|ERROR)' "$SCRATCH/logs/baseline.log" | head -n 5)"

killed=0 survived=0 unbuilt=0 survivors=""
for i in "${!NAME[@]}"; do
	selected "$i" || continue
	t0=$SECONDS
	log=$SCRATCH/logs/${NAME[i]}.log
	apply "$SCRATCH/src/${FILE[i]}" "${FROM[i]}" "${TO[i]}" || die "${NAME[i]}: applying it failed"
	read -ra tests <<<"${TESTS[i]}"
	if ! make -C "$SCRATCH/build" -j"$jobs" >"$log" 2>&1; then
		verdict=unbuilt
		unbuilt=$((unbuilt + 1))
		survivors+="${survivors:+, }\"${NAME[i]}\""
	elif run_tests "$log" "${tests[@]}"; then
		verdict=survived
		survived=$((survived + 1))
		survivors+="${survivors:+, }\"${NAME[i]}\""
	else
		verdict=killed
		killed=$((killed + 1))
	fi
	# restored with a new time stamp, so the next build rebuilds from it
	cp "$top/${FILE[i]}" "$SCRATCH/src/${FILE[i]}" || die "${NAME[i]}: restoring ${FILE[i]} failed"
	printf '%-8s %-48s %4ds  %s\n' "$verdict" "${NAME[i]}" $((SECONDS - t0)) "${TESTS[i]}"
	case $verdict in
	killed) grep -E '^(FAIL|ERROR):' "$log" | head -n 2 | sed 's/^/         /' ;;
	survived) echo "         the tests passed: ${FILE[i]} with '${TO[i]}' goes unnoticed" ;;
	unbuilt) tail -n 3 "$log" | sed 's/^/         /' ;;
	esac
done
total=$((killed + survived + unbuilt))
echo "mutate.sh: $total mutations: $killed killed, $survived survived, $unbuilt unbuilt"
echo "{\"mutations\": $total, \"killed\": $killed, \"survived\": $survived, \"unbuilt\": $unbuilt," \
	"\"not_killed\": [$survivors], \"seconds\": $((SECONDS - start))}"
[ "$killed" = "$total" ]
