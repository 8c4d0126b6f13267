/* SPDX-License-Identifier: GPL-2.0-only */
/* The HTTP endpoint's connections as the daemon keeps track of them: since
 * when each has waited for a request's headers, cut once that passes the
 * deadline, and the oldest waiting one cut when a newcomer needs its place,
 * so that slow or idle clients never keep a health check out. */
#ifndef VXP_HTTP_CONNS_H
#define VXP_HTTP_CONNS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define HTTP_CONNS_SLOTS 17 /* HTTP_CONNECTIONS_MAX and a newcomer */

struct http_conn {
	int fd; /* -1: a free slot */
	bool cut;
	uint64_t waiting_since; /* ns, CLOCK_MONOTONIC; 0 while a request is answered */
	struct sockaddr_storage peer;
};

struct http_conns {
	struct http_conn slot[HTTP_CONNS_SLOTS];
	unsigned max;	      /* connections kept, newcomer aside */
	unsigned per_peer;    /* connections kept from one address; 0: no limit */
	uint64_t deadline_ns; /* for a request's headers, from when it began to wait */
};

void http_conns_init(struct http_conns *t, unsigned max, unsigned per_peer, uint64_t deadline_ns);
/* A new connection, waiting for its first request's headers from now. To
 * make room, cuts the oldest connection still waiting from the same address
 * when that address has per_peer already (or the newcomer itself, when all of
 * them are being answered), then the oldest waiting of all when more than
 * max are left. NULL, the newcomer cut, when no slot is free (the caller's
 * server holds no more than HTTP_CONNS_SLOTS). */
struct http_conn *http_conns_add(struct http_conns *t, int fd, const struct sockaddr *peer,
				 uint64_t now);
void http_conns_remove(struct http_conn *c);
/* Its request's headers are in: no deadline while it is answered. */
void http_conns_busy(struct http_conn *c);
/* Answered: waits for the next request's headers from now. */
void http_conns_idle(struct http_conn *c, uint64_t now);
/* Cuts every connection past its deadline; returns how many. */
unsigned http_conns_expire(struct http_conns *t, uint64_t now);
/* Milliseconds until the next deadline (at least 1), or -1 for none. */
int http_conns_next_ms(const struct http_conns *t, uint64_t now);
/* Connections kept (cut ones aside). */
unsigned http_conns_count(const struct http_conns *t);

#endif /* VXP_HTTP_CONNS_H */
