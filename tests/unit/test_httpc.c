// SPDX-License-Identifier: GPL-2.0-only
/* The HTTP client the CLI and the generator use (libcurl underneath): a
 * status and a body from a unix socket or a TCP address; nothing listening,
 * an answer that is not HTTP, a status outside 100-599, a body past the cap
 * and an answer that never ends are each an error, with the errno that says
 * which. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fakehttp.h"
#include "libvxp/httpc.h"
#include "tap.h"

static char dir[] = "/tmp/vxp-httpc.XXXXXX";

/* GETs /status from a server that answers reply; the status, body in *body. */
static int ask(const char *reply, size_t len, int tcp, unsigned drip_n, char **body)
{
	struct fake_http f = { 0 };
	int ret;

	*body = NULL;
	ret = fake_http_start(&f, dir, tcp, reply, len, drip_n, 100);
	if (ret)
		tap_bail("the fake server: %s", strerror(-ret));
	ret = httpc_get(f.where, "/status", body);
	fake_http_stop(&f);
	return ret;
}

static void answers(void)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				 "Content-Length: 12\r\n\r\n{\"ok\": true}";
	static const char nf[] = "HTTP/1.0 404 Not Found\r\n\r\nno such page\n";
	static const char empty[] = "HTTP/1.1 204 No Content\r\n\r\n";
	char *body;
	int ret;

	ret = ask(ok, strlen(ok), 0, 0, &body);
	tap_ok(ret == 200 && body && !strcmp(body, "{\"ok\": true}"),
	       "unix socket: 200 and the body, as sent (%d)", ret);
	free(body);
	ret = ask(ok, strlen(ok), 1, 0, &body);
	tap_ok(ret == 200 && body && !strcmp(body, "{\"ok\": true}"),
	       "TCP on 127.0.0.1: the same (%d)", ret);
	free(body);
	ret = ask(nf, strlen(nf), 0, 0, &body);
	tap_ok(ret == 404 && body && !strcmp(body, "no such page\n"),
	       "HTTP/1.0, closed to end the body: 404 with its text (%d)", ret);
	free(body);
	ret = ask(empty, strlen(empty), 0, 0, &body);
	tap_ok(ret == 204 && body && !*body, "no body: an empty string, not NULL (%d)", ret);
	free(body);
}

static void not_http(void)
{
	static const struct {
		const char *reply, *what;
	} bad[] = {
		{ "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n", "status 999" },
		{ "HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n", "status 99" },
		{ "HTTP/1.1 -200 OK\r\nContent-Length: 0\r\n\r\n", "status -200" },
		{ "HTTP/1.1 -2 Gone\r\nContent-Length: 0\r\n\r\n", "status -2 (-ENOENT)" },
		{ "HTTP/1.0 -111\r\n\r\n", "status -111 (-ECONNREFUSED)" },
		{ "hello there\r\n\r\n", "not HTTP at all" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", "a body cut short" },
		{ "", "closed without a word" },
	};
	char *body;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ret = ask(bad[i].reply, strlen(bad[i].reply), 0, 0, &body);
		tap_ok(ret < 0 && !body, "%s: an error (%s)", bad[i].what,
		       ret < 0 ? strerror(-ret) : "none");
	}
}

static void too_big(void)
{
	size_t n = HTTPC_REPLY_MAX + 1, head;
	char *reply = malloc(n + 128), *body;
	int ret;

	if (!reply)
		tap_bail("out of memory");
	head = (size_t)sprintf(reply, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", n);
	memset(reply + head, 'a', n);
	ret = ask(reply, head + n, 0, 0, &body);
	tap_ok(ret == -EFBIG && !body, "a body of %d MiB and a byte: -EFBIG (%d)",
	       HTTPC_REPLY_MAX >> 20, ret);
	/* the cap itself is fine */
	head = (size_t)sprintf(reply, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", n - 1);
	memset(reply + head, 'a', n - 1);
	ret = ask(reply, head + n - 1, 0, 0, &body);
	tap_ok(ret == 200 && body && strlen(body) == n - 1, "exactly %d MiB: taken whole (%d)",
	       HTTPC_REPLY_MAX >> 20, ret);
	free(body);
	free(reply);
}

/* A server that keeps the connection busy, a byte every 100 ms for 10 s: a
 * timeout per read never fires; the deadline for the whole does. */
static void deadline(void)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
	struct timespec a, b;
	char *body;
	double secs;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &a);
	ret = ask(head, strlen(head), 0, 100, &body);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	tap_ok(ret == -ETIMEDOUT && !body, "a reply that drips: -ETIMEDOUT (%d) after %.1f s", ret,
	       secs);
}

static void nobody_there(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[sizeof(sa.sun_path)], *body = NULL;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/none.sock", dir);
	ret = httpc_get(path, "/status", &body);
	tap_ok(ret == -ENOENT && !body, "no socket at the path: -ENOENT (%d)", ret);
	/* a socket file nobody listens on, as a crashed daemon leaves it */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		tap_bail("a socket file: %s", strerror(errno));
	close(fd);
	ret = httpc_get(path, "/status", &body);
	tap_ok(ret == -ECONNREFUSED && !body, "a socket nobody listens on: -ECONNREFUSED (%d)",
	       ret);
	unlink(path);
	ret = httpc_get("localhost:80", "/status", &body);
	tap_ok(ret == -EINVAL && !body, "an address that is not one: -EINVAL (%d)", ret);
	ret = httpc_get("127.0.0.1", "/status", &body);
	tap_ok(ret == -EINVAL && !body, "an address without a port: -EINVAL (%d)", ret);
}

int main(void)
{
	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %s", strerror(errno));
	answers();
	not_http();
	too_big();
	nobody_there();
	deadline();
	rmdir(dir);
	return tap_done();
}
