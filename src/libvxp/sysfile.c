// SPDX-License-Identifier: GPL-2.0-only
/* One number from a kernel file of one value: a sysctl under /proc/sys, an
 * interface's counter under /sys/class/net. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "sysfile.h"

int sysfile_read(const char *path, long long *ret)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%lld", ret) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}
