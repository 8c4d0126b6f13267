// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's listening unix sockets (the control socket, the features
 * socket): a path is taken over only when it holds a socket nobody answers
 * on; anything else there is left alone and refused. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unix_listen.h"
#include "libvxp/file_trust.h"

/* The directory of path, made when missing: 0750, the group's. */
static int make_dir(const char *path, gid_t gid)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0750))
		return errno == EEXIST ? 0 : -errno;
	return gid != (gid_t)-1 && lchown(dir, (uid_t)-1, gid) ? -errno : 0;
}

/* 0 when path is free or holds a socket nobody answers on (removed). */
static int take_path(const struct sockaddr_un *sa, int type)
{
	struct stat st;
	int fd, err;

	if (lstat(sa->sun_path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	err = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) ? errno : 0;
	close(fd);
	if (err == ENOENT)
		return 0; /* gone meanwhile */
	if (err != ECONNREFUSED)
		return -EADDRINUSE; /* answered, busy, or of another type: someone's */
	return unlink(sa->sun_path) && errno != ENOENT ? -errno : 0;
}

/* Created 0660 by bind() itself, so there is no moment with another mode
 * and no chmod() to follow a link put there meanwhile. A bind() that failed
 * made nothing: what is at the path then (another daemon's socket, bound
 * since take_path() looked) is not ours to remove. */
static int bind_listen(int fd, const struct sockaddr_un *sa, int backlog, gid_t gid)
{
	mode_t old = umask(0117);
	int err = bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) ? -errno : 0;

	umask(old);
	if (err)
		return err;
	if (gid != (gid_t)-1 && lchown(sa->sun_path, (uid_t)-1, gid))
		err = -errno;
	if (!err && listen(fd, backlog))
		err = -errno;
	if (err)
		unlink(sa->sun_path);
	return err;
}

int unix_listen(const char *path, int type, int backlog, const char *group)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct group *g = group ? getgrnam(group) : NULL;
	gid_t gid = g ? g->gr_gid : (gid_t)-1;
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	err = make_dir(path, gid);
	if (!err)
		err = take_path(&sa, type);
	if (err)
		return err;
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	err = bind_listen(fd, &sa, backlog, gid);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

const char *unix_listen_why(int err, const char *path, char *buf, size_t size)
{
	struct stat st;

	if (err == -ENOTSOCK)
		snprintf(buf, size,
			 "it exists and is %s, not a socket, and is left alone: remove it, or "
			 "set control_socket to another path",
			 lstat(path, &st) ? "gone now" : file_kind(st.st_mode));
	else if (err == -EADDRINUSE)
		snprintf(buf, size,
			 "another process answers on it (a vxlan-pipelined running already?): "
			 "stop that one, or set control_socket to another path");
	else
		snprintf(buf, size, "%s (set control_socket to a writable path, or \"\" for off)",
			 strerror(-err));
	return buf;
}
