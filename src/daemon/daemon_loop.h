/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's one thread: an epoll loop over a signalfd, the statistics and
 * watchdog timers, the HTTP server and the feature stream. */
#ifndef VXP_DAEMON_LOOP_H
#define VXP_DAEMON_LOOP_H

#include "daemon.h"

/* Runs until SIGTERM or SIGINT; SIGHUP reloads. Returns 0 or -errno. */
int daemon_run(struct daemon *d);

#endif /* VXP_DAEMON_LOOP_H */
