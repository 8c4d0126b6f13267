// SPDX-License-Identifier: GPL-2.0-only
/* What a path is, in words for a message, and whether a file found there may
 * be trusted. */
#include "config.h"

#include <sys/stat.h>

#include "file_trust.h"

const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symbolic link";
	case S_IFSOCK:
		return "a socket";
	case S_IFIFO:
		return "a FIFO";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	default:
		return "of an unknown kind";
	}
}
