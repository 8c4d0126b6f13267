// SPDX-License-Identifier: GPL-2.0-only
/* Feature records (contract step 8) from the program's ring buffer to whoever
 * listens on the features socket: vxlan-pipeline features, or an analytics
 * consumer. The daemon drains the ring in its loop and never waits for a
 * reader: a reader that falls behind loses records, and they are counted. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "feature_stream.h"
#include "unix_listen.h"
#include "libvxp/log.h"

#define SERVICE_GROUP	"vxlan-pipeline"
#define FEATURES_SNDBUF (512 * 1024)

struct features {
	struct ring_buffer *ring;
	int listen_fd;
	int timer_fd; /* drains the ring while sampling is on */
	int hup_fd;   /* an epoll set of the readers, for their hang-ups */
	int subs[FEATURES_SUBSCRIBERS];
	unsigned nsubs;
	uint64_t records, dropped;
	struct feature_msg batch[FEATURES_BATCH];
	unsigned nbatch;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void unsubscribe(struct features *f, unsigned i)
{
	epoll_ctl(f->hup_fd, EPOLL_CTL_DEL, f->subs[i], NULL);
	close(f->subs[i]);
	f->subs[i] = f->subs[--f->nsubs];
}

/* Readers that hung up: noticed at once, not when a record comes (with
 * sampling off, never), so that their slots are free for the next. */
static void reap(struct features *f)
{
	struct epoll_event ev[FEATURES_SUBSCRIBERS];
	int n = epoll_wait(f->hup_fd, ev, FEATURES_SUBSCRIBERS, 0), i;
	unsigned s;

	for (i = 0; i < n; i++)
		for (s = 0; s < f->nsubs; s++)
			if (f->subs[s] == ev[i].data.fd) {
				unsubscribe(f, s);
				break;
			}
}

/* Sends the batch to every reader, without waiting for any. */
static void flush(struct features *f)
{
	size_t len = f->nbatch * sizeof(f->batch[0]);
	unsigned i;

	for (i = 0; f->nbatch && i < f->nsubs;) {
		if (send(f->subs[i], f->batch, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len) {
			i++;
		} else if (errno == EAGAIN || errno == ENOBUFS) {
			f->dropped += f->nbatch; /* this reader is behind: its loss, not our wait */
			i++;
		} else {
			unsubscribe(f, i); /* gone */
		}
	}
	f->nbatch = 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct features *f = ctx;
	struct feature_msg *m = &f->batch[f->nbatch];
	uint64_t mono = now_ns(CLOCK_MONOTONIC);

	if (size != sizeof(m->f))
		return 0;
	memset(m, 0, sizeof(*m));
	memcpy(&m->f, data, size);
	m->latency_ns = mono > m->f.ts_ns ? mono - m->f.ts_ns : 0;
	m->time_ns = now_ns(CLOCK_REALTIME) - m->latency_ns;
	f->records++;
	if (++f->nbatch == FEATURES_BATCH)
		flush(f);
	return 0;
}

static void consume(struct features *f)
{
	ring_buffer__consume(f->ring);
	flush(f);
}

static void accept_subscriber(struct features *f)
{
	int fd = accept4(f->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (f->nsubs == FEATURES_SUBSCRIBERS) {
		log_notice("features: %d readers already; refusing another", FEATURES_SUBSCRIBERS);
		close(fd);
		return;
	}
	/* room for bursts, about 10000 records: the kernel doubles this, and
	 * caps it at net.core.wmem_max */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ FEATURES_SNDBUF }, sizeof(int));
	/* EPOLLRDHUP alone: what a reader might send is no event */
	if (epoll_ctl(f->hup_fd, EPOLL_CTL_ADD, fd,
		      &(struct epoll_event){ .events = EPOLLRDHUP, .data.fd = fd })) {
		log_notice("features: cannot watch a reader: %s; refusing it", strerror(errno));
		close(fd);
		return;
	}
	f->subs[f->nsubs++] = fd;
}

struct features *features_open(int ring_fd, const char *socket_path)
{
	struct features *f = calloc(1, sizeof(*f));
	char why[256];

	if (!f)
		return NULL;
	f->listen_fd = -1;
	f->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	f->hup_fd = epoll_create1(EPOLL_CLOEXEC);
	if (f->timer_fd < 0 || f->hup_fd < 0) {
		log_err("Failed to create the feature stream's timer and epoll set: %s",
			strerror(errno));
		goto err;
	}
	f->ring = ring_buffer__new(ring_fd, on_record, f, NULL);
	if (!f->ring) {
		log_err("Failed to read the feature ring: %s", strerror(errno));
		goto err;
	}
	if (socket_path && *socket_path) {
		f->listen_fd = unix_listen(socket_path, SOCK_SEQPACKET, FEATURES_SUBSCRIBERS,
					   SERVICE_GROUP);
		if (f->listen_fd < 0) {
			log_err("Failed to create the features socket '%s': %s", socket_path,
				unix_listen_why(f->listen_fd, socket_path, why, sizeof(why)));
			errno = -f->listen_fd;
			goto err;
		}
		snprintf(f->path, sizeof(f->path), "%s", socket_path);
	}
	return f;
err:
	features_close(f);
	return NULL;
}

void features_close(struct features *f)
{
	if (!f)
		return;
	while (f->nsubs)
		unsubscribe(f, 0);
	if (f->listen_fd >= 0) {
		close(f->listen_fd);
		unlink(f->path);
	}
	ring_buffer__free(f->ring);
	if (f->timer_fd >= 0)
		close(f->timer_fd);
	if (f->hup_fd >= 0)
		close(f->hup_fd);
	free(f);
}

int features_fds(const struct features *f, int fds[FEATURES_FDS])
{
	int n = 0;

	if (!f)
		return 0;
	fds[n++] = ring_buffer__epoll_fd(f->ring);
	fds[n++] = f->timer_fd;
	fds[n++] = f->hup_fd;
	if (f->listen_fd >= 0)
		fds[n++] = f->listen_fd;
	return n;
}

void features_run(struct features *f, int fd)
{
	if (!f)
		return;
	if (fd == f->listen_fd)
		accept_subscriber(f);
	else if (fd == f->hup_fd)
		reap(f);
	else if (fd == ring_buffer__epoll_fd(f->ring))
		consume(f);
	else if (fd == f->timer_fd) {
		uint64_t ticks;

		if (read(f->timer_fd, &ticks, sizeof(ticks)) > 0)
			consume(f);
	}
}

void features_drain(struct features *f, bool on)
{
	const struct timespec every = { 0, VXP_FEATURES_DRAIN_MS * 1000000L };
	struct itimerspec its = { .it_interval = every, .it_value = every };

	if (!f)
		return;
	if (!on)
		memset(&its, 0, sizeof(its));
	timerfd_settime(f->timer_fd, 0, &its, NULL);
	if (!on)
		consume(f); /* what the last records left */
}

void features_counts(const struct features *f, uint64_t *records, uint64_t *dropped,
		     unsigned *readers)
{
	*records = f ? f->records : 0;
	*dropped = f ? f->dropped : 0;
	*readers = f ? f->nsubs : 0;
}
