/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's side of systemd's notify protocol (sd_notify): READY, STATUS,
 * RELOADING, STOPPING, WATCHDOG, ERRNO. Without NOTIFY_SOCKET all are no-ops. */
#ifndef VXP_NOTIFY_H
#define VXP_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* Whether a service manager listens: NOTIFY_SOCKET is set, and not empty. */
bool notify_available(void);
void notify_ready(void);
__attribute__((format(printf, 1, 2))) void notify_status(const char *fmt, ...);
void notify_reloading(void);
void notify_stopping(void);
void notify_watchdog(void);
void notify_errno(int err);
/* The watchdog period systemd asked for, in microseconds, or 0. */
uint64_t notify_watchdog_usec(void);

#endif /* VXP_NOTIFY_H */
