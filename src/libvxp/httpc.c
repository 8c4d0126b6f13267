// SPDX-License-Identifier: GPL-2.0-only
/* A minimal HTTP/1.0 GET for the CLI and the generator: to the daemon's
 * control socket (a path) or its metrics address (address:port). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "httpc.h"

#define HTTPC_TIMEOUT_S 3
#define HTTPC_MAX	(8 << 20)

static int connect_to(const char *where)
{
	struct timeval tv = { HTTPC_TIMEOUT_S, 0 };
	struct sockaddr_storage ss;
	struct sockaddr_un *un = (struct sockaddr_un *)&ss;
	union vxp_addr a;
	uint16_t port;
	unsigned len;
	int fd, family;

	memset(&ss, 0, sizeof(ss));
	if (where[0] == '/') {
		if (strlen(where) >= sizeof(un->sun_path))
			return -ENAMETOOLONG;
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, where);
		len = sizeof(*un);
	} else {
		family = addr_parse_port(where, &a, &port);
		if (family < 0 || !port)
			return -EINVAL;
		addr_sockaddr(family, &a, port, &ss, &len);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&ss, len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The whole answer, until the server closes (HTTP/1.0). */
static int read_all(int fd, char **ret, size_t *ret_len)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *t;
	ssize_t n;

	while (buf && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len - 1 > 0)
			continue;
		t = cap < HTTPC_MAX ? realloc(buf, cap * 2) : NULL;
		if (!t) {
			free(buf);
			return -EFBIG;
		}
		buf = t;
		cap *= 2;
	}
	if (!buf)
		return -ENOMEM;
	if (n < 0) {
		free(buf);
		return -errno;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

int httpc_get(const char *where, const char *path, char **ret_body)
{
	char req[512], *resp = NULL, *body;
	int fd = connect_to(where), status, err;
	size_t len = 0;

	if (fd < 0)
		return fd;
	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: vxlan-pipeline\r\n\r\n", path);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		err = -errno;
		close(fd);
		return err ? err : -EIO;
	}
	err = read_all(fd, &resp, &len);
	close(fd);
	if (err)
		return err;
	body = strstr(resp, "\r\n\r\n");
	if (sscanf(resp, "HTTP/%*d.%*d %d", &status) != 1 || !body) {
		free(resp);
		return -EPROTO;
	}
	memmove(resp, body + 4, len - (size_t)(body + 4 - resp) + 1);
	*ret_body = resp;
	return status;
}
