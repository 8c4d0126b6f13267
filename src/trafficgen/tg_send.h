/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-trafficgen's senders: threads that each own a share of the flows and
 * of the rate, send in batches with sendmmsg (UDP sockets, or AF_PACKET for
 * whole frames), and sleep to the schedule between batches; never spin. */
#ifndef VXP_TG_SEND_H
#define VXP_TG_SEND_H

#include "tg.h"

/* Sends as configured until done, or until a signal arrives on sigfd (a
 * signalfd for SIGINT and SIGTERM, or -1); returns 0 or -errno (logged). */
int tg_send(const struct tg_config *cfg, int sigfd, struct tg_send_result *ret);

#endif /* VXP_TG_SEND_H */
