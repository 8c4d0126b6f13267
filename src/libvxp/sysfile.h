/* SPDX-License-Identifier: GPL-2.0-only */
/* One number from a kernel file of one value: a sysctl under /proc/sys, an
 * interface's counter under /sys/class/net. */
#ifndef VXP_SYSFILE_H
#define VXP_SYSFILE_H

/* The number path holds into *ret (written only then). Returns 0, -errno
 * when it cannot be read, or -EINVAL when it holds no number. */
int sysfile_read(const char *path, long long *ret);

#endif /* VXP_SYSFILE_H */
