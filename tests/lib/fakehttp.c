// SPDX-License-Identifier: GPL-2.0-only
/* A stand-in for the daemon's HTTP endpoint in unit tests: canned answers to
 * connections, one each, from a child process. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include "fakehttp.h"

#define GIVE_UP_MS 20000

static int listen_unix(struct fake_http *f, const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/http.sock", dir) >=
	    (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(f->where, sa.sun_path, sizeof(sa.sun_path));
	unlink(f->where);
	if (fd >= 0 && (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1))) {
		close(fd);
		fd = -1;
	}
	return fd < 0 ? -errno : fd;
}

static int listen_tcp(struct fake_http *f)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1) ||
			getsockname(fd, (struct sockaddr *)&sa, &len))) {
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return -errno;
	snprintf(f->where, sizeof(f->where), "127.0.0.1:%u", ntohs(sa.sin_port));
	return fd;
}

/* The request, up to its blank line: the answer must not race it. */
static void read_request(int fd)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			return;
	}
}

/* One connection: the reply, then the drip; false when none came. */
static bool serve_one(int lfd, const char *reply, size_t len, unsigned drip_n, unsigned drip_ms)
{
	struct pollfd p = { lfd, POLLIN, 0 };
	unsigned i;
	int fd;

	if (poll(&p, 1, GIVE_UP_MS) <= 0)
		return false;
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return false;
	read_request(fd);
	while (len) {
		ssize_t n = write(fd, reply, len);

		if (n <= 0)
			break; /* the client hung up: its business */
		reply += n;
		len -= (size_t)n;
	}
	for (i = 0; !len && i < drip_n && write(fd, "x", 1) == 1; i++)
		usleep(drip_ms * 1000);
	close(fd);
	return true;
}

/* Listens and forks the server: in the child, the listening fd (never 0,
 * which stdin holds); in the parent 0, or -errno. */
static int spawn(struct fake_http *f, const char *dir, int tcp)
{
	int fd = tcp ? listen_tcp(f) : listen_unix(f, dir);

	if (fd < 0)
		return fd;
	f->pid = fork();
	if (f->pid < 0) {
		close(fd);
		return -errno;
	}
	if (f->pid) {
		close(fd);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	return fd;
}

int fake_http_start(struct fake_http *f, const char *dir, int tcp, const char *reply, size_t len,
		    unsigned drip_n, unsigned drip_ms)
{
	int fd = spawn(f, dir, tcp);

	if (fd > 0)
		_exit(serve_one(fd, reply, len, drip_n, drip_ms) ? 0 : 1);
	return fd;
}

int fake_http_start_seq(struct fake_http *f, const char *dir, const char *const *replies, size_t n)
{
	int fd = spawn(f, dir, 0);
	size_t i;

	if (fd > 0) {
		for (i = 0; i < n; i++)
			if (!serve_one(fd, replies[i], strlen(replies[i]), 0, 0))
				_exit(1);
		_exit(0);
	}
	return fd;
}

void fake_http_stop(struct fake_http *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	f->pid = 0;
	if (f->where[0] == '/')
		unlink(f->where);
}
