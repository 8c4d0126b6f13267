#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# tests/system/mkroot.sh DIR: a Debian 12 root in DIR that boots with
# systemd-nspawn, built once by debootstrap and reused (DIR/.complete marks a
# finished build). The mirror is the one this machine's apt uses, else
# debootstrap's default.
set -euo pipefail
root=${1:?usage: mkroot.sh DIR}
[ -f "$root/.complete" ] && exit 0

# the first "deb" source of this machine with bookworm main
mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		     /Types:[^\n]*deb( |$|\n)/ && /Suites:[^\n]*bookworm( |$|\n)/ && /Components:[^\n]*main/ {
			for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { split($i, u, " "); print u[2]; exit }
		     }' "$f"
	done
	[ -f /etc/apt/sources.list ] &&
		awk '$1 == "deb" && $3 == "bookworm" && / main/ { print $2; exit }' /etc/apt/sources.list
	true
}
url=$(mirror | head -n 1)
rm -rf "$root"
mkdir -p "$(dirname "$root")"
debootstrap --variant=minbase \
	--include=systemd,systemd-sysv,dbus,iproute2,ethtool,curl,procps,ca-certificates \
	bookworm "$root" ${url:+"$url"}
# boots quietly: no getty on the console, a fixed machine id, the apt
# sources this machine has (for installing the package's dependencies)
rm -f "$root/etc/systemd/system/getty.target.wants/"* 2>/dev/null || true
systemd-machine-id-setup --root="$root" >/dev/null
echo vxp-system >"$root/etc/hostname"
touch "$root/.complete"
