// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's side of systemd's notify protocol (sd_notify): READY, STATUS,
 * RELOADING, STOPPING, WATCHDOG, ERRNO. Without NOTIFY_SOCKET all are no-ops. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <time.h>
#include <systemd/sd-daemon.h>

#include "notify.h"

bool notify_available(void)
{
	const char *e = getenv("NOTIFY_SOCKET");

	return e && *e;
}

void notify_ready(void)
{
	sd_notify(0, "READY=1");
}

void notify_status(const char *fmt, ...)
{
	char status[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(status, sizeof(status), fmt, ap);
	va_end(ap);
	sd_notifyf(0, "STATUS=%s", status);
}

/* systemd (253 and later) matches RELOADING=1 to the reload it asked for by
 * the monotonic time sent with it. */
void notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)ts.tv_sec * 1000000ULL +
			   (unsigned long long)ts.tv_nsec / 1000);
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

void notify_errno(int err)
{
	sd_notifyf(0, "ERRNO=%d", err);
}

uint64_t notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}
