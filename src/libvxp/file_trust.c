// SPDX-License-Identifier: GPL-2.0-only
/* What a path is, in words for a message, and whether a file found there may
 * be trusted. */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

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

static bool read_only(int fd)
{
	struct statvfs vfs;

	return !fstatvfs(fd, &vfs) && (vfs.f_flag & ST_RDONLY);
}

static const char *user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "uid %u", (unsigned)uid);
	return buf;
}

int file_trust_check(int fd, const char *path, bool dir, char *why, size_t size)
{
	const char *what = dir ? "the configuration directory" : "a configuration file";
	char owner[64];
	struct stat st;

	if (fstat(fd, &st)) {
		snprintf(why, size, "cannot read: %m");
		return -errno;
	}
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		snprintf(why, size,
			 "%s, not %s: remove it, or rename it so that it does not end in "
			 "'.conf'",
			 file_kind(st.st_mode), dir ? "a directory" : "a regular file");
		return -EPERM;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(why, size,
			 "%s owned by %s, not root: anyone who is could change it; run: "
			 "chown root '%s'",
			 what, user_name(st.st_uid, owner, sizeof(owner)), path);
		return -EPERM;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !read_only(fd)) {
		snprintf(why, size,
			 "%s writable by %s (mode %04o): anyone %s could change where "
			 "mirrored traffic goes; run: chmod go-w '%s'",
			 what,
			 (st.st_mode & S_IWGRP) && (st.st_mode & S_IWOTH) ? "group and others"
			 : st.st_mode & S_IWGRP				  ? "group"
									  : "others",
			 (unsigned)(st.st_mode & 07777),
			 st.st_mode & S_IWOTH ? "on this host" : "in its group", path);
		return -EPERM;
	}
	return 0;
}
