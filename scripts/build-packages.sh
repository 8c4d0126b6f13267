#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# scripts/build-packages.sh [deb|rpm|all] [OUTDIR]: the .deb and .rpm packages,
# built from `make dist`'s tarball as the distributions build them; they land
# in OUTDIR (default ./packages). Needs what scripts/install-deps.sh installs.
# VXP_VERSION=V builds the same tree as version V (configure.ac's AC_INIT, a
# debian/changelog entry, the spec's Version): an upgrade to test, a local
# build told apart from a release.
set -euo pipefail
what=${1:-all}
out=$(mkdir -p "${2:-packages}" && cd "${2:-packages}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
case $what in deb | rpm | all) ;; *)
	echo "usage: $0 [deb|rpm|all] [OUTDIR]" >&2
	exit 64
	;;
esac
work=$(mktemp -d /tmp/vxp-packages.XXXXXX)
trap 'rm -rf "$work"' EXIT

[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh)
# a tree configured in place lends a copy of itself to configure from
tree=$("$src/scripts/source-tree.sh" "$work/src")
mkdir "$work/dist"
(cd "$work/dist" && "$tree/configure" -q && make -s dist-gzip) >"$work/dist.log" 2>&1 ||
	{ tail -n 20 "$work/dist.log" >&2; echo "make dist failed" >&2; exit 1; }
tarball=$(ls "$work"/dist/vxlan-pipeline-*.tar.gz)
version=$(basename "$tarball" .tar.gz)
version=${version#vxlan-pipeline-}

# relabel DIR VERSION: the unpacked tarball in DIR becomes that version
relabel() {
	local dir=$1 new=$2
	sed -i "s/^AC_INIT(\[vxlan-pipeline\], \[[^]]*\]/AC_INIT([vxlan-pipeline], [$new]/" "$dir/configure.ac"
	grep -q "^AC_INIT(\[vxlan-pipeline\], \[$new\]" "$dir/configure.ac" ||
		{ echo "VXP_VERSION: no AC_INIT to relabel in configure.ac" >&2; return 1; }
	(cd "$dir" && autoreconf -fi) >"$work/relabel.log" 2>&1 ||
		{ cat "$work/relabel.log" >&2; return 1; }
	{
		printf 'vxlan-pipeline (%s) unstable; urgency=medium\n\n' "$new"
		printf '  * Built by scripts/build-packages.sh as version %s.\n\n' "$new"
		printf ' -- vxlan-pipeline developers <team@vxlan-pipeline.example.org>  %s\n\n' "$(date -R)"
		cat "$dir/debian/changelog"
	} >"$work/changelog" && mv "$work/changelog" "$dir/debian/changelog"
	sed -i "s/^Version:\( *\).*/Version:\1$new/" "$dir/rpm/vxlan-pipeline.spec"
	mv "$dir" "$(dirname "$dir")/vxlan-pipeline-$new"
}
spec=$src/rpm/vxlan-pipeline.spec
if [ -n "${VXP_VERSION:-}" ] && [ "$VXP_VERSION" != "$version" ]; then
	tar -C "$work" -xzf "$tarball"
	relabel "$work/vxlan-pipeline-$version" "$VXP_VERSION"
	version=$VXP_VERSION
	tarball=$work/vxlan-pipeline-$version.tar.gz
	tar -C "$work" -czf "$tarball" "vxlan-pipeline-$version"
	cp "$work/vxlan-pipeline-$version/rpm/vxlan-pipeline.spec" "$work/vxlan-pipeline.spec"
	spec=$work/vxlan-pipeline.spec
	rm -rf "$work/vxlan-pipeline-$version"
fi
echo "tarball: $(basename "$tarball")"

if [ "$what" != rpm ]; then
	tar -C "$work" -xzf "$tarball"
	(cd "$work/vxlan-pipeline-$version" && dpkg-buildpackage -us -uc -b) >"$work/deb.log" 2>&1 ||
		{ tail -n 30 "$work/deb.log" >&2; echo "dpkg-buildpackage failed" >&2; exit 1; }
	cp "$work"/*.deb "$out/"
	ls "$work"/*.deb | xargs -n1 basename
fi
if [ "$what" != deb ]; then
	mkdir -p "$work/rpm/SOURCES"
	cp "$tarball" "$work/rpm/SOURCES/"
	args=(--define "_topdir $work/rpm"
		--define "packager vxlan-pipeline developers <team@vxlan-pipeline.example.org>")
	# Debian's rpm has no package database to satisfy BuildRequires from, no
	# find-debuginfo, no systemd-rpm-macros, and a brp-compress that needs bash
	if [ -f /etc/debian_version ]; then
		args+=(--load "$src/rpm/macros.debian" --nodeps --define "debug_package %{nil}"
			--define "__os_install_post bash /usr/lib/rpm/brp-compress %{_prefix}; /usr/lib/rpm/brp-strip %{__strip}")
	fi
	rpmbuild -bb "${args[@]}" "$spec" >"$work/rpm.log" 2>&1 ||
		{ tail -n 30 "$work/rpm.log" >&2; echo "rpmbuild failed" >&2; exit 1; }
	find "$work/rpm/RPMS" -name '*.rpm' -exec cp {} "$out/" \; -printf '%f\n'
fi
echo "in $out"
