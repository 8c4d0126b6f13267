// SPDX-License-Identifier: GPL-2.0-only
/* Is the data path working? For /healthz, the status and the log: the
 * program still attached, the ingress interface running, the egress interface
 * there and running, the last interval's decapsulated packets not all
 * dropped (but for what unmatched = "drop" drops by design), and none of the
 * redirected ones refused by the egress driver. And the one
 * repair the daemon can do without privileges: an egress interface that came
 * back under a new index goes back into the transmit ports. */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "daemon.h"
#include "daemon_health.h"
#include "datapath.h"
#include "libvxp/log.h"

bool daemon_link_attached(int link_fd)
{
	return link_fd >= 0 && attach_link_ifindex(link_fd) > 0;
}

enum health_kind {
	HEALTH_OK,
	HEALTH_NOT_ATTACHED,
	HEALTH_INGRESS_DOWN,
	HEALTH_EGRESS_GONE,
	HEALTH_EGRESS_DOWN,
	HEALTH_ALL_DROPPED,
	HEALTH_REDIRECT_FAILED,
};

/* What is wrong, as one of enum health_kind (HEALTH_OK for nothing), and
 * why in reason. */
static enum health_kind health_of(const struct daemon *d, char *reason, size_t size)
{
	if (!daemon_link_attached(d->link_in)) {
		snprintf(reason, size, "the program is not attached to '%s'", d->in.name);
		return HEALTH_NOT_ATTACHED;
	}
	if (!netdev_running(d->in.name)) {
		snprintf(reason, size, "the ingress interface '%s' is down", d->in.name);
		return HEALTH_INGRESS_DOWN;
	}
	if (!if_nametoindex(d->out.name)) {
		snprintf(reason, size, "the egress interface '%s' is gone", d->out.name);
		return HEALTH_EGRESS_GONE;
	}
	if (!netdev_running(d->out.name)) {
		snprintf(reason, size, "the egress interface '%s' is down", d->out.name);
		return HEALTH_EGRESS_DOWN;
	}
	/* what unmatched = "drop" drops is policy, not failure: a mirror session
	 * that sends only other ports for a while leaves the host healthy */
	if (d->rates.decap > 0 && d->rates.forwarded + d->rates.kernel == 0 &&
	    d->rates.dropped > d->rates.unmatched) {
		snprintf(reason, size,
			 "in the last %u s every decapsulated packet was dropped "
			 "(%.0f pps): see the drop reasons in /metrics",
			 d->cfg.stats_interval, d->rates.dropped);
		return HEALTH_ALL_DROPPED;
	}
	/* forwarded counts what bpf_redirect_map() queued; the egress driver
	 * may still refuse it */
	if (d->rates.redirect_failed > 0) {
		snprintf(reason, size,
			 "in the last %u s %.0f pps of the frames redirected to '%s' did not "
			 "leave: its driver refused them (a veth needs GRO or an XDP program on "
			 "its peer, an ENA its own XDP program)",
			 d->cfg.stats_interval, d->rates.redirect_failed, d->out.name);
		return HEALTH_REDIRECT_FAILED;
	}
	snprintf(reason, size, "attached to '%s' (%s), egress '%s' running, %.0f pps forwarded%s",
		 d->in.name, conf_xdp_mode_name(d->mode_in), d->out.name, d->rates.forwarded,
		 d->redirects_counted ? "" : " (redirects the egress refuses are not counted)");
	return HEALTH_OK;
}

bool daemon_health(struct daemon *d, char *reason, size_t size)
{
	return health_of(d, reason, size) == HEALTH_OK;
}

/* Logged on every change of what is wrong, not only between healthy and
 * unhealthy: an ingress that goes down while redirects were failing is news. */
void daemon_watch_health(struct daemon *d)
{
	char reason[256];
	enum health_kind kind = health_of(d, reason, sizeof(reason));

	if ((int)kind == d->unhealthy)
		return;
	if (kind == HEALTH_OK)
		log_notice("healthy again: %s", reason);
	else
		log_warn("unhealthy: %s; /healthz answers 503", reason);
	d->unhealthy = (int)kind;
}

void daemon_check_egress(struct daemon *d)
{
	int ifindex = (int)if_nametoindex(d->out.name), err;

	if (!ifindex || ifindex == d->out.ifindex)
		return;
	err = datapath_add_tx_port(d->dp, ifindex);
	if (err) {
		log_warn("egress '%s' is back as index %d, but adding it to the transmit ports "
			 "failed: %s; restart the daemon",
			 d->out.name, ifindex, strerror(-err));
		return;
	}
	log_notice("egress '%s' is back as index %d: redirecting to it again%s", d->out.name,
		   ifindex,
		   d->link_out >= 0 ? "; its pass-through program needs a restart to return" : "");
	d->out.ifindex = ifindex;
}
