// SPDX-License-Identifier: GPL-2.0-only
/* The HTTP endpoint's connection table: a newcomer takes the place of the
 * connection that has waited longest for its headers, from its own address
 * first, never of one being answered; a request's headers have a deadline
 * from when it began to wait, however slowly they come. Connections are
 * socket pairs: a cut one's peer reads the end of the stream. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/http_conns.h"
#include "tap.h"

#define S 1000000000ULL /* a second, in ns */
#define N 24

static int peer_fd[N], own_fd[N];
static struct http_conn *conn[N];

static struct sockaddr_in from(unsigned last_octet)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(40000) };

	a.sin_addr.s_addr = htonl(0x0a640000 | last_octet); /* 10.100.0.x */
	return a;
}

/* Connection i from 10.100.0.octet, waiting since t seconds. */
static void open_conn(struct http_conns *t, int i, unsigned octet, uint64_t secs)
{
	struct sockaddr_in a = from(octet);
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		tap_bail("socketpair");
	own_fd[i] = sv[0];
	peer_fd[i] = sv[1];
	conn[i] = http_conns_add(t, sv[0], (struct sockaddr *)&a, secs * S);
}

/* The peer of connection i sees its end: the table cut it. */
static bool is_cut(int i)
{
	char c;

	return recv(peer_fd[i], &c, 1, MSG_DONTWAIT) == 0;
}

/* Which of the first n were cut, as a string of 0 and 1. */
static const char *cuts(int n)
{
	static char s[N + 1];
	int i;

	for (i = 0; i < n; i++)
		s[i] = is_cut(i) ? '1' : '0';
	s[n] = '\0';
	return s;
}

static void close_all(int n)
{
	int i;

	for (i = 0; i < n; i++) {
		close(own_fd[i]);
		close(peer_fd[i]);
	}
}

static void check_newcomer(void)
{
	struct http_conns t;
	int i;

	http_conns_init(&t, 16, 4, 5 * S);
	for (i = 0; i < 16; i++) /* four each from .11 to .14 */
		open_conn(&t, i, 11 + i / 4, 10 + i);
	tap_ok(http_conns_count(&t) == 16 && !strcmp(cuts(16), "0000000000000000"),
	       "16 connections from four addresses: all kept (%s)", cuts(16));
	http_conns_busy(conn[0]);
	open_conn(&t, 16, 20, 30);
	tap_ok(http_conns_count(&t) == 16 && !strcmp(cuts(17), "01000000000000000"),
	       "a 17th from another address cuts the one waiting longest, not one answered "
	       "(%s)",
	       cuts(17));
	http_conns_remove(conn[1]);
	open_conn(&t, 17, 13, 31);
	tap_ok(!strcmp(cuts(18), "010000001000000000"),
	       "a 5th from an address with 4 cuts that address's oldest waiting (%s)", cuts(18));
	for (i = 9; i < 12; i++)
		http_conns_busy(conn[i]);
	http_conns_busy(conn[17]);
	open_conn(&t, 18, 13, 32);
	tap_ok(!conn[18] && !strcmp(cuts(19), "0100000010000000001"),
	       "no slot free (MHD has not closed the cut ones yet): the newcomer is cut (%s)",
	       cuts(19));
	http_conns_remove(conn[8]);
	open_conn(&t, 19, 13, 33);
	tap_ok(conn[19] && !strcmp(cuts(20), "01000000100000000011"),
	       "... and when all 4 from its address are being answered (%s)", cuts(20));
	close_all(20);
}

static void check_deadline(void)
{
	struct http_conns t;

	http_conns_init(&t, 16, 4, 5 * S);
	open_conn(&t, 0, 11, 100);
	open_conn(&t, 1, 11, 102);
	open_conn(&t, 2, 12, 101);
	http_conns_busy(conn[2]);
	tap_ok(http_conns_next_ms(&t, 100 * S) == 5000 && http_conns_next_ms(&t, 104 * S) == 1000,
	       "the next deadline: 5 s after the oldest began to wait (%d ms, then %d ms)",
	       http_conns_next_ms(&t, 100 * S), http_conns_next_ms(&t, 104 * S));
	tap_ok(!http_conns_expire(&t, 104 * S) && !strcmp(cuts(3), "000"),
	       "nothing cut before its deadline");
	tap_ok(http_conns_expire(&t, 105 * S) == 1 && !strcmp(cuts(3), "100"),
	       "cut at its deadline, however slowly its headers came (%s)", cuts(3));
	http_conns_idle(conn[2], 106 * S);
	http_conns_busy(conn[1]);
	tap_ok(http_conns_expire(&t, 110 * S) == 0 && http_conns_expire(&t, 111 * S) == 1 &&
		       !strcmp(cuts(3), "101"),
	       "answered, a connection waits for the next request's headers from then on (%s)",
	       cuts(3));
	tap_ok(http_conns_next_ms(&t, 112 * S) == -1, "no deadline while the rest are answered");
	close_all(3);
}

static void check_unix(void)
{
	struct http_conns t;
	int i, sv[2];

	http_conns_init(&t, 16, 0, 5 * S);
	for (i = 0; i < 17; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			tap_bail("socketpair");
		own_fd[i] = sv[0];
		peer_fd[i] = sv[1];
		conn[i] = http_conns_add(&t, sv[0], NULL, (uint64_t)(i + 1) * S);
	}
	tap_ok(http_conns_count(&t) == 16 && !strcmp(cuts(17), "10000000000000000"),
	       "the control socket (no addresses): the 17th cuts the oldest waiting (%s)",
	       cuts(17));
	close_all(17);
}

int main(void)
{
	check_newcomer();
	check_deadline();
	check_unix();
	return tap_done();
}
