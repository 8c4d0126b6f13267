#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The release artefacts: make distcheck passes; the .deb and .rpm build from
# its tarball; lintian and rpmlint find nothing; conffiles, scriptlets and
# hardening are what the distributions expect.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d /tmp/vxp-packages-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

# inside a package build or make distcheck (which this test runs) it would
# build packages inside themselves
if [ "${VXP_TEST_UNPRIVILEGED:-}" = 1 ]; then
	echo "1..0 # SKIP no package builds inside a package build or make distcheck"
	exit 0
fi
for tool in dpkg-buildpackage lintian rpmbuild rpmlint hardening-check; do
	command -v $tool >/dev/null ||
		{ echo "Bail out! $tool is missing (scripts/install-deps.sh installs it)"; exit 1; }
done

mkdir "$TMP/dc"
# from a copy when the tree is configured in place (./configure && make check)
TREE=$("$SRC/scripts/source-tree.sh" "$TMP/src") &&
	(cd "$TMP/dc" && "$TREE/configure" -q && make -s distcheck VXP_TEST_UNPRIVILEGED=1 CI=) \
		>"$TMP/distcheck.log" 2>&1
ok $? "make distcheck"
grep -q "archives ready for distribution" "$TMP/distcheck.log" ||
	diag "$(tail -n 15 "$TMP/distcheck.log")"

"$SRC/scripts/build-packages.sh" all "$TMP/out" >"$TMP/build.log" 2>&1
ok $? "scripts/build-packages.sh builds the .deb and .rpm packages"
diag "$(grep -vE '^(tarball|in) ' "$TMP/build.log" | tr '\n' ' ')"
cd "$TMP/out" || exit 1
DEB=$(ls vxlan-pipeline_*_*.deb 2>/dev/null)
TGDEB=$(ls vxlan-trafficgen_*_*.deb 2>/dev/null)
RPM=$(ls vxlan-pipeline-[0-9]*.rpm 2>/dev/null)
TGRPM=$(ls vxlan-trafficgen-[0-9]*.rpm 2>/dev/null)
[ -n "$DEB" ] && [ -n "$TGDEB" ] && [ -n "$RPM" ] && [ -n "$TGRPM" ]
ok $? "vxlan-pipeline and vxlan-trafficgen, as .deb and .rpm"

lintian --fail-on error,warning "$DEB" "$TGDEB" >"$TMP/lintian.txt" 2>&1
ok $? "lintian: no error and no warning"
diag "$(grep -E '^[EW]:' "$TMP/lintian.txt")"

rpmlint -c "$SRC/rpm/rpmlint.toml" "$RPM" "$TGRPM" "$SRC/rpm/vxlan-pipeline.spec" \
	>"$TMP/rpmlint.txt" 2>&1
grep -q " 0 errors," "$TMP/rpmlint.txt"
ok $? "rpmlint: no error ($(tail -n 1 "$TMP/rpmlint.txt" | sed 's/;.*//'))"
diag "$(grep ' E: ' "$TMP/rpmlint.txt")"

dpkg-deb -e "$DEB" "$TMP/control"
[ "$(sort "$TMP/control/conffiles")" = "$(printf '/etc/vxlan-pipeline/nat.conf\n/etc/vxlan-pipeline/pipeline.conf')" ]
ok $? "deb: the configuration files are conffiles"
grep -q "systemd-sysusers" "$TMP/control/postinst" &&
	grep -q "deb-systemd-helper enable" "$TMP/control/postinst" &&
	grep -q "_dh_action=start" "$TMP/control/postinst" &&
	grep -q "deb-systemd-invoke \$_dh_action 'vxlan-pipeline.service'" "$TMP/control/postinst" &&
	grep -q "systemd-sysctl /usr/lib/sysctl.d/50-vxlan-pipeline.conf" "$TMP/control/postinst"
ok $? "deb: postinst creates the user, applies the sysctl, enables and starts the unit"
dpkg-deb -x "$DEB" "$TMP/deb"
# hardening-check reads control-flow protection from the ELF property note,
# which the linker drops because Debian 12's crt objects lack it; the
# instructions -fcf-protection emits are looked for instead
hardening-check --nocfprotection "$TMP/deb/usr/sbin/vxlan-pipelined" \
	"$TMP/deb/usr/sbin/vxlan-pipeline" >"$TMP/hardening.txt" 2>&1
ok $? "deb: the binaries are PIE, with stack protector, fortify, RELRO and BIND_NOW"
diag "$(grep -v ': yes' "$TMP/hardening.txt" | grep -v '^/')"
[ "$(objdump -d "$TMP/deb/usr/sbin/vxlan-pipelined" | grep -c endbr64)" -gt 10 ]
ok $? "deb: and built with -fcf-protection (endbr64 at function entries)"

rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$RPM" 2>/dev/null | grep '^cn ' | sort \
	>"$TMP/rpmconf.txt"
[ "$(awk '{ print $2 }' "$TMP/rpmconf.txt")" = "$(printf '/etc/vxlan-pipeline/nat.conf\n/etc/vxlan-pipeline/pipeline.conf')" ]
ok $? "rpm: the configuration files are %config(noreplace)"
rpm -qp --scripts "$RPM" >"$TMP/scripts.txt" 2>/dev/null
grep -q "useradd -r -g vxlan-pipeline" "$TMP/scripts.txt" &&
	grep -q "systemctl --no-reload preset vxlan-pipeline.service" "$TMP/scripts.txt" &&
	grep -q "systemctl try-restart vxlan-pipeline.service" "$TMP/scripts.txt"
ok $? "rpm: scriptlets create the user, preset the unit and restart it on upgrade"
rpm -qlp "$RPM" 2>/dev/null | grep -qx /usr/lib/sysusers.d/vxlan-pipeline.conf &&
	rpm -qlp "$RPM" 2>/dev/null | grep -qx /usr/share/man/man8/vxlan-pipelined.8.gz
ok $? "rpm: the sysusers file and the man pages"

tap_done
