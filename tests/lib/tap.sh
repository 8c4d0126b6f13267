# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# TAP for the shell tests: ok STATUS DESCRIPTION, diag TEXT, and tap_done at
# the end (the plan, and the exit status); require_root for privileged tests.

tap_n=0
tap_failed=0

ok() { # ok STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

diag() { # diag TEXT: each line as a TAP comment; nothing for no text
	[ -n "$*" ] && printf '%s\n' "$*" | sed 's/^/# /'
	return 0
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# require_root WHAT: go on as root; otherwise skip, or fail under CI=true.
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

# require_tool NAME HOW: go on when the check "HOW" (a shell command) succeeds;
# otherwise fail, except in a package build (VXP_TEST_UNPRIVILEGED=1 without
# CI=true), whose builder may lack a tool Build-Depends marks <!nocheck>:
# there the test skips, saying which tool.
require_tool() {
	eval "$2" >/dev/null 2>&1 && return 0
	if [ "${VXP_TEST_UNPRIVILEGED:-}" = 1 ] && [ "${CI:-}" != true ]; then
		echo "1..0 # SKIP $1 is not installed on this package builder"
		exit 0
	fi
	echo "Bail out! $1 is missing (scripts/install-deps.sh installs it)"
	exit 1
}
