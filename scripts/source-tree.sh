#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# scripts/source-tree.sh COPY: prints a source tree that another build
# directory can be configured from. That is this tree, unless it is
# configured in place (./configure run in it, as dpkg and many users build),
# which makes configure refuse every other build directory ("source
# directory already configured"). Then it is COPY: this tree's distribution
# files (make distdir), kept in step with it; a file that did not change keeps
# its time stamp, so a build configured from COPY rebuilds only what changed.
# Used by scripts/build-packages.sh, scripts/fuzz.sh and the distcheck test.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
if [ $# != 1 ] || [ -z "$1" ]; then
	echo "usage: $0 COPY" >&2
	exit 64
fi
if [ ! -f "$src/config.status" ]; then
	echo "$src"
	exit 0
fi
mkdir -p "$1"
copy=$(cd "$1" && pwd)
fresh=$copy.new
rm -rf "$fresh"
make -C "$src" distdir distdir="$fresh" >"$copy.log" 2>&1 ||
	{ tail -n 20 "$copy.log" >&2; echo "source-tree.sh: make distdir failed" >&2; exit 1; }
# what the tree no longer has goes from the copy; what changed is copied;
# symbolic links stay links (debian/ has one)
(cd "$copy" && find . -type f -o -type l) | while IFS= read -r f; do
	[ -e "$fresh/$f" ] || [ -L "$fresh/$f" ] || rm -f "$copy/$f"
done
(cd "$fresh" && find . -type f) | while IFS= read -r f; do
	[ ! -L "$copy/$f" ] && cmp -s "$fresh/$f" "$copy/$f" && continue
	mkdir -p "$(dirname "$copy/$f")"
	rm -f "$copy/$f"
	cp -p "$fresh/$f" "$copy/$f"
done
(cd "$fresh" && find . -type l) | while IFS= read -r f; do
	[ -L "$copy/$f" ] && [ "$(readlink "$copy/$f")" = "$(readlink "$fresh/$f")" ] && continue
	mkdir -p "$(dirname "$copy/$f")"
	rm -f "$copy/$f"
	cp -P "$fresh/$f" "$copy/$f"
done
rm -rf "$fresh" "$copy.log"
echo "$copy"
