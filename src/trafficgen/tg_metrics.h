/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-trafficgen --metrics: the pipeline's counters from its /metrics before
 * and after a run, so one report says what was sent, what the pipeline did
 * with it, and what arrived. */
#ifndef VXP_TG_METRICS_H
#define VXP_TG_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "vxlan_pipeline.h"

struct tg_pipeline {
	uint64_t packets[VXP_REASON__COUNT];
};

/* Reads vxlan_pipeline_packets_total from where's /metrics. 0 or -errno. */
int tg_metrics_read(const char *where, struct tg_pipeline *ret);
/* after - before, into ret. */
void tg_metrics_delta(const struct tg_pipeline *before, const struct tg_pipeline *after,
		      struct tg_pipeline *ret);
/* The pipeline's part of a report: text lines, or a JSON member
 * ("pipeline": {...}) to put inside the report's object. */
void tg_metrics_report(FILE *f, const struct tg_pipeline *delta, bool json);

#endif /* VXP_TG_METRICS_H */
