/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipeline features: the sampled feature records (contract step 8) as
 * they come, one line each, as a table, CSV or JSON lines; on the way out the
 * seed's summary (records, rate, kernel-to-user latency) on standard error. */
#ifndef VXP_CLI_FEATURES_H
#define VXP_CLI_FEATURES_H

#include "cli.h"
#include "libvxp/feature_socket.h"

/* Returns the command's exit status. */
int cli_features(const struct cli *c);
/* One record, as the daemon sent it, in c's format. */
void cli_features_show(const struct cli *c, const struct feature_msg *m);

#endif /* VXP_CLI_FEATURES_H */
