/* SPDX-License-Identifier: GPL-2.0-only */
/* What the daemon's HTTP endpoint says: /metrics in the Prometheus text
 * format, /healthz for a load balancer, and JSON for the vxlan-pipeline CLI
 * (/status, /stats, /nat). */
#ifndef VXP_PAGES_H
#define VXP_PAGES_H

#include "http.h"

/* /metrics and /healthz (TCP and the control socket), /status, /stats and
 * /nat (the control socket only), for http_open() with the
 * struct daemon as its ctx */
#define PAGES_N 5
extern const struct http_page pages[PAGES_N];

#endif /* VXP_PAGES_H */
