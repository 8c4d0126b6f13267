/* SPDX-License-Identifier: GPL-2.0-only */
/* Is the data path working? For /healthz, the status and the log; and the
 * one repair the daemon can do without privileges. */
#ifndef VXP_DAEMON_HEALTH_H
#define VXP_DAEMON_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include "daemon.h"

/* Whether a link of ours still holds its program on an interface. */
bool daemon_link_attached(int link_fd);
/* Whether the data path works, and in a sentence why (not). */
bool daemon_health(struct daemon *d, char *reason, size_t size);
/* Puts an egress interface that came back under a new index back into the
 * transmit ports. */
void daemon_check_egress(struct daemon *d);
/* Logs the health when it changes: once when the data path fails, with the
 * reason, and once when it works again. */
void daemon_watch_health(struct daemon *d);

#endif /* VXP_DAEMON_HEALTH_H */
