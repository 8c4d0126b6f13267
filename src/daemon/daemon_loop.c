// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's one thread: an epoll loop over a signalfd (SIGTERM and SIGINT
 * stop, SIGHUP reloads), timerfds for statistics, for systemd's watchdog and
 * for the next hops to resolve, and the netlink socket that follows the
 * ingress's addresses. No work happens in signal handlers; there are none. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon_ingress.h"
#include "daemon_health.h"
#include "daemon_loop.h"
#include "daemon_reload.h"
#include "datapath.h"
#include "feature_stream.h"
#include "http.h"
#include "notify.h"
#include "resolver.h"
#include "libvxp/log.h"
#include "libvxp/stats.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int timer_arm(int fd, uint64_t usec)
{
	struct itimerspec its = {
		.it_interval = { (time_t)(usec / 1000000), (long)(usec % 1000000) * 1000 },
	};

	its.it_value = its.it_interval;
	return timerfd_settime(fd, 0, &its, NULL) ? -errno : 0;
}

static double rate(uint64_t now, uint64_t before, double secs)
{
	return secs > 0 ? (double)(now - before) / secs : 0;
}

static void rates_update(struct daemon *d, const struct vxp_stats *now, double secs)
{
	struct vxp_counter o[VXP_OUTCOME__COUNT], p[VXP_OUTCOME__COUNT];
	int i;

	for (i = 0; i < VXP_OUTCOME__COUNT; i++) {
		o[i] = stats_outcome_total(now, i);
		p[i] = stats_outcome_total(&d->prev, i);
	}
	d->rates.filtered = rate(o[VXP_OUTCOME_PASS].packets, p[VXP_OUTCOME_PASS].packets, secs);
	d->rates.forwarded =
		rate(o[VXP_OUTCOME_REDIRECT].packets, p[VXP_OUTCOME_REDIRECT].packets, secs);
	d->rates.kernel = rate(o[VXP_OUTCOME_KERNEL].packets, p[VXP_OUTCOME_KERNEL].packets, secs);
	d->rates.dropped = rate(o[VXP_OUTCOME_DROP].packets, p[VXP_OUTCOME_DROP].packets, secs);
	d->rates.unmatched = rate(now->reason[VXP_REASON_NAT_UNMATCHED].packets,
				  d->prev.reason[VXP_REASON_NAT_UNMATCHED].packets, secs);
	d->rates.redirect_failed = rate(now->event[VXP_EVENT_REDIRECT_FAILED],
					d->prev.event[VXP_EVENT_REDIRECT_FAILED], secs);
	d->rates.decap = d->rates.forwarded + d->rates.kernel + d->rates.dropped;
	d->rates.vxlan = d->rates.decap + d->rates.filtered;
	d->rates.nat_hit_pct = d->rates.decap > 0
				       ? 100.0 *
						 rate(now->event[VXP_EVENT_NAT_HIT],
						      d->prev.event[VXP_EVENT_NAT_HIT], secs) /
						 d->rates.decap
				       : 0;
}

static void stats_log(const struct daemon *d)
{
	char f[7][64];
	const char *fields[] = {
		"MESSAGE_ID=" MESSAGE_ID_STATS, f[0], f[1], f[2], f[3], f[4], f[5], f[6], NULL
	};

	snprintf(f[0], sizeof(f[0]), "VXP_INTERFACE=%s", d->in.name);
	snprintf(f[1], sizeof(f[1]), "VXP_PPS_VXLAN=%.0f", d->rates.vxlan);
	snprintf(f[2], sizeof(f[2]), "VXP_PPS_DECAPSULATED=%.0f", d->rates.decap);
	snprintf(f[3], sizeof(f[3]), "VXP_PPS_FORWARDED=%.0f", d->rates.forwarded);
	snprintf(f[4], sizeof(f[4]), "VXP_PPS_KERNEL=%.0f", d->rates.kernel);
	snprintf(f[5], sizeof(f[5]), "VXP_PPS_DROPPED=%.0f", d->rates.dropped);
	snprintf(f[6], sizeof(f[6]), "VXP_NAT_HIT_PERCENT=%.1f", d->rates.nat_hit_pct);
	log_fields(LOG_INFO, fields,
		   "%s: %.0f pps VXLAN, %.0f decapsulated: %.0f forwarded, %.0f to the kernel, "
		   "%.0f dropped; NAT hits %.1f%%",
		   d->in.name, d->rates.vxlan, d->rates.decap, d->rates.forwarded, d->rates.kernel,
		   d->rates.dropped, d->rates.nat_hit_pct);
}

static void stats_tick(struct daemon *d)
{
	struct vxp_stats now;
	uint64_t t = now_ns();
	int err;

	err = stats_read(datapath_stats_fd(d->dp), &now);
	if (err) {
		log_warn("Failed to read the counters: %s", strerror(-err));
		return;
	}
	rates_update(d, &now, (double)(t - d->prev_ns) / 1e9);
	d->prev = now;
	d->prev_ns = t;
	stats_log(d);
	daemon_nexthop_age(d);
	daemon_check_egress(d);
	daemon_watch_health(d);
	daemon_status(d);
}

static int loop_add(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static void drain(int fd)
{
	uint64_t expirations;

	while (read(fd, &expirations, sizeof(expirations)) == sizeof(expirations))
		;
}

static int neigh_timer_setup(struct daemon *d)
{
	int err;

	d->neighfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->neighfd < 0)
		return -errno;
	err = timer_arm(d->neighfd, RESOLVER_DRAIN_MS * 1000);
	return err ? err : loop_add(d->epfd, d->neighfd);
}

/* The program's next hops without a neighbour entry, to the resolver. */
static void on_neigh_timer(struct daemon *d)
{
	int n;

	drain(d->neighfd);
	n = resolver_drain(d->resolver, datapath_neigh_fd(d->dp));
	if (n > 0)
		log_debug("asked the kernel to resolve %d next hop%s", n, n == 1 ? "" : "s");
	if (n != -EPIPE && n != -ECONNRESET)
		return;
	log_warn("the neighbour resolver is gone: packets to a next hop without a neighbour "
		 "entry are dropped until something else resolves it");
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->neighfd, NULL);
	resolver_stop(d->resolver);
	d->resolver = NULL;
}

static int loop_setup(struct daemon *d)
{
	uint64_t wd = notify_watchdog_usec();
	int err, http[2], feat[FEATURES_FDS], i, n = http_fds(d->http, http);
	int nf = features_fds(d->features, feat);
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	d->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	d->statfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d->wdfd = wd ? timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK) : -1;
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->sigfd < 0 || d->statfd < 0 || (wd && d->wdfd < 0) || d->epfd < 0)
		return -errno;
	err = timer_arm(d->statfd, (uint64_t)d->cfg.stats_interval * 1000000);
	if (!err && wd)
		err = timer_arm(d->wdfd, wd / 2);
	if (!err)
		err = loop_add(d->epfd, d->sigfd);
	if (!err)
		err = loop_add(d->epfd, d->statfd);
	if (!err && wd)
		err = loop_add(d->epfd, d->wdfd);
	for (i = 0; !err && i < n; i++)
		err = loop_add(d->epfd, http[i]);
	for (i = 0; !err && i < nf; i++)
		err = loop_add(d->epfd, feat[i]);
	if (!err)
		err = loop_add(d->epfd, daemon_ingress_fd(d));
	if (!err && d->resolver)
		err = neigh_timer_setup(d);
	return err;
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;
	unsigned interval = d->cfg.stats_interval;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			daemon_reload(d);
			if (d->cfg.stats_interval != interval)
				timer_arm(d->statfd, (uint64_t)d->cfg.stats_interval * 1000000);
			interval = d->cfg.stats_interval;
		} else {
			log_info("%s received: stopping", strsignal((int)si.ssi_signo));
			d->stop = true;
		}
	}
}

int daemon_run(struct daemon *d)
{
	struct epoll_event ev[4];
	int n, i, err;

	err = loop_setup(d);
	if (err) {
		log_err("Failed to set up the event loop: %s", strerror(-err));
		return err;
	}
	stats_read(datapath_stats_fd(d->dp), &d->prev);
	d->prev_ns = now_ns();
	while (!d->stop) {
		n = epoll_wait(d->epfd, ev, 4, http_timeout_ms(d->http));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (i = 0; i < n; i++) {
			if (ev[i].data.fd == d->sigfd)
				on_signal(d);
			else if (ev[i].data.fd == d->statfd) {
				drain(d->statfd);
				stats_tick(d);
			} else if (ev[i].data.fd == d->wdfd) {
				drain(d->wdfd);
				notify_watchdog();
			} else if (ev[i].data.fd == daemon_ingress_fd(d)) {
				daemon_ingress_run(d);
			} else if (ev[i].data.fd == d->neighfd) {
				on_neigh_timer(d);
			} else {
				features_run(d->features, ev[i].data.fd);
			}
		}
		/* the HTTP fds, and connection timeouts that fall due */
		http_run(d->http);
	}
	return 0;
}
