#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Installs every build and test dependency with the distribution's package
# manager: apt on Debian and Ubuntu, dnf on Fedora, RHEL and Amazon Linux.
# Installs nothing when everything is there already. Run as root.
set -eu

usage() {
	cat <<EOF
Usage: $0 [--check]
  Installs what building and testing vxlan-pipeline needs.
  --check   list what is missing and exit 1 if anything is; install nothing
EOF
}

check_only=0
case "${1:-}" in
--check) check_only=1 ;;
-h | --help) usage; exit 0 ;;
"") ;;
*) usage >&2; exit 64 ;;
esac

# build: compilers, autotools, the libraries the binaries link
# test:  libpcap for the capture tests, iproute2/procps/ethtool for the test
#        namespaces, tshark to decode the generator's frames independently
DEB_PKGS="gcc make autoconf automake pkg-config clang llvm
	libbpf-dev libelf-dev zlib1g-dev libconfig-dev libsystemd-dev libcap-dev libmicrohttpd-dev
	libpcap-dev iproute2 procps ethtool tshark"
RPM_PKGS="gcc make autoconf automake pkgconf-pkg-config clang llvm
	libbpf-devel elfutils-libelf-devel zlib-devel libconfig-devel systemd-devel libmicrohttpd-devel
	libcap-devel libpcap-devel iproute procps-ng ethtool bpftool wireshark-cli"

deb_missing() {
	for p in $DEB_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf '%s ' "$p"
	done
	command -v bpftool >/dev/null 2>&1 || [ -x /usr/sbin/bpftool ] || printf 'bpftool '
}

# Debian ships bpftool as its own package; Ubuntu only in linux-tools.
deb_bpftool_pkgs() {
	if apt-cache show bpftool >/dev/null 2>&1; then
		echo bpftool
	else
		echo "linux-tools-common linux-tools-generic linux-tools-$(uname -r)"
	fi
}

install_deb() {
	missing=$(deb_missing)
	[ -n "$missing" ] || { echo "install-deps: all build and test dependencies present"; return 0; }
	echo "install-deps: missing: $missing"
	[ "$check_only" = 0 ] || exit 1
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	case " $missing " in
	*" bpftool "*) missing=$(echo "$missing" | sed 's/bpftool//')" $(deb_bpftool_pkgs)" ;;
	esac
	# shellcheck disable=SC2086 # a list of package names
	apt-get install -y -q --no-install-recommends $missing
}

install_rpm() {
	missing=""
	for p in $RPM_PKGS; do
		rpm -q "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -n "$missing" ] || { echo "install-deps: all build and test dependencies present"; return 0; }
	echo "install-deps: missing:$missing"
	[ "$check_only" = 0 ] || exit 1
	# libconfig-devel lives in CRB (RHEL) or EPEL on some releases
	# shellcheck disable=SC2086 # a list of package names
	dnf install -y $missing ||
		dnf install -y --enablerepo='*crb*' --enablerepo='*powertools*' $missing
}

if [ "$(id -u)" != 0 ] && [ "$check_only" = 0 ]; then
	echo "install-deps: run as root (sudo $0)" >&2
	exit 77
fi
if command -v apt-get >/dev/null 2>&1; then
	install_deb
elif command -v dnf >/dev/null 2>&1; then
	install_rpm
else
	echo "install-deps: no apt-get or dnf here; install by hand: $DEB_PKGS bpftool" >&2
	exit 1
fi
