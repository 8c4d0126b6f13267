/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-trafficgen --receive: counts what arrives on the collector, checks
 * every payload byte and each flow's sequence numbers (loss, duplicates,
 * reordering), and measures one-way latency against the sender's clock. */
#ifndef VXP_TG_RECV_H
#define VXP_TG_RECV_H

#include <stdint.h>
#include "tg.h"

/* Receives until count, duration or idle says stop, or a signal arrives on
 * sigfd (or -1). Returns 0 or -errno. */
int tg_receive(const struct tg_recv_config *rc, int sigfd, struct tg_recv_result *ret);
/* The latency below which fraction q of the packets arrived, in ns. */
uint64_t tg_latency_quantile(const struct tg_recv_result *r, double q);

#endif /* VXP_TG_RECV_H */
