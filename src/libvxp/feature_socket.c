// SPDX-License-Identifier: GPL-2.0-only
/* The features socket as its two ends see it: where it is, beside the control
 * socket. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "feature_socket.h"

void feature_socket_path(const char *control, char *buf, size_t size)
{
	const char *slash = strrchr(control, '/');

	if (!*control) {
		snprintf(buf, size, "%s", "");
		return;
	}
	snprintf(buf, size, "%.*s%s", slash ? (int)(slash - control + 1) : 0, control,
		 FEATURES_SOCKET);
}
