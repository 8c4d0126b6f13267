/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipeline preflight: the seed's readiness check, made exact. Each line
 * OK, WARN or FAIL with the fix; the exit status says the worst. */
#ifndef VXP_CLI_PREFLIGHT_H
#define VXP_CLI_PREFLIGHT_H

#include "cli.h"

/* Returns 0, 1 for warnings, 2 for failures. */
int cli_preflight(const struct cli *c);

#endif /* VXP_CLI_PREFLIGHT_H */
