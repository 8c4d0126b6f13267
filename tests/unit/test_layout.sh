#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The layout of src/ as its #include "..." lines draw it: no cycle between
# modules (a module is a .c with its .h), no program folder that includes
# another program's headers, a library (src/libvxp/) that includes no
# program's; and each module's exported symbols declared in its own header,
# so that the include graph is the graph of who uses whom. The checks run on
# a small tree made to break each rule first, so they are seen to fail.
set -u
SRC=${VXP_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${VXP_BUILD_DIR:-$SRC}
LIBDIR=libvxp
TMP=$(mktemp -d /tmp/vxp-layout.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

# edges TOP: "folder/stem folder/stem" for each #include "..." in TOP/*/*.[ch]
# that names a header of the tree: "dir/x.h" from TOP, "x.h" beside the file
edges() {
	local top=$1 f dir from h to
	for f in "$top"/*/*.[ch]; do
		[ -f "$f" ] || continue
		dir=$(basename "$(dirname "$f")")
		from=$dir/$(basename "${f%.*}")
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
			while read -r h; do
				case $h in
				*/*) [ -f "$top/$h" ] || continue; to=${h%.h} ;;
				*) [ -f "$top/$dir/$h" ] || continue; to=$dir/${h%.h} ;;
				esac
				[ "$to" = "$from" ] || echo "$from $to"
			done
	done | sort -u
}

# folders EDGES: an include across folders that is not into the library
folders() {
	awk -v lib="$LIBDIR" '{
		split($1, a, "/"); split($2, b, "/")
		if (a[1] == b[1] || b[1] == lib) next
		if (a[1] == lib)
			printf "the library includes a program'\''s header: %s -> %s\n", $1, $2
		else
			printf "program %s includes program %s'\''s header: %s -> %s\n", a[1], b[1], $1, $2
	}' "$1"
}

# cycles EDGES: each cycle a depth-first walk closes, as "a -> b -> a"
cycles() {
	awk '
	{ n[$1]++; adj[$1, n[$1]] = $2; node[$1]; node[$2] }
	function walk(v,    i, w, k, s) {
		state[v] = 1; stack[++depth] = v
		for (i = 1; i <= n[v]; i++) {
			w = adj[v, i]
			if (state[w] == 1) {
				s = ""
				for (k = depth; stack[k] != w; k--)
					s = " -> " stack[k] s
				print "cycle: " w s " -> " w
			} else if (!state[w])
				walk(w)
		}
		depth--; state[v] = 2
	}
	END { for (v in node) if (!state[v]) walk(v) }' "$1" | sort
}

# undeclared TOP ARCHIVES...: a symbol a module's object exports that its own
# header does not declare (or a module with exports and no header)
undeclared() {
	local top=$1 a dir
	shift
	for a in "$@"; do
		dir=$(basename "$(dirname "$a")")
		nm -A --defined-only "$a" 2>/dev/null |
			awk -v dir="$dir" '$(NF-1) ~ /^[TDBR]$/ {
				obj = $1; sub(/:[^:]*$/, "", obj); sub(/.*:/, "", obj)
				sub(/^.*-/, "", obj); sub(/\.o$/, "", obj)
				print dir "/" obj, $NF
			}'
	done | sort -u | while read -r mod sym; do
		if [ ! -f "$top/$mod.h" ]; then
			echo "$mod.c exports $sym but there is no $mod.h"
		elif ! grep -qE "(^|[^A-Za-z0-9_])$sym([^A-Za-z0-9_]|$)" "$top/$mod.h"; then
			echo "$mod.c exports $sym, which $mod.h does not declare"
		fi
	done
}

# a tree that breaks every rule: a cycle of two in the library (a .c and a
# header without one), one of three through a program's own modules, a
# program that includes another's header, and the library including a
# program's header; and includes of headers not in the tree, which count
# for nothing
mktree() {
	local t=$TMP/tree
	mkdir -p "$t/$LIBDIR" "$t/prog" "$t/other"
	printf '#include "b.h"\n' >"$t/$LIBDIR/a.c"
	printf '#include "a.h"\n' >"$t/$LIBDIR/b.h"
	printf '#include "other/z.h"\n' >"$t/$LIBDIR/a.h"
	printf '#include "y.h"\n#include "config.h"\n' >"$t/prog/x.h"
	printf '#include "z.h"\n' >"$t/prog/y.c"
	: >"$t/prog/y.h"
	printf '#include "x.h"\n#include "config.h"\n' >"$t/prog/z.h"
	printf '#include "prog/x.h"\n' >"$t/other/z.c"
	: >"$t/other/z.h"
	echo "$t"
}

tree=$(mktree)
edges "$tree" >"$TMP/bad.edges"
cycles "$TMP/bad.edges" >"$TMP/bad.cycles"
folders "$TMP/bad.edges" >"$TMP/bad.folders"
diag "$(cat "$TMP/bad.cycles" "$TMP/bad.folders")"
[ "$(wc -l <"$TMP/bad.cycles")" = 2 ] &&
	grep -qxE "cycle: ($LIBDIR/a -> $LIBDIR/b -> $LIBDIR/a|$LIBDIR/b -> $LIBDIR/a -> $LIBDIR/b)" \
		"$TMP/bad.cycles" &&
	grep -qE "cycle: prog/. -> prog/. -> prog/. -> prog/.$" "$TMP/bad.cycles"
ok $? "a tree made with two cycles: the check names both, and only those"
grep -qx "the library includes a program's header: $LIBDIR/a -> other/z" "$TMP/bad.folders" &&
	grep -qx "program other includes program prog's header: other/z -> prog/x" \
		"$TMP/bad.folders" &&
	[ "$(wc -l <"$TMP/bad.folders")" = 2 ]
ok $? "and the library including a program, and a program including another"

edges "$SRC/src" >"$TMP/src.edges"
[ "$(wc -l <"$TMP/src.edges")" -ge 50 ] && grep -q "^daemon/" "$TMP/src.edges" &&
	grep -q "^cli/" "$TMP/src.edges" && grep -q "^trafficgen/" "$TMP/src.edges"
ok $? "src/: $(wc -l <"$TMP/src.edges") includes between modules of daemon/, cli/, trafficgen/ and $LIBDIR/"
cycles "$TMP/src.edges" >"$TMP/src.cycles"
diag "$(cat "$TMP/src.cycles")"
[ ! -s "$TMP/src.cycles" ]
ok $? "src/: no include cycle between modules"
folders "$TMP/src.edges" >"$TMP/src.folders"
diag "$(cat "$TMP/src.folders")"
[ ! -s "$TMP/src.folders" ]
ok $? "src/: programs include only their own headers and $LIBDIR/'s; $LIBDIR/ no program's"

archives=$(ls "$BUILD"/src/*/lib*.a 2>/dev/null)
[ "$(echo "$archives" | wc -w)" = 4 ]
ok $? "the four convenience libraries are built: $(echo "$archives" | xargs -n 1 basename | xargs)"
# the library's archive as a program's, beside a header that declares one
# of its functions and one with none
mkdir -p "$TMP/decl/prog"
cp "$BUILD/src/$LIBDIR/$LIBDIR.a" "$TMP/decl/prog/libprog.a"
printf 'void addr_format(void);\n' >"$TMP/decl/prog/addr.h"
undeclared "$TMP/decl" "$TMP/decl/prog/libprog.a" >"$TMP/bad.undeclared"
grep -qx "prog/addr.c exports addr_parse, which prog/addr.h does not declare" \
	"$TMP/bad.undeclared" && ! grep -q "addr_format" "$TMP/bad.undeclared" &&
	grep -qx "prog/stats.c exports stats_read but there is no prog/stats.h" "$TMP/bad.undeclared"
ok $? "a symbol its module's header does not declare is named, and a module without one"
# shellcheck disable=SC2086 # a list of archives
undeclared "$SRC/src" $archives >"$TMP/src.undeclared"
diag "$(cat "$TMP/src.undeclared")"
[ -n "$archives" ] && [ ! -s "$TMP/src.undeclared" ]
ok $? "src/: every module's exported symbols are declared in its own header"
tap_done
