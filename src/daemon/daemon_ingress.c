// SPDX-License-Identifier: GPL-2.0-only
/* The ingress interface as the data plane must know it, kept current from
 * rtnetlink events: its MAC (where the kernel hand-over sends frames) and its
 * addresses (contract step 1: only VXLAN to one of them is ours); and the
 * next-hop generation, moved on by every route, neighbour, link or address
 * event, so that NAT rules' next hops are looked up again. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "daemon.h"
#include "daemon_ingress.h"
#include "datapath.h"
#include "libvxp/addr.h"
#include "libvxp/log.h"
#include "libvxp/netlink.h"

#define SEEN_MAX (2 * VXP_LOCAL_ADDRS_MAX)

struct ingress_addr {
	int family; /* VXP_AF_INET or VXP_AF_INET6 */
	union vxp_addr a;
};

struct daemon_ingress {
	struct netlink *nl;
	bool nh_changed; /* an event since the generation last moved */
	uint8_t mac[6];
	/* what the last dump showed, so that a resync removes what it did not */
	unsigned n_seen;
	struct ingress_addr seen[SEEN_MAX];
};

static void addr_text(const struct ingress_addr *ia, char *buf, size_t size)
{
	addr_format(ia->family, &ia->a, 0, buf, size);
}

static void on_link(struct daemon *d, const struct nl_event *ev)
{
	struct daemon_ingress *in = d->ingress;
	char mac[18];

	if (ev->type != RTM_NEWLINK || !ev->has_mac || !memcmp(in->mac, ev->mac, 6))
		return;
	memcpy(in->mac, ev->mac, 6);
	datapath_set_ingress_mac(d->dp, in->mac);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", in->mac[0], in->mac[1],
		 in->mac[2], in->mac[3], in->mac[4], in->mac[5]);
	log_info("ingress '%s' has the MAC %s: frames handed to the kernel go to it", d->in.name,
		 mac);
}

/* Only addresses the data plane holds: at most VXP_LOCAL_ADDRS_MAX per family,
 * so the ones resync() must keep always fit, however many the interface has. */
static void note_seen(struct daemon_ingress *in, const struct ingress_addr *ia)
{
	if (in->n_seen < SEEN_MAX)
		in->seen[in->n_seen++] = *ia;
}

static void drop_addr(struct daemon *d, const struct ingress_addr *ia)
{
	char text[ADDR_STR_MAX];

	addr_text(ia, text, sizeof(text));
	if (!datapath_del_local_addr(d->dp, ia->family, &ia->a))
		log_info("ingress '%s' no longer has %s: VXLAN to it is not taken", d->in.name,
			 text);
}

static void on_addr(struct daemon *d, const struct nl_event *ev)
{
	struct ingress_addr ia = { .family = ev->family == AF_INET ? VXP_AF_INET : VXP_AF_INET6 };
	char text[ADDR_STR_MAX];
	int ret;

	memcpy(&ia.a, ev->addr, ia.family == VXP_AF_INET ? 4 : 16);
	if (ev->type == RTM_DELADDR) {
		drop_addr(d, &ia);
		return;
	}
	addr_text(&ia, text, sizeof(text));
	ret = datapath_add_local_addr(d->dp, ia.family, &ia.a);
	if (ret >= 0 && ev->dump)
		note_seen(d->ingress, &ia);
	if (ret > 0)
		log_info("ingress '%s' has %s: VXLAN to it is taken", d->in.name, text);
	else if (ret == -ENOSPC)
		log_warn("ingress '%s' has %s, beyond the %d addresses per family the program "
			 "compares: VXLAN to it goes to the kernel, untouched",
			 d->in.name, text, VXP_LOCAL_ADDRS_MAX);
}

static int nh_event_kind(int type)
{
	switch (type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return DAEMON_NH_EVENT_ROUTE;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		return DAEMON_NH_EVENT_NEIGH;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return DAEMON_NH_EVENT_LINK;
	default:
		return DAEMON_NH_EVENT_ADDR;
	}
}

static void on_event(void *ctx, const struct nl_event *ev)
{
	struct daemon *d = ctx;

	/* any interface's: the next hops may go anywhere; a dump tells what
	 * is, which is no change (a resync moves the generation itself) */
	if (!ev->dump) {
		d->nh_events[nh_event_kind(ev->type)]++;
		d->ingress->nh_changed = true;
	}
	if (ev->type != RTM_NEWLINK && ev->type != RTM_DELLINK && ev->type != RTM_NEWADDR &&
	    ev->type != RTM_DELADDR)
		return;
	if (ev->ifindex != d->in.ifindex)
		return;
	if (ev->type == RTM_NEWLINK || ev->type == RTM_DELLINK)
		on_link(d, ev);
	else
		on_addr(d, ev);
}

static bool was_seen(const struct daemon_ingress *in, const struct ingress_addr *ia)
{
	unsigned i;

	for (i = 0; i < in->n_seen; i++)
		if (in->seen[i].family == ia->family &&
		    !memcmp(&in->seen[i].a, &ia->a, ia->family == VXP_AF_INET ? 4 : 16))
			return true;
	return false;
}

/* Events were lost: the kernel's whole picture again, and whatever the data
 * plane has that it no longer shows goes. */
static int resync(struct daemon *d)
{
	static const int families[] = { VXP_AF_INET, VXP_AF_INET6 };
	struct daemon_ingress *in = d->ingress;
	union vxp_addr a[VXP_LOCAL_ADDRS_MAX];
	struct ingress_addr had[SEEN_MAX];
	unsigned n = 0, f, i;
	int k, err;

	for (f = 0; f < 2; f++) {
		k = datapath_local_addrs(d->dp, families[f], a, VXP_LOCAL_ADDRS_MAX);
		for (i = 0; k > 0 && i < (unsigned)k; i++, n++) {
			had[n].family = families[f];
			had[n].a = a[i];
		}
	}
	in->n_seen = 0;
	err = netlink_dump(in->nl, RTM_GETADDR);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (!was_seen(in, &had[i]))
			drop_addr(d, &had[i]);
	return netlink_dump(in->nl, RTM_GETLINK);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void daemon_nexthop_move(struct daemon *d)
{
	datapath_nexthop_bump(d->dp);
	d->nh_moves++;
	d->nh_moved_ns = now_ns();
	if (d->ingress)
		d->ingress->nh_changed = false;
}

void daemon_nexthop_age(struct daemon *d)
{
	if (now_ns() - d->nh_moved_ns >= DAEMON_NH_MAX_AGE_NS)
		daemon_nexthop_move(d);
}

int daemon_ingress_start(struct daemon *d)
{
	const unsigned groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
				RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE | RTMGRP_NEIGH;
	struct daemon_ingress *in = calloc(1, sizeof(*in));
	int err;

	if (!in)
		return -ENOMEM;
	d->ingress = in;
	in->nl = netlink_open(groups, on_event, d);
	if (!in->nl) {
		err = -errno;
		log_err("Failed to open a netlink socket for the ingress's addresses: %s",
			strerror(-err));
		return err;
	}
	err = netlink_dump(in->nl, RTM_GETLINK);
	if (!err)
		err = netlink_dump(in->nl, RTM_GETADDR);
	if (err) {
		log_err("Failed to read the ingress's MAC and addresses from netlink: %s",
			strerror(-err));
		return err;
	}
	if (!datapath_local_addrs(d->dp, VXP_AF_INET, NULL, 0) &&
	    !datapath_local_addrs(d->dp, VXP_AF_INET6, NULL, 0))
		log_warn("ingress '%s' has no address: no VXLAN is taken until it has one",
			 d->in.name);
	return 0;
}

int daemon_ingress_fd(const struct daemon *d)
{
	return d->ingress && d->ingress->nl ? netlink_fd(d->ingress->nl) : -1;
}

void daemon_ingress_run(struct daemon *d)
{
	int err = netlink_read(d->ingress->nl);

	if (err == -ENOBUFS) {
		log_notice(
			"netlink dropped events about the ingress's addresses, routes or "
			"neighbours: reading the addresses all again, next hops looked up again");
		d->ingress->nh_changed = true;
		err = resync(d);
	}
	if (d->ingress->nh_changed)
		daemon_nexthop_move(d);
	if (err)
		log_warn("Failed to follow the ingress's addresses: %s", strerror(-err));
}

void daemon_ingress_stop(struct daemon *d)
{
	if (!d->ingress)
		return;
	netlink_close(d->ingress->nl);
	free(d->ingress);
	d->ingress = NULL;
}
