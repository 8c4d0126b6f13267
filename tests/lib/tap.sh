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
