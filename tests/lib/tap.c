// SPDX-License-Identifier: GPL-2.0-only
/* A small TAP producer for the automake TAP driver, and the rule for tests that
 * need privileges: skip locally, fail in CI (CI=true). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static int tap_count;
static int tap_failed;

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void tap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

void tap_skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(0);
}

int tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed)
		tap_diag("%d of %d failed", tap_failed, tap_count);
	return tap_failed ? 1 : 0;
}

bool tap_in_ci(void)
{
	const char *ci = getenv("CI");

	return ci && !strcmp(ci, "true");
}

void tap_require_root(const char *what)
{
	char why[256];

	/* package builds (VXP_TEST_UNPRIVILEGED=1) run as root but not in a
	 * place where BPF and namespaces belong */
	const char *unpriv = getenv("VXP_TEST_UNPRIVILEGED");

	if (geteuid() == 0 && !(unpriv && !strcmp(unpriv, "1")))
		return;
	snprintf(why, sizeof(why), "%s needs root", what);
	if (tap_in_ci())
		tap_bail("%s, and CI=true forbids skipping it", why);
	tap_skip_all(why);
}
