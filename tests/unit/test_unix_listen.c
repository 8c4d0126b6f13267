// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's listening unix sockets: a path is taken over only when it
 * holds a socket nobody answers on. A file, a directory, a symbolic link or
 * a live socket there are refused and left as they were, as is one another
 * daemon binds between the look and the bind; a stale socket is replaced;
 * the new one is mode 0660 from the start. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/unix_listen.h"
#include "tap.h"

static char dir[] = "/tmp/vxp-unix.XXXXXX";
static char path[96], target[96];
static int racer = -1; /* -2: the next bind() finds a racer's socket first */

/* Linked with -Wl,--wrap=bind: every bind() of this program comes here. */
int __real_bind(int fd, const struct sockaddr *sa, socklen_t len);
int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len);
int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (racer == -2) {
		/* another daemon, started at the same moment, binds first */
		racer = socket(AF_UNIX, SOCK_STREAM, 0);
		if (racer < 0 || __real_bind(racer, sa, len) || listen(racer, 4))
			tap_bail("the racer's socket");
	}
	return __real_bind(fd, sa, len);
}

static bool holds(const char *p, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(p, "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return !strcmp(buf, text);
}

static void put(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		tap_bail("%s", p);
}

static int connect_to(const char *p)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void check_not_sockets(void)
{
	char why[256];
	int ret;

	put(path, "precious\n");
	ret = unix_listen(path, SOCK_STREAM, 4, NULL);
	tap_ok(ret == -ENOTSOCK && holds(path, "precious\n"),
	       "a regular file at the path: refused, and left as it was (%s)",
	       unix_listen_why(ret, path, why, sizeof(why)));
	unlink(path);
	put(target, "precious\n");
	if (symlink(target, path))
		tap_bail("symlink");
	ret = unix_listen(path, SOCK_STREAM, 4, NULL);
	tap_ok(ret == -ENOTSOCK && holds(target, "precious\n") && !access(path, F_OK),
	       "a symbolic link: refused, link and target left (%s)",
	       unix_listen_why(ret, path, why, sizeof(why)));
	unlink(path);
	if (mkdir(path, 0700))
		tap_bail("mkdir");
	ret = unix_listen(path, SOCK_STREAM, 4, NULL);
	tap_ok(ret == -ENOTSOCK, "a directory: refused (%s)",
	       unix_listen_why(ret, path, why, sizeof(why)));
	rmdir(path);
}

static void check_sockets(void)
{
	struct stat st;
	char why[256];
	int live, again, c;

	live = unix_listen(path, SOCK_STREAM, 4, NULL);
	if (stat(path, &st))
		st.st_mode = 0;
	tap_ok(live >= 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 07777) == 0660,
	       "a free path: a socket, mode %04o", (unsigned)(st.st_mode & 07777));
	again = unix_listen(path, SOCK_STREAM, 4, NULL);
	c = connect_to(path);
	tap_ok(again == -EADDRINUSE && c >= 0,
	       "a socket someone answers on: refused, and it still answers (%s)",
	       unix_listen_why(again, path, why, sizeof(why)));
	close(c);
	close(live); /* a daemon killed: its socket stays, nobody answers */
	tap_ok(!access(path, F_OK) && connect_to(path) < 0, "a stale socket: there, not answering");
	again = unix_listen(path, SOCK_STREAM, 4, NULL);
	c = connect_to(path);
	tap_ok(again >= 0 && c >= 0, "a stale socket is replaced, and the new one answers");
	close(c);
	close(again);
	unlink(path);
}

/* Two daemons with the same path started together: both find it free, the
 * other binds first. The one whose bind() fails must leave the other's
 * socket there (before, it unlinked the path on any failure). */
static void check_race(void)
{
	char why[256];
	int ret, c;

	racer = -2;
	ret = unix_listen(path, SOCK_STREAM, 4, NULL);
	c = connect_to(path);
	tap_ok(racer >= 0 && ret == -EADDRINUSE && c >= 0,
	       "a socket bound there since the path was found free: refused, and the other's "
	       "socket is left and answers (%s)",
	       unix_listen_why(ret, path, why, sizeof(why)));
	if (c >= 0)
		close(c);
	if (ret >= 0)
		close(ret);
	if (racer >= 0)
		close(racer);
	racer = -1;
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(dir))
		tap_bail("mkdtemp");
	snprintf(path, sizeof(path), "%s/control.sock", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	umask(022);
	check_not_sockets();
	check_sockets();
	check_race();
	unlink(target);
	rmdir(dir);
	return tap_done();
}
