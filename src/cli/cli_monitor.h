/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipeline monitor: the seed's live table, a row every interval, its
 * status green, yellow or red against target_pps (100%, 70%), colour only on
 * a terminal; Ctrl-C ends it cleanly. */
#ifndef VXP_CLI_MONITOR_H
#define VXP_CLI_MONITOR_H

#include "cli.h"

/* Returns the command's exit status. */
int cli_monitor(const struct cli *c);

#endif /* VXP_CLI_MONITOR_H */
