// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-trafficgen's senders: threads that each own a share of the flows and
 * of the rate, send in batches with sendmmsg (UDP sockets, or AF_PACKET for
 * whole frames), and sleep to the schedule between batches; never spin. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tg_frame.h"
#include "tg_send.h"
#include "tg_xdp.h"
#include "libvxp/addr.h"
#include "libvxp/log.h"

#define BATCH_MAX 64
/* AF_PACKET sustains about this many per thread with 0.5 ms pacing; above it,
 * and as fast as possible, the in-kernel sender takes over */
#define SOCKET_RATE_MAX 500000
/* Each in-kernel call costs an XDP dispatcher update (~25 ms here): it sends
 * this much of the schedule at once */
#define XDP_CHUNK_SECONDS 0.05
#define XDP_CHUNK_MAX	  (1U << 20)

struct sender {
	const struct tg_config *cfg;
	struct tg_xdp *xdp; /* raw mode through the in-kernel sender, or NULL */
	unsigned id;
	unsigned first, nflows;	 /* the flows this thread owns */
	uint64_t rate, count;	 /* this thread's share; 0 rate: as fast as it goes */
	struct tg_frame *frames; /* one per owned flow, as built */
	uint32_t *seq;		 /* next sequence number per owned flow */
	int fd[TG_UDP_PORTS_MAX];
	unsigned nfd, cursor[TG_UDP_PORTS_MAX], next_fd;
	struct sockaddr_storage dst;
	unsigned dstlen;
	uint8_t (*slot)[TG_FRAME_MAX];
	struct mmsghdr msgs[BATCH_MAX];
	struct iovec iov[BATCH_MAX];
	_Atomic uint64_t sent, bytes, errors;
	_Atomic bool done;
	_Atomic bool *stop; /* set by the main thread on SIGINT or SIGTERM */
	double elapsed;
	int err;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Sleeps to t in slices of at most 100 ms, so that a stop is seen soon. */
static void sleep_until(double t, _Atomic bool *stop)
{
	double now, until;
	struct timespec ts;

	while (!atomic_load(stop) && (now = mono_now()) < t) {
		until = t - now > 0.1 ? now + 0.1 : t;
		ts = (struct timespec){ (time_t)until,
					(long)((until - (double)(time_t)until) * 1e9) };
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

static int udp_open(struct sender *s)
{
	const struct tg_config *cfg = s->cfg;
	int family = cfg->outer_family == VXP_AF_INET ? AF_INET : AF_INET6;
	unsigned i;

	s->nfd = s->nflows < TG_UDP_PORTS_MAX ? s->nflows : TG_UDP_PORTS_MAX;
	addr_sockaddr(cfg->outer_family, &cfg->outer_dst,
		      cfg->plain ? cfg->inner_dport : cfg->vxlan_port, &s->dst, &s->dstlen);
	for (i = 0; i < s->nfd; i++) {
		struct sockaddr_storage src;
		unsigned len;

		s->fd[i] = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s->fd[i] < 0)
			return -errno;
		/* the outer source port AWS would derive from this socket's first flow */
		addr_sockaddr(cfg->outer_family, NULL,
			      cfg->plain ? tg_flow_sport(cfg, s->first + i)
					 : tg_outer_sport(cfg, s->first + i),
			      &src, &len);
		if (bind(s->fd[i], (struct sockaddr *)&src, len) && !s->id && !i)
			log_notice("could not bind the outer source ports AWS would use (%s); "
				   "the kernel picks them",
				   strerror(errno));
	}
	return 0;
}

/* Raw mode: AF_PACKET paced finely where it keeps up; the in-kernel sender,
 * where the kernel has it, for higher rates. */
static int raw_open(struct sender *s)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_ifindex = (int)if_nametoindex(s->cfg->ifname) };
	int one = 1;

	if (!s->rate || s->rate > SOCKET_RATE_MAX) {
		s->xdp = tg_xdp_open(s->frames, s->nflows, s->cfg->flows,
				     s->cfg->inner_proto == IPPROTO_UDP, ll.sll_ifindex);
		if (s->xdp)
			return 0;
		if (!s->id)
			log_notice("the in-kernel XDP sender is not available (%s); sending "
				   "through AF_PACKET, which is slower",
				   strerror(errno));
	}
	s->nfd = 1;
	s->fd[0] = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* 0: sends, never receives */
	if (s->fd[0] < 0)
		return -errno;
	if (bind(s->fd[0], (struct sockaddr *)&ll, sizeof(ll)))
		return -errno;
	/* the qdisc only adds a lock and a queue to a generator */
	setsockopt(s->fd[0], SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return 0;
}

/* n packets into the slots: UDP mode takes the flows of one socket. */
static int fill(struct sender *s, unsigned n, int *ret_fd)
{
	unsigned k = s->next_fd, i, idx;
	uint64_t now = real_ns();

	s->next_fd = (s->next_fd + 1) % s->nfd;
	*ret_fd = s->fd[k];
	for (i = 0; i < n; i++) {
		const struct tg_frame *f;

		if (s->cfg->mode == TG_MODE_UDP) {
			idx = k + s->cursor[k] * s->nfd;
			if (idx >= s->nflows) {
				s->cursor[k] = 0;
				idx = k;
			}
			s->cursor[k]++;
		} else {
			idx = s->cursor[0]++ % s->nflows;
		}
		f = &s->frames[idx];
		memcpy(s->slot[i], f->buf, f->len);
		tg_frame_stamp(f, s->slot[i], s->seq[idx]++, now);
		s->iov[i].iov_base = s->slot[i];
		s->iov[i].iov_len = f->len;
		if (s->cfg->mode == TG_MODE_UDP) {
			s->iov[i].iov_base = s->slot[i] + f->udp_data_off;
			s->iov[i].iov_len = f->len - f->udp_data_off;
		}
		s->msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &s->iov[i], .msg_iovlen = 1 };
		if (s->cfg->mode == TG_MODE_UDP) {
			s->msgs[i].msg_hdr.msg_name = &s->dst;
			s->msgs[i].msg_hdr.msg_namelen = s->dstlen;
		}
	}
	return 0;
}

/* About one batch every 0.5 ms; the in-kernel sender takes 50 ms at once. */
static unsigned batch_size(const struct sender *s)
{
	uint64_t b;

	if (s->xdp) {
		b = s->rate ? (uint64_t)((double)s->rate * XDP_CHUNK_SECONDS) : XDP_CHUNK_MAX;
		return b < 1024 ? 1024 : b > XDP_CHUNK_MAX ? XDP_CHUNK_MAX : (unsigned)b;
	}
	b = s->rate ? s->rate / 2000 : BATCH_MAX;
	return b < 1 ? 1 : b > BATCH_MAX ? BATCH_MAX : (unsigned)b;
}

/* n copies of the next flow's frame, stamped in the kernel */
static void send_xdp(struct sender *s, unsigned n)
{
	const struct tg_frame *f = &s->frames[s->cursor[0]++ % s->nflows];

	if (tg_xdp_send(s->xdp, f, n)) {
		atomic_fetch_add(&s->errors, n);
		return;
	}
	atomic_fetch_add(&s->sent, n);
	atomic_fetch_add(&s->bytes, (uint64_t)n * f->len);
}

static void send_batch(struct sender *s, unsigned n)
{
	unsigned done = 0, i;
	uint64_t bytes = 0;
	int fd, r;

	if (s->xdp) {
		send_xdp(s, n);
		return;
	}
	fill(s, n, &fd);
	while (done < n) {
		r = sendmmsg(fd, s->msgs + done, n - done, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			atomic_fetch_add(&s->errors,
					 n - done); /* ENOBUFS and the like: lost here */
			break;
		}
		done += (unsigned)r;
	}
	for (i = 0; i < done; i++)
		bytes += s->cfg->mode == TG_MODE_UDP
				 ? s->iov[i].iov_len +
					   (s->cfg->outer_family == VXP_AF_INET ? 42 : 62)
				 : s->iov[i].iov_len;
	atomic_fetch_add(&s->sent, done);
	atomic_fetch_add(&s->bytes, bytes);
}

static void *sender_run(void *arg)
{
	struct sender *s = arg;
	double start = mono_now(), end = s->cfg->duration ? start + s->cfg->duration : 0;
	unsigned batch = batch_size(s);
	uint64_t queued = 0, n;

	for (;;) {
		if (atomic_load(s->stop) || (s->count && queued >= s->count))
			break;
		if (end && mono_now() >= end && (!s->rate || !s->count))
			break;
		if (s->rate)
			sleep_until(start + (double)queued / (double)s->rate, s->stop);
		if (atomic_load(s->stop))
			break;
		n = s->count && s->count - queued < batch ? s->count - queued : batch;
		send_batch(s, (unsigned)n);
		queued += n;
	}
	/* a schedule ends when its last interval does: a late sender shows in accuracy */
	if (s->rate)
		sleep_until(start + (double)queued / (double)s->rate, s->stop);
	s->elapsed = mono_now() - start;
	atomic_store(&s->done, true);
	return NULL;
}

static int sender_init(struct sender *s, const struct tg_config *cfg, unsigned id,
		       _Atomic bool *stop)
{
	char err[256];
	unsigned i;

	s->cfg = cfg;
	s->stop = stop;
	s->id = id;
	s->first = (unsigned)((uint64_t)cfg->flows * id / cfg->threads);
	s->nflows = (unsigned)((uint64_t)cfg->flows * (id + 1) / cfg->threads) - s->first;
	s->rate = cfg->rate / cfg->threads + (id < cfg->rate % cfg->threads);
	s->count = cfg->count ? cfg->count / cfg->threads + (id < cfg->count % cfg->threads) : 0;
	/* a rate and a duration make a count: the schedule then ends exactly */
	if (!s->count && s->rate && cfg->duration)
		s->count = (uint64_t)((double)s->rate * cfg->duration + 0.5);
	s->frames = calloc(s->nflows, sizeof(*s->frames));
	s->seq = calloc(s->nflows, sizeof(*s->seq));
	s->slot = calloc(BATCH_MAX, sizeof(*s->slot));
	if (!s->frames || !s->seq || !s->slot)
		return -ENOMEM;
	for (i = 0; i < s->nflows; i++)
		if (tg_frame_build(cfg, s->first + i, &s->frames[i], err, sizeof(err))) {
			log_err("%s", err);
			return -EINVAL;
		}
	return cfg->mode == TG_MODE_RAW ? raw_open(s) : udp_open(s);
}

static void sender_free(struct sender *s)
{
	unsigned i;

	for (i = 0; i < s->nfd; i++)
		if (s->fd[i] > 0)
			close(s->fd[i]);
	tg_xdp_close(s->xdp);
	free(s->frames);
	free(s->seq);
	free(s->slot);
}

static void progress(struct sender *s, unsigned n, double start, bool final)
{
	uint64_t sent = 0, bytes = 0;
	double t = mono_now() - start;
	unsigned i;

	for (i = 0; i < n; i++) {
		sent += atomic_load(&s[i].sent);
		bytes += atomic_load(&s[i].bytes);
	}
	fprintf(stderr, "\r%7.1f s  sent %10llu  %9.0f pps  %8.1f Mbit/s ", t,
		(unsigned long long)sent, t > 0 ? (double)sent / t : 0,
		t > 0 ? (double)bytes * 8 / t / 1e6 : 0);
	if (final)
		fprintf(stderr, "\r%70s\r", "");
}

/* True once a signal came, or the timeout passed without one. */
static bool signalled(int sigfd, int timeout_ms)
{
	struct pollfd p = { sigfd, POLLIN, 0 };

	if (sigfd < 0) {
		usleep((useconds_t)timeout_ms * 1000);
		return false;
	}
	return poll(&p, 1, timeout_ms) > 0;
}

int tg_send(const struct tg_config *cfg, int sigfd, struct tg_send_result *ret)
{
	struct sender *s = calloc(cfg->threads, sizeof(*s));
	pthread_t tid[TG_THREADS_MAX];
	static _Atomic bool stop;
	double start = mono_now(), shown = start;
	unsigned i, started = 0;
	int err = s ? 0 : -ENOMEM;

	atomic_store(&stop, false);
	for (i = 0; !err && i < cfg->threads; i++)
		err = sender_init(&s[i], cfg, i, &stop);
	if (err)
		log_err("Failed to prepare the senders: %s", strerror(-err));
	for (i = 0; !err && i < cfg->threads; i++, started++)
		err = -pthread_create(&tid[i], NULL, sender_run, &s[i]);
	while (!err && started) {
		bool running = false;

		if (signalled(sigfd, 100))
			atomic_store(&stop, true);
		for (i = 0; i < started; i++)
			running |= !atomic_load(&s[i].done);
		if (cfg->progress && (mono_now() - shown >= 0.5 || !running)) {
			progress(s, started, start, !running);
			shown = mono_now();
		}
		if (!running)
			break;
	}
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	ret->threads = cfg->threads;
	ret->seconds = 0;
	ret->in_kernel = s && started && s[0].xdp;
	for (i = 0; s && i < started; i++) {
		ret->t[i] = (struct tg_thread_stats){ s[i].sent, s[i].bytes, s[i].errors };
		ret->seconds = s[i].elapsed > ret->seconds ? s[i].elapsed : ret->seconds;
	}
	for (i = 0; s && i < cfg->threads; i++)
		sender_free(&s[i]);
	free(s);
	return err;
}
