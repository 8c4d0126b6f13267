/* SPDX-License-Identifier: GPL-2.0-only */
/* What the daemon's HTTP endpoint says: /metrics in the Prometheus text
 * format, /healthz for a load balancer, and JSON for the vxlan-pipeline CLI
 * (/status, /stats, /nat). Each returns the HTTP status. */
#ifndef VXP_PAGES_H
#define VXP_PAGES_H

#include "buf.h"
#include "daemon.h"

int page_metrics(struct daemon *d, struct buf *b);
int page_health(struct daemon *d, struct buf *b);
int page_status(struct daemon *d, struct buf *b);
int page_stats(struct daemon *d, struct buf *b);
int page_nat(struct daemon *d, struct buf *b);

#endif /* VXP_PAGES_H */
