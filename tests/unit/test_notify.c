// SPDX-License-Identifier: GPL-2.0-only
/* Whether a service manager listens, decided in one place: NOTIFY_SOCKET set
 * and not empty. The daemon asks it before using the fd store and before
 * detaching. */
#include "config.h"

#include <stdlib.h>

#include "daemon/notify.h"
#include "tap.h"

int main(void)
{
	unsetenv("NOTIFY_SOCKET");
	tap_ok(!notify_available(), "NOTIFY_SOCKET unset: no service manager");
	setenv("NOTIFY_SOCKET", "", 1);
	tap_ok(!notify_available(), "NOTIFY_SOCKET empty: none either");
	setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1);
	tap_ok(notify_available(), "a path: one listens");
	setenv("NOTIFY_SOCKET", "@/org/freedesktop/systemd1/notify/42", 1);
	tap_ok(notify_available(), "an abstract socket: one listens");
	return tap_done();
}
