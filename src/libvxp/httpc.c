// SPDX-License-Identifier: GPL-2.0-only
/* An HTTP GET for the CLI and the generator, through libcurl: to the daemon's
 * control socket (a path) or its metrics address (address:port), with one
 * deadline for the whole exchange and a cap on the size of the reply. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <curl/curl.h>

#include "addr.h"
#include "httpc.h"

#define HTTPC_URL_MAX (ADDR_STR_MAX + 256)

struct reply {
	char *p;
	size_t len, cap;
	bool too_big;
};

/* libcurl's write callback: less than n taken aborts the transfer. */
static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	size_t cap = r->cap ? r->cap : 4096;
	char *p;

	n *= size; /* size is 1, always */
	if (n > HTTPC_REPLY_MAX - r->len) {
		r->too_big = true;
		return 0;
	}
	while (cap < r->len + n + 1)
		cap *= 2;
	if (cap != r->cap) {
		p = realloc(r->p, cap);
		if (!p)
			return 0;
		r->p = p;
		r->cap = cap;
	}
	memcpy(r->p + r->len, data, n);
	r->len += n;
	r->p[r->len] = '\0';
	return n;
}

/* The URL for path at where, and the unix socket to reach it through. */
static int target(const char *where, const char *path, char *url, const char **ret_socket)
{
	char host[ADDR_STR_MAX] = "localhost";
	union vxp_addr a;
	uint16_t port;
	int family;

	*ret_socket = NULL;
	if (path[0] != '/')
		return -EINVAL;
	if (where[0] == '/') {
		if (strlen(where) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return -ENAMETOOLONG;
		*ret_socket = where;
	} else {
		/* the URL is written from the parsed address, never from the text */
		family = addr_parse_port(where, &a, &port);
		if (family < 0 || !port)
			return -EINVAL;
		addr_format(family, &a, port, host, sizeof(host));
	}
	if (snprintf(url, HTTPC_URL_MAX, "http://%s%s", host, path) >= HTTPC_URL_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* -errno for how a transfer failed; -ENOENT or -ECONNREFUSED when nothing
 * listens, as connect() said. */
static int transfer_error(CURL *h, CURLcode rc, const struct reply *r)
{
	long os_errno = 0;

	switch (rc) {
	case CURLE_WRITE_ERROR:
		return r->too_big ? -EFBIG : -ENOMEM;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
		if (os_errno > 0)
			return -(int)os_errno;
		return rc == CURLE_COULDNT_CONNECT ? -ECONNREFUSED : -EIO;
	default:
		return -EPROTO; /* not an HTTP answer */
	}
}

static int get(CURL *h, const char *url, const char *socket, struct reply *r)
{
	CURLcode rc;
	long status = 0;

	curl_easy_setopt(h, CURLOPT_URL, url);
	if (socket)
		curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socket);
	curl_easy_setopt(h, CURLOPT_PROXY, ""); /* never through http_proxy */
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)HTTPC_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK)
		return transfer_error(h, rc, r);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	return status >= 100 && status <= 599 ? (int)status : -EPROTO;
}

int httpc_get(const char *where, const char *path, char **ret_body)
{
	static bool initialised;
	struct reply r = { 0 };
	char url[HTTPC_URL_MAX];
	const char *socket;
	int ret = target(where, path, url, &socket);
	CURL *h;

	if (ret)
		return ret;
	if (!initialised && curl_global_init(CURL_GLOBAL_DEFAULT))
		return -ENOMEM;
	initialised = true;
	h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	ret = get(h, url, socket, &r);
	curl_easy_cleanup(h);
	if (ret >= 0 && !r.p)
		r.p = strdup(""); /* an empty body is a body */
	if (ret >= 0 && !r.p)
		ret = -ENOMEM;
	if (ret < 0)
		free(r.p);
	else
		*ret_body = r.p;
	return ret;
}
