/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipeline status, stats and nat: what the daemon is doing, every
 * counter, and the NAT rules as the data plane holds them. */
#ifndef VXP_CLI_STATUS_H
#define VXP_CLI_STATUS_H

#include "cli.h"

/* Each returns the command's exit status. */
int cli_status(const struct cli *c);
int cli_stats(const struct cli *c);
int cli_nat(const struct cli *c);
/* What each prints of the daemon's answer: two /status samples a second
 * apart; the body of /stats, of /nat. */
int cli_status_show(const struct cli *c, const json_t *before, const json_t *after);
int cli_stats_show(const struct cli *c, const char *body);
int cli_nat_show(const struct cli *c, const char *body);

#endif /* VXP_CLI_STATUS_H */
