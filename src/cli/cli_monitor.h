/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipeline monitor: the seed's live table, a row every interval, its
 * status green, yellow or red against target_pps (100%, 70%), colour only on
 * a terminal; Ctrl-C ends it cleanly. */
#ifndef VXP_CLI_MONITOR_H
#define VXP_CLI_MONITOR_H

#include "cli.h"

/* Returns the command's exit status. */
int cli_monitor(const struct cli *c);
/* Row number rows (from 0) of the table, from two /status samples, with the
 * header before the first. */
void cli_monitor_show(const struct cli *c, const json_t *prev, const json_t *cur,
		      unsigned long rows);

#endif /* VXP_CLI_MONITOR_H */
