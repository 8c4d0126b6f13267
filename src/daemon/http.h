/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's HTTP endpoint: libmicrohttpd, run from the daemon's own epoll
 * loop, on the metrics address (TCP) and on the control socket (a unix socket
 * the vxlan-pipeline CLI talks to), with bounded connections and timeouts so
 * that no client can stall the loop or grow the daemon. */
#ifndef VXP_HTTP_H
#define VXP_HTTP_H

#include <stddef.h>
#include "buf.h"

/* Connections kept at once, and from one address: past either, a newcomer
 * takes the place of the connection that has waited longest for its
 * request's headers. */
#define HTTP_CONNECTIONS_MAX 16
#define HTTP_PER_IP_MAX	     4
/* A request's headers must be in this long after the connection began to
 * wait for them (accepted, or the previous request answered), however slowly
 * they trickle in. */
#define HTTP_HEADERS_DEADLINE_S 5
/* Inactivity: no byte either way for this long closes a connection. */
#define HTTP_TIMEOUT_S	5
#define HTTP_MEMORY_MAX 32768

/* Where a page is served: TCP (metrics_listen) is open to whoever reaches
 * the address, the control socket to root and the service group. */
#define HTTP_ON_TCP	0x1
#define HTTP_ON_CONTROL 0x2

/* A page the endpoint serves: render writes its body into b and returns the
 * HTTP status; ctx is what http_open() was given. */
struct http_page {
	const char *path;
	const char *type; /* Content-Type */
	int (*render)(void *ctx, struct buf *b);
	unsigned where; /* HTTP_ON_TCP, HTTP_ON_CONTROL or both */
};

struct http;

/* Serves the n pages (and a list of them at "/"), each where it says, with
 * ctx; anything else is a 404. listen "" and
 * control NULL or "" turn each off. NULL with errno, and the cause logged, on
 * failure. */
struct http *http_open(const struct http_page *pages, size_t n, void *ctx, const char *listen,
		       const char *control);
void http_close(struct http *h);
/* The fds to watch (up to 2); returns how many. */
int http_fds(const struct http *h, int fds[2]);
/* Runs whatever is ready or due. */
void http_run(struct http *h);
/* Milliseconds until http_run() is due regardless of fds, or -1. */
int http_timeout_ms(const struct http *h);

#endif /* VXP_HTTP_H */
