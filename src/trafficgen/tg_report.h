/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-trafficgen's reports, as text for a person or one JSON object. */
#ifndef VXP_TG_REPORT_H
#define VXP_TG_REPORT_H

#include <stdio.h>
#include "tg.h"
#include "tg_metrics.h"

/* pipeline: what the pipeline's counters did meanwhile, or NULL */
void tg_report_send(FILE *f, const struct tg_config *cfg, const struct tg_send_result *r,
		    const struct tg_pipeline *pipeline);
void tg_report_recv(FILE *f, const struct tg_recv_result *r, bool json,
		    const struct tg_pipeline *pipeline);

#endif /* VXP_TG_REPORT_H */
