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

# build:    compilers, autotools, the libraries the binaries link
# test:     libpcap for the capture tests, iproute2/procps/ethtool/curl for the
#           test namespaces, tshark to decode the generator's frames
#           independently, nftables for the kernel's side of make bench,
#           groff for the man page test, shellcheck, python3-yaml and
#           cloud-init for the deployment test, valgrind for the memcheck test
# fuzzing:  clang's libFuzzer runtime (libclang-rt-N-dev for clang N on Debian
#           and Ubuntu, compiler-rt on Fedora)
# packages: debhelper, lintian, devscripts (hardening-check), rpm and rpmlint
#           to build and check them; debootstrap and systemd-container for the
#           booted-systemd system test
# bench:    gnuplot (no X11) for make bench's bar chart
# operators: promtool (Debian's prometheus package; Fedora's
#           golang-github-prometheus) for the alert rules and dashboard, podman
#           (and runc, for hosts whose cgroup layout crun refuses) to build and
#           run the container
DEB_PKGS="gcc make autoconf automake pkg-config clang llvm
	libbpf-dev libelf-dev zlib1g-dev libconfig-dev libsystemd-dev libcap-dev libmicrohttpd-dev
	libcurl4-openssl-dev libjansson-dev libmnl-dev
	libpcap-dev iproute2 procps ethtool curl tshark nftables groff-base
	shellcheck python3-yaml cloud-init valgrind
	dpkg-dev debhelper lintian devscripts rpm rpmlint debootstrap systemd-container
	prometheus podman runc gnuplot-nox"
RPM_PKGS="gcc make autoconf automake pkgconf-pkg-config clang llvm
	libbpf-devel elfutils-libelf-devel zlib-devel libconfig-devel systemd-devel libmicrohttpd-devel
	libcurl-devel jansson-devel libmnl-devel
	libcap-devel libpcap-devel iproute procps-ng ethtool curl bpftool wireshark-cli nftables
	groff-base ShellCheck python3-pyyaml cloud-init valgrind compiler-rt
	dpkg-dev debhelper lintian devscripts rpm-build rpmlint debootstrap systemd-container
	golang-github-prometheus podman runc gnuplot-minimal"

deb_missing() {
	for p in $DEB_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf '%s ' "$p"
	done
	command -v bpftool >/dev/null 2>&1 || [ -x /usr/sbin/bpftool ] || printf 'bpftool '
	deb_fuzzer_pkg
}

# The package with clang's libFuzzer runtime, when clang is there without it.
deb_fuzzer_pkg() {
	command -v clang >/dev/null 2>&1 || return 0
	[ -e "$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ] && return 0
	fz_major=$(clang -dumpversion | cut -d. -f1)
	for fz_pkg in "libclang-rt-$fz_major-dev" "libclang-common-$fz_major-dev"; do
		apt-cache show "$fz_pkg" >/dev/null 2>&1 && { echo "$fz_pkg"; return 0; }
	done
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
	# clang came with this run: its version names the fuzzing runtime's package
	missing=$(deb_fuzzer_pkg)
	[ -z "$missing" ] || apt-get install -y -q --no-install-recommends "$missing"
	never_boot_cloud_init
	never_run_prometheus
}

# prometheus is here for promtool only: its server must not run here.
never_run_prometheus() {
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		systemctl disable --now prometheus.service >/dev/null 2>&1 || true
	fi
}

# cloud-init is here for its schema check only: it must never configure this
# machine at boot.
never_boot_cloud_init() {
	[ -d /etc/cloud ] || return 0
	touch /etc/cloud/cloud-init.disabled
	if command -v systemctl >/dev/null 2>&1; then
		systemctl disable cloud-init-local.service cloud-init.service cloud-config.service \
			cloud-final.service cloud-init-hotplugd.socket >/dev/null 2>&1 || true
	fi
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
	never_boot_cloud_init
	never_run_prometheus
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
