/* SPDX-License-Identifier: GPL-2.0-only */
/* Restart without a gap, the daemon's part: take over the XDP links the
 * previous daemon left in systemd's fd store, and leave this daemon's links
 * and maps there for the next. */
#ifndef VXP_DAEMON_TAKEOVER_H
#define VXP_DAEMON_TAKEOVER_H

#include "daemon.h"

struct fdstore;
/* The link the previous daemon stored under name, carrying prog_fd now; -1
 * when there is none or it cannot be taken over (then it is closed). */
int daemon_take_link(struct daemon *d, struct fdstore *s, const char *name, int prog_fd,
		     const struct netdev_info *nd, const char *role, enum xdp_mode *ret_mode);
/* Leaves the links and maps in systemd's fd store for the next daemon, and
 * removes what s (what was handed back at start) holds that it did not
 * store again. */
void daemon_store(struct daemon *d, struct fdstore *s);

#endif /* VXP_DAEMON_TAKEOVER_H */
