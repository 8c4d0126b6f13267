// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's HTTP endpoint: libmicrohttpd, run from the daemon's own epoll
 * loop, on the metrics address (TCP) and on the control socket (a unix socket
 * the vxlan-pipeline CLI talks to), with bounded connections and timeouts so
 * that no client can stall the loop or grow the daemon. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "http.h"
#include "http_conns.h"
#include "unix_listen.h"
#include "libvxp/addr.h"
#include "libvxp/log.h"

#define SERVICE_GROUP "vxlan-pipeline"

struct http {
	const struct http_page *pages;
	size_t n_pages;
	void *ctx;
	struct MHD_Daemon *tcp, *control;
	struct http_conns tcp_conns, control_conns;
	char control_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static enum MHD_Result reply(struct MHD_Connection *c, int status, struct buf *b, const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (b->failed) {
		buf_free(b);
		buf_printf(b, "out of memory\n");
		status = 500;
	}
	r = MHD_create_response_from_buffer(b->len, b->p, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		buf_free(b);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* What the daemon knows of c: http_conns_add() gave it to MHD at its start. */
static struct http_conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *fd, *peer;

	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (*socket_context)
			http_conns_remove(*socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	peer = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	*socket_context =
		fd ? http_conns_add(cls, fd->connect_fd, peer ? peer->client_addr : NULL, now_ns())
		   : NULL;
}

/* A request answered: the connection waits for the next one's headers. */
static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_conn *conn = conn_of(c);

	(void)cls;
	(void)req_cls;
	(void)toe;
	if (conn)
		http_conns_idle(conn, now_ns());
}

/* Where the connection came in: HTTP_ON_TCP or HTTP_ON_CONTROL. */
static unsigned connection_where(const struct http *h, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_DAEMON);

	return ci && ci->daemon == h->tcp ? HTTP_ON_TCP : HTTP_ON_CONTROL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **req_cls)
{
	struct http *h = cls;
	unsigned where = connection_where(h, c);
	struct http_conn *conn = conn_of(c);
	const char *sep = "";
	struct buf b = { 0 };
	size_t i;

	(void)version;
	(void)upload;
	(void)req_cls;
	if (conn)
		http_conns_busy(conn); /* its headers are in */
	if (*upload_size)
		return MHD_NO; /* no request bodies here */
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		buf_printf(&b, "only GET and HEAD\n");
		return reply(c, 405, &b, "text/plain; charset=utf-8");
	}
	for (i = 0; i < h->n_pages; i++)
		if ((h->pages[i].where & where) && !strcmp(url, h->pages[i].path))
			return reply(c, h->pages[i].render(h->ctx, &b), &b, h->pages[i].type);
	buf_printf(&b, "vxlan-pipelined %s:", PACKAGE_VERSION);
	for (i = 0; i < h->n_pages; i++) {
		if (!(h->pages[i].where & where))
			continue;
		buf_printf(&b, "%s %s", sep, h->pages[i].path);
		sep = ",";
	}
	buf_printf(&b, "\n");
	return reply(c, strcmp(url, "/") ? 404 : 200, &b, "text/plain; charset=utf-8");
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("http: %s", msg);
}

/* MHD holds one connection more than conns keeps: the newcomer for whom
 * http_conns_add() cuts the oldest waiting one. Limits per address are
 * conns's too, so that a newcomer is let in rather than refused. */
static struct MHD_Daemon *start(struct http *h, unsigned flags, const struct sockaddr *sa,
				int listen_fd, struct http_conns *conns, unsigned per_ip)
{
	http_conns_init(conns, HTTP_CONNECTIONS_MAX, per_ip,
			(uint64_t)HTTP_HEADERS_DEADLINE_S * 1000000000ULL);
	return MHD_start_daemon(
		flags | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, h,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)HTTP_CONNS_SLOTS, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_S,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_MAX,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, conns, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, NULL, sa ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_LISTEN_SOCKET,
		sa ? (void *)sa : (void *)(long)listen_fd, MHD_OPTION_END);
}

static int open_tcp(struct http *h, const char *listen)
{
	struct sockaddr_storage sa;
	union vxp_addr a;
	uint16_t port;
	unsigned len;
	int family = addr_parse_port(listen, &a, &port);

	addr_sockaddr(family, &a, port, &sa, &len);
	h->tcp = start(h, family == VXP_AF_INET6 ? MHD_USE_IPv6 : 0, (struct sockaddr *)&sa, -1,
		       &h->tcp_conns, HTTP_PER_IP_MAX);
	if (!h->tcp) {
		log_err("Failed to listen on %s for /metrics and /healthz: %s (set metrics_listen "
			"to a free address:port, or \"\" for off)",
			listen, strerror(errno));
		return -EADDRINUSE;
	}
	return 0;
}

static int open_control(struct http *h, const char *path)
{
	int fd = unix_listen(path, SOCK_STREAM, HTTP_CONNECTIONS_MAX, SERVICE_GROUP);
	char why[256];

	if (fd < 0) {
		log_err("Failed to create the control socket '%s': %s", path,
			unix_listen_why(fd, path, why, sizeof(why)));
		return fd;
	}
	snprintf(h->control_path, sizeof(h->control_path), "%s", path);
	h->control = start(h, 0, NULL, fd, &h->control_conns, 0);
	if (!h->control) {
		close(fd);
		log_err("Failed to serve the control socket '%s': %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

struct http *http_open(const struct http_page *pages, size_t n, void *ctx, const char *listen,
		       const char *control)
{
	struct http *h = calloc(1, sizeof(*h));
	int err = h ? 0 : -ENOMEM;

	if (h) {
		h->pages = pages;
		h->n_pages = n;
		h->ctx = ctx;
	}
	if (!err && listen && *listen)
		err = open_tcp(h, listen);
	if (!err && control && *control)
		err = open_control(h, control);
	if (err) {
		http_close(h);
		errno = -err;
		return NULL;
	}
	return h;
}

void http_close(struct http *h)
{
	if (!h)
		return;
	if (h->tcp)
		MHD_stop_daemon(h->tcp);
	if (h->control)
		MHD_stop_daemon(h->control);
	if (h->control_path[0])
		unlink(h->control_path);
	free(h);
}

int http_fds(const struct http *h, int fds[2])
{
	int n = 0;

	if (h && h->tcp)
		fds[n++] = MHD_get_daemon_info(h->tcp, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd;
	if (h && h->control)
		fds[n++] = MHD_get_daemon_info(h->control, MHD_DAEMON_INFO_EPOLL_FD)->epoll_fd;
	return n;
}

/* Connections cut here are closed by MHD once it reads their end: their
 * fds are ready, and the loop comes back at once. */
void http_run(struct http *h)
{
	if (h && h->tcp) {
		MHD_run(h->tcp);
		http_conns_expire(&h->tcp_conns, now_ns());
	}
	if (h && h->control) {
		MHD_run(h->control);
		http_conns_expire(&h->control_conns, now_ns());
	}
}

static long long sooner(long long a, long long b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

int http_timeout_ms(const struct http *h)
{
	struct MHD_Daemon *ds[2] = { h ? h->tcp : NULL, h ? h->control : NULL };
	const struct http_conns *cs[2] = { h ? &h->tcp_conns : NULL, h ? &h->control_conns : NULL };
	uint64_t now = now_ns();
	MHD_UNSIGNED_LONG_LONG t;
	long long best = -1;
	int i;

	for (i = 0; i < 2; i++) {
		if (!ds[i])
			continue;
		if (MHD_get_timeout(ds[i], &t) == MHD_YES)
			best = sooner(best, (long long)t);
		best = sooner(best, http_conns_next_ms(cs[i], now));
	}
	return best > 1000000 ? 1000000 : (int)best;
}
