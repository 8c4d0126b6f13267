// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-trafficgen --receive: counts what arrives on the collector, checks
 * every payload byte and each flow's sequence numbers (loss, duplicates,
 * reordering), and measures one-way latency against the sender's clock. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tg_frame.h"
#include "tg_recv.h"
#include "libvxp/addr.h"
#include "libvxp/log.h"

#define RECV_BATCH 64
#define RECV_BUF   2048

struct flow_state {
	uint32_t highest;
	bool any;
	uint64_t unique;
	uint64_t seen[TG_WINDOW / 64]; /* bit seq % TG_WINDOW, for the last TG_WINDOW */
};

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool bit(const struct flow_state *f, uint32_t seq)
{
	return f->seen[(seq % TG_WINDOW) / 64] >> (seq % 64) & 1;
}

static void set_bit(struct flow_state *f, uint32_t seq)
{
	f->seen[(seq % TG_WINDOW) / 64] |= 1ULL << (seq % 64);
}

/* Returns 0 new in order, 1 new out of order, 2 duplicate. */
static int flow_see(struct flow_state *f, uint32_t seq)
{
	uint32_t s;

	if (!f->any || seq > f->highest) {
		if (!f->any || seq - f->highest >= TG_WINDOW)
			memset(f->seen, 0, sizeof(f->seen));
		else
			for (s = f->highest + 1; s != seq; s++)
				f->seen[(s % TG_WINDOW) / 64] &= ~(1ULL << (s % 64));
		f->any = true;
		f->highest = seq;
		set_bit(f, seq);
		f->unique++;
		return 0;
	}
	if (f->highest - seq < TG_WINDOW) {
		if (bit(f, seq))
			return 2;
		set_bit(f, seq);
	}
	f->unique++;
	return 1;
}

static void latency(struct tg_recv_result *r, uint64_t sent_ns, uint64_t now)
{
	uint64_t ns, us;

	if (sent_ns > now) { /* the clocks are not shared */
		r->lat_negative++;
		return;
	}
	ns = now - sent_ns;
	us = ns / 1000;
	r->lat_hist[us < TG_LATENCY_US ? us : TG_LATENCY_US]++;
	r->lat_min_ns = !r->lat_n || ns < r->lat_min_ns ? ns : r->lat_min_ns;
	r->lat_max_ns = ns > r->lat_max_ns ? ns : r->lat_max_ns;
	r->lat_sum_ns += (double)ns;
	r->lat_n++;
}

static void one(struct tg_recv_result *r, struct flow_state *flows, const uint8_t *p, size_t n,
		uint64_t now)
{
	struct tg_payload h;
	uint16_t flow;
	size_t i;
	int seen;

	if (n < sizeof(h)) {
		r->foreign++;
		return;
	}
	memcpy(&h, p, sizeof(h));
	if (ntohs(h.magic) != TG_MAGIC) {
		r->foreign++;
		return;
	}
	flow = ntohs(h.flow);
	for (i = sizeof(h); i < n; i++)
		if (p[i] != tg_pattern(flow, i)) {
			r->corrupt++;
			return;
		}
	if (!flows[flow].any)
		r->flows++;
	seen = flow_see(&flows[flow], ntohl(h.seq));
	if (seen == 2) {
		r->duplicated++;
		return;
	}
	r->reordered += seen == 1;
	r->received++;
	r->bytes += n;
	latency(r, be64toh(h.sent_ns), now);
}

static int open_socket(const struct tg_recv_config *rc)
{
	struct sockaddr_storage sa;
	int fd, buf = 16 << 20;
	unsigned len;

	addr_sockaddr(rc->family, &rc->addr, rc->port, &sa, &len);
	fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&sa, len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static bool finished(const struct tg_recv_config *rc, const struct tg_recv_result *r, double start,
		     double first, double last)
{
	double now = mono_now();

	if (rc->count && r->received >= rc->count)
		return true;
	if (rc->duration && now - start >= rc->duration)
		return true;
	return first > 0 && rc->idle > 0 && now - last >= rc->idle;
}

int tg_receive(const struct tg_recv_config *rc, int sigfd, struct tg_recv_result *r)
{
	static uint8_t bufs[RECV_BATCH][RECV_BUF];
	struct mmsghdr msgs[RECV_BATCH];
	struct iovec iov[RECV_BATCH];
	struct flow_state *flows = calloc(TG_FLOWS_MAX, sizeof(*flows));
	double start = mono_now(), first = 0, last = 0, shown = start;
	int fd, n, i;
	uint64_t f;

	memset(r, 0, sizeof(*r));
	fd = flows ? open_socket(rc) : -ENOMEM;
	if (fd < 0) {
		free(flows);
		return fd;
	}
	while (!finished(rc, r, start, first, last)) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { sigfd, POLLIN, 0 } };

		for (i = 0; i < RECV_BATCH; i++) {
			iov[i] = (struct iovec){ bufs[i], RECV_BUF };
			msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
		}
		if (poll(p, sigfd >= 0 ? 2 : 1, 100) <= 0)
			continue;
		if (p[1].revents)
			break; /* SIGINT or SIGTERM: the report of what came */
		n = recvmmsg(fd, msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		last = mono_now();
		first = first > 0 ? first : last;
		for (i = 0; i < n; i++)
			one(r, flows, bufs[i], msgs[i].msg_len, real_ns());
		if (rc->progress && last - shown >= 0.5) {
			fprintf(stderr, "\r%7.1f s  received %10llu  flows %u ", last - first,
				(unsigned long long)r->received, r->flows);
			shown = last;
		}
	}
	if (rc->progress)
		fprintf(stderr, "\r%70s\r", "");
	r->seconds = last > first ? last - first : 0;
	for (f = 0; f < TG_FLOWS_MAX; f++)
		if (flows[f].any)
			r->lost += (uint64_t)flows[f].highest + 1 - flows[f].unique;
	close(fd);
	free(flows);
	return 0;
}

uint64_t tg_latency_quantile(const struct tg_recv_result *r, double q)
{
	uint64_t want = (uint64_t)(q * (double)r->lat_n), cum = 0;
	unsigned us;

	for (us = 0; us <= TG_LATENCY_US; us++) {
		cum += r->lat_hist[us];
		if (cum > want)
			return (uint64_t)us * 1000;
	}
	return r->lat_max_ns;
}
