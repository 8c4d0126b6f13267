/* SPDX-License-Identifier: GPL-2.0-only */
/* What the daemon must know about an interface before attaching: index, driver,
 * MTU, channels, whether it carries the default route; and the ENA limits for
 * native XDP, checked and, when asked, applied. */
#ifndef VXP_NETDEV_H
#define VXP_NETDEV_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#define ENA_XDP_MTU_MAX 3498

struct netdev_info {
	char name[IF_NAMESIZE];
	int ifindex;
	char driver[32];
	unsigned mtu;
	bool has_channels; /* the driver reports channel counts */
	unsigned combined, max_combined;
};

/* Reads what the kernel says about name. Returns 0 or -errno. */
int netdev_query(const char *name, struct netdev_info *ret);

/* ENA's limits for native XDP. Returns 0 when they hold, or -EINVAL with the
 * problem and the commands that fix it written to problem and fix. */
int netdev_ena_check(const struct netdev_info *nd, char *problem, size_t psize, char *fix,
		     size_t fsize);
/* Applies the ENA limits (MTU, then channels). Returns 0 or -errno. */
int netdev_ena_apply(const struct netdev_info *nd);

struct netdev_stat {
	char name[33]; /* ETH_GSTRING_LEN and a NUL */
	unsigned long long value;
};

/* The driver's ethtool -S counters whose names contain match. Returns their
 * number (at most max), or -errno. */
int netdev_ethtool_stats(const char *name, const char *match, struct netdev_stat *out, size_t max);
/* Up and with a carrier. */
bool netdev_running(const char *name);

/* 1 when an IPv4 or IPv6 default route goes out this interface, else 0. */
int netdev_has_default_route(const char *name);

#endif /* VXP_NETDEV_H */
