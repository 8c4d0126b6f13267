/* SPDX-License-Identifier: GPL-2.0-only */
/* A small TAP producer for the automake TAP driver, and the rule for tests that
 * need privileges: skip locally, fail in CI (CI=true). */
#ifndef VXP_TAP_H
#define VXP_TAP_H

#include <stdbool.h>

__attribute__((format(printf, 2, 3))) bool tap_ok(bool cond, const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void tap_diag(const char *fmt, ...);
__attribute__((format(printf, 1, 2), noreturn)) void tap_bail(const char *fmt, ...);
__attribute__((noreturn)) void tap_skip_all(const char *why);
/* Prints the plan and returns the exit status: 0 when every test passed. */
int tap_done(void);
/* Root, or a skip (a failure when CI=true) naming what needed it. */
void tap_require_root(const char *what);
bool tap_in_ci(void);

#endif /* VXP_TAP_H */
