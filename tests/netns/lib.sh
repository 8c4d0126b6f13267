# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Shared by the network-namespace tests: TAP output and the privileged-test
# rule (skip locally, fail under CI=true), on top of scripts/testbed.sh, which
# builds the namespaces and runs the daemon. Callers set BUILD (the build tree).

TB_BUILD=$BUILD
# shellcheck source=tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
# shellcheck source=scripts/testbed.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/testbed.sh"

# VXP_TEST_UNPRIVILEGED=1: as if not root (package builds)
require_root() {
	[ "$(id -u)" = 0 ] && [ "${VXP_TEST_UNPRIVILEGED:-}" != 1 ] && return 0
	if [ "${CI:-}" = true ]; then
		echo "Bail out! $1 needs root, and CI=true forbids skipping it"
		exit 1
	fi
	echo "1..0 # SKIP $1 needs root"
	exit 0
}

# require_topology: the testbed, or a bail-out that says why
require_topology() {
	if ! tb_up >"$TB_DIR/topo.log" 2>&1; then
		echo "Bail out! building the testbed failed: $(tail -n 3 "$TB_DIR/topo.log")"
		exit 1
	fi
}
