/* SPDX-License-Identifier: GPL-2.0-only */
/* The data plane's counters as user space sees them: summed over CPUs, with
 * the labels the shared header gives each reason, outcome and event. */
#ifndef VXP_STATS_H
#define VXP_STATS_H

#include "vxlan_pipeline.h"

const char *stats_reason_label(int reason);
const char *stats_outcome_label(int outcome);
const char *stats_event_label(int event);

/* Sums the per-CPU values of the vxp_stats map. Returns 0 or -errno. */
int stats_read(int stats_fd, struct vxp_stats *ret_sum);

/* Packets and bytes of every reason with the given outcome. */
struct vxp_counter stats_outcome_total(const struct vxp_stats *st, int outcome);

#endif /* VXP_STATS_H */
