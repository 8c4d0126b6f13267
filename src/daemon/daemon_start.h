/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipelined's start and shutdown: load the data plane, configure it,
 * check the interfaces, attach, drop privileges; and undo it all. */
#ifndef VXP_DAEMON_START_H
#define VXP_DAEMON_START_H

#include "daemon.h"

/* d->opts and d->cfg filled in; everything else is set up here. Logs the
 * cause of a failure; returns 0 or -errno. */
int daemon_start(struct daemon *d);
/* Detaches and frees everything daemon_start() set up. */
void daemon_shutdown(struct daemon *d);

#endif /* VXP_DAEMON_START_H */
