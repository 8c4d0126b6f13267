// SPDX-License-Identifier: GPL-2.0-only
/* The HTTP endpoint's connections as the daemon keeps track of them: since
 * when each has waited for a request's headers, cut once that passes the
 * deadline, and the oldest waiting one cut when a newcomer needs its place,
 * so that slow or idle clients never keep a health check out. */
#include "config.h"

#include <string.h>
#include <netinet/in.h>

#include "http_conns.h"

void http_conns_init(struct http_conns *t, unsigned max, unsigned per_peer, uint64_t deadline_ns)
{
	unsigned i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < HTTP_CONNS_SLOTS; i++)
		t->slot[i].fd = -1;
	t->max = max < HTTP_CONNS_SLOTS ? max : HTTP_CONNS_SLOTS - 1;
	t->per_peer = per_peer;
	t->deadline_ns = deadline_ns;
}

static bool kept(const struct http_conn *c)
{
	return c->fd >= 0 && !c->cut;
}

/* Same address, any port: TCP peers; unix sockets have none. */
static bool same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
	return false;
}

/* The peer's closing half and ours: the server reads its end, and closes. */
static void cut(struct http_conn *c)
{
	shutdown(c->fd, SHUT_RDWR);
	c->cut = true;
}

/* The kept connection waiting longest, among those from peer (NULL: all),
 * other than skip. */
static struct http_conn *oldest_waiting(struct http_conns *t, const struct sockaddr_storage *peer,
					const struct http_conn *skip)
{
	struct http_conn *best = NULL;
	unsigned i;

	for (i = 0; i < HTTP_CONNS_SLOTS; i++) {
		struct http_conn *c = &t->slot[i];

		if (c == skip || !kept(c) || !c->waiting_since ||
		    (peer && !same_peer(&c->peer, peer)))
			continue;
		if (!best || c->waiting_since < best->waiting_since)
			best = c;
	}
	return best;
}

static unsigned from_peer(const struct http_conns *t, const struct sockaddr_storage *peer)
{
	unsigned i, n = 0;

	for (i = 0; i < HTTP_CONNS_SLOTS; i++)
		n += kept(&t->slot[i]) && same_peer(&t->slot[i].peer, peer);
	return n;
}

/* Room for c: its address's oldest waiting, or c itself, then anyone's. */
static void make_room(struct http_conns *t, struct http_conn *c)
{
	struct http_conn *victim;

	if (t->per_peer && from_peer(t, &c->peer) > t->per_peer) {
		victim = oldest_waiting(t, &c->peer, c);
		cut(victim ? victim : c);
		if (!victim)
			return;
	}
	if (http_conns_count(t) > t->max) {
		victim = oldest_waiting(t, NULL, c);
		if (victim)
			cut(victim);
	}
}

struct http_conn *http_conns_add(struct http_conns *t, int fd, const struct sockaddr *peer,
				 uint64_t now)
{
	struct http_conn *c = NULL;
	unsigned i;

	for (i = 0; i < HTTP_CONNS_SLOTS && !c; i++)
		if (t->slot[i].fd < 0)
			c = &t->slot[i];
	if (!c) {
		shutdown(fd, SHUT_RDWR); /* untracked, it would have no deadline */
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->waiting_since = now ? now : 1;
	if (peer && (peer->sa_family == AF_INET || peer->sa_family == AF_INET6))
		memcpy(&c->peer, peer,
		       peer->sa_family == AF_INET ? sizeof(struct sockaddr_in)
						  : sizeof(struct sockaddr_in6));
	make_room(t, c);
	return c;
}

void http_conns_remove(struct http_conn *c)
{
	c->fd = -1;
	c->cut = false;
}

void http_conns_busy(struct http_conn *c)
{
	c->waiting_since = 0;
}

void http_conns_idle(struct http_conn *c, uint64_t now)
{
	c->waiting_since = now ? now : 1;
}

unsigned http_conns_expire(struct http_conns *t, uint64_t now)
{
	unsigned i, n = 0;

	for (i = 0; i < HTTP_CONNS_SLOTS; i++) {
		struct http_conn *c = &t->slot[i];

		if (kept(c) && c->waiting_since && c->waiting_since <= now &&
		    now - c->waiting_since >= t->deadline_ns) {
			cut(c);
			n++;
		}
	}
	return n;
}

int http_conns_next_ms(const struct http_conns *t, uint64_t now)
{
	uint64_t next = UINT64_MAX, due;
	unsigned i;

	for (i = 0; i < HTTP_CONNS_SLOTS; i++) {
		const struct http_conn *c = &t->slot[i];

		if (!kept(c) || !c->waiting_since)
			continue;
		due = c->waiting_since + t->deadline_ns;
		if (due < next)
			next = due;
	}
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 1 : (int)((next - now + 999999) / 1000000);
}

unsigned http_conns_count(const struct http_conns *t)
{
	unsigned i, n = 0;

	for (i = 0; i < HTTP_CONNS_SLOTS; i++)
		n += kept(&t->slot[i]);
	return n;
}
