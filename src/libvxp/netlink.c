// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink through libmnl: one socket that follows the kernel's links,
 * addresses, routes and neighbours as events (an fd for the daemon's epoll
 * loop), dumps of what the kernel has now, and the one request the data
 * plane needs: have a neighbour resolved. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "netlink.h"

#define NL_BUF_SIZE 16384 /* several messages a read: MNL_SOCKET_BUFFER_SIZE is one */

struct netlink {
	struct mnl_socket *events; /* subscribed to the groups */
	struct mnl_socket *req;	   /* dumps and requests, no group */
	nl_event_fn fn;
	void *ctx;
	unsigned seq;
	bool dumping; /* in netlink_dump(): callbacks carry dump */
};

/* Events arrive on a non-blocking socket the loop polls; requests wait for
 * their answer, which the kernel owes them, a second at most. */
static struct mnl_socket *nl_socket(unsigned groups)
{
	struct mnl_socket *s =
		mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | (groups ? SOCK_NONBLOCK : 0));
	struct timeval limit = { 1, 0 };
	int err, rcvbuf = 256 * 1024;

	if (!s)
		return NULL;
	if (mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0)
		goto err_close;
	/* a burst of events (a hundred addresses at once) fits */
	if (groups)
		setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	else if (setsockopt(mnl_socket_get_fd(s), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit)))
		goto err_close;
	return s;

err_close:
	err = errno;
	mnl_socket_close(s);
	errno = err;
	return NULL;
}

struct netlink *netlink_open(unsigned groups, nl_event_fn fn, void *ctx)
{
	struct netlink *nl = calloc(1, sizeof(*nl));
	int err;

	if (!nl)
		return NULL;
	nl->fn = fn;
	nl->ctx = ctx;
	nl->seq = (unsigned)time(NULL);
	nl->events = nl_socket(groups);
	if (!nl->events)
		goto err_free;
	nl->req = nl_socket(0);
	if (!nl->req)
		goto err_events;
	return nl;

err_events:
	err = errno;
	mnl_socket_close(nl->events);
	errno = err;
err_free:
	err = errno;
	free(nl);
	errno = err;
	return NULL;
}

void netlink_close(struct netlink *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->req);
	mnl_socket_close(nl->events);
	free(nl);
}

int netlink_fd(const struct netlink *nl)
{
	return mnl_socket_get_fd(nl->events);
}

struct attrs {
	const struct nlattr **tb;
	int max;
};

static int attr_collect(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	int type = mnl_attr_get_type(a);

	if (type <= at->max)
		at->tb[type] = a;
	return MNL_CB_OK;
}

static void on_link(struct netlink *nl, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct attrs at = { tb, IFLA_MAX };
	struct nl_event ev = { .type = nlh->nlmsg_type,
			       .ifindex = ifi->ifi_index,
			       .dump = nl->dumping };

	mnl_attr_parse(nlh, sizeof(*ifi), attr_collect, &at);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == ETH_ALEN) {
		ev.has_mac = true;
		memcpy(ev.mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), ETH_ALEN);
	}
	nl->fn(nl->ctx, &ev);
}

/* IFA_LOCAL is the interface's own address where there is a peer (IPv4
 * point-to-point); IFA_ADDRESS is otherwise. */
static void on_addr(struct netlink *nl, const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 }, *a;
	struct attrs at = { tb, IFA_MAX };
	struct nl_event ev = { .type = nlh->nlmsg_type,
			       .ifindex = (int)ifa->ifa_index,
			       .dump = nl->dumping };
	size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return;
	mnl_attr_parse(nlh, sizeof(*ifa), attr_collect, &at);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != alen)
		return;
	ev.family = ifa->ifa_family;
	memcpy(ev.addr, mnl_attr_get_payload(a), alen);
	nl->fn(nl->ctx, &ev);
}

/* Routes and neighbours: that one changed is all the caller is told. */
static void on_change(struct netlink *nl, const struct nlmsghdr *nlh)
{
	struct nl_event ev = { .type = nlh->nlmsg_type, .dump = nl->dumping };

	nl->fn(nl->ctx, &ev);
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct netlink *nl = data;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct ifinfomsg))
			on_link(nl, nlh);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct ifaddrmsg))
			on_addr(nl, nlh);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		on_change(nl, nlh);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

/* Sends a request on the request socket and runs the answers through cb
 * until the kernel is done (a dump's end, or the acknowledgement). */
static int request(struct netlink *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static char buf[NL_BUF_SIZE];
	unsigned portid = mnl_socket_get_portid(nl->req);
	unsigned seq = nlh->nlmsg_seq = ++nl->seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl->req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->req, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (ret <= MNL_CB_STOP)
			return ret < 0 ? -errno : 0;
	}
}

int netlink_dump(struct netlink *nl, int type)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *gen;
	int err;

	if (type != RTM_GETLINK && type != RTM_GETADDR)
		return -EINVAL;
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	gen = mnl_nlmsg_put_extra_header(nlh, sizeof(*gen));
	gen->rtgen_family = AF_UNSPEC;
	nl->dumping = true;
	err = request(nl, nlh, on_msg, nl);
	nl->dumping = false;
	return err;
}

int netlink_read(struct netlink *nl)
{
	static char buf[NL_BUF_SIZE];
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(nl->events, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		/* events carry no sequence number or port of ours */
		if (mnl_cb_run(buf, (size_t)n, 0, 0, on_msg, nl) < 0 && errno != ENOENT)
			return -errno;
	}
}

static int ack_only(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

int netlink_neigh_use(int ifindex, int family, const void *addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct netlink nl = { 0 };
	struct ndmsg *nd;
	int err;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = (uint8_t)family;
	nd->ndm_ifindex = ifindex;
	/* NTF_USE: as if a packet were waiting for it; the entry's state
	 * is the kernel's to set (INCOMPLETE, then REACHABLE or FAILED) */
	nd->ndm_flags = NTF_USE;
	nd->ndm_state = NUD_NONE;
	mnl_attr_put(nlh, NDA_DST, family == AF_INET ? 4 : 16, addr);
	nl.req = nl_socket(0);
	if (!nl.req)
		return -errno;
	err = request(&nl, nlh, ack_only, NULL);
	mnl_socket_close(nl.req);
	return err;
}
