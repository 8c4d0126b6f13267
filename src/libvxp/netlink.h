/* SPDX-License-Identifier: GPL-2.0-only */
/* rtnetlink through libmnl: one socket that follows the kernel's links,
 * addresses, routes and neighbours as events (an fd for the daemon's epoll
 * loop), dumps of what the kernel has now, and the one request the data
 * plane needs: have a neighbour resolved. */
#ifndef VXP_NETLINK_H
#define VXP_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

/* What the kernel told, one object per event. */
struct nl_event {
	/* RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR; RTM_NEWROUTE,
	 * RTM_DELROUTE, RTM_NEWNEIGH, RTM_DELNEIGH (no more than the type) */
	int type;
	int ifindex;
	int family;	  /* addresses: AF_INET or AF_INET6 */
	uint8_t addr[16]; /* addresses: the interface's own (4 or 16 bytes) */
	bool has_mac;	  /* links: an Ethernet address came with it */
	uint8_t mac[6];
	bool dump; /* from netlink_dump(): what is, not a change */
};

typedef void (*nl_event_fn)(void *ctx, const struct nl_event *ev);

struct netlink;

/* groups: RTMGRP_* bits to follow (RTMGRP_LINK, RTMGRP_IPV4_IFADDR, ...).
 * NULL with errno on failure. */
struct netlink *netlink_open(unsigned groups, nl_event_fn fn, void *ctx);
void netlink_close(struct netlink *nl);
int netlink_fd(const struct netlink *nl);

/* What the kernel has now of RTM_GETLINK or RTM_GETADDR, through the same
 * callback, before this returns. Events that raced with it follow on the
 * fd; they only repeat or update what the dump said. Returns 0 or -errno. */
int netlink_dump(struct netlink *nl, int type);

/* Reads every event pending on the fd (non-blocking) and calls back.
 * -ENOBUFS: the kernel dropped events, so the caller dumps again. */
int netlink_read(struct netlink *nl);

/* Has the kernel resolve the neighbour addr (AF_INET or AF_INET6) on ifindex
 * now (RTM_NEWNEIGH with NTF_USE), creating the entry if need be. Needs
 * CAP_NET_ADMIN. Returns 0 or -errno (the kernel's answer). */
int netlink_neigh_use(int ifindex, int family, const void *addr);

#endif /* VXP_NETLINK_H */
