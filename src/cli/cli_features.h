/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipeline features: the sampled feature records (contract step 8) as
 * they come, one line each, as a table, CSV or JSON lines; on the way out the
 * seed's summary (records, rate, kernel-to-user latency) on standard error. */
#ifndef VXP_CLI_FEATURES_H
#define VXP_CLI_FEATURES_H

#include "cli.h"

/* Returns the command's exit status. */
int cli_features(const struct cli *c);

#endif /* VXP_CLI_FEATURES_H */
