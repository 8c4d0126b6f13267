// SPDX-License-Identifier: GPL-2.0-only
/* What the daemon must know about an interface before attaching: index, driver,
 * MTU, channels, whether it carries the default route; and the ENA limits for
 * native XDP, checked and, when asked, applied. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "netdev.h"

static int ioctl_ifr(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr->ifr_name, IF_NAMESIZE, "%s", name);
	if (ioctl(fd, req, ifr))
		err = -errno;
	close(fd);
	return err;
}

static int ethtool(const char *name, void *cmd)
{
	struct ifreq ifr = { .ifr_data = cmd };

	return ioctl_ifr(name, SIOCETHTOOL, &ifr);
}

int netdev_query(const char *name, struct netdev_info *ret)
{
	struct ethtool_drvinfo drv = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { 0 };
	char copy[IF_NAMESIZE];
	int err;

	snprintf(copy, sizeof(copy), "%s", name); /* name may be ret->name */
	memset(ret, 0, sizeof(*ret));
	memcpy(ret->name, copy, sizeof(ret->name));
	name = ret->name;
	ret->ifindex = (int)if_nametoindex(name);
	if (!ret->ifindex)
		return -errno;
	err = ioctl_ifr(name, SIOCGIFMTU, &ifr);
	if (err)
		return err;
	ret->mtu = (unsigned)ifr.ifr_mtu;
	if (!ethtool(name, &drv))
		snprintf(ret->driver, sizeof(ret->driver), "%s", drv.driver);
	if (!ethtool(name, &ch)) {
		ret->has_channels = true;
		ret->combined = ch.combined_count;
		ret->max_combined = ch.max_combined;
	}
	return 0;
}

static bool is_ena(const struct netdev_info *nd)
{
	return !strcmp(nd->driver, "ena");
}

static unsigned ena_channels_max(const struct netdev_info *nd)
{
	return nd->max_combined / 2 ? nd->max_combined / 2 : 1;
}

__attribute__((format(printf, 3, 4))) static void append(char *buf, size_t size, const char *fmt,
							 ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

int netdev_ena_check(const struct netdev_info *nd, char *problem, size_t psize, char *fix,
		     size_t fsize)
{
	bool mtu_bad, ch_bad;

	if (!is_ena(nd))
		return 0;
	mtu_bad = nd->mtu > ENA_XDP_MTU_MAX;
	ch_bad = nd->has_channels && nd->combined > ena_channels_max(nd);
	if (!mtu_bad && !ch_bad)
		return 0;
	problem[0] = fix[0] = '\0';
	append(problem, psize, "driver ena");
	if (mtu_bad) {
		append(problem, psize, ": MTU %u > %d", nd->mtu, ENA_XDP_MTU_MAX);
		append(fix, fsize, "ip link set dev %s mtu %d", nd->name, ENA_XDP_MTU_MAX);
	}
	if (ch_bad) {
		append(problem, psize, ": %u combined channels > %u, half of the %u maximum",
		       nd->combined, ena_channels_max(nd), nd->max_combined);
		append(fix, fsize, "%sethtool -L %s combined %u", mtu_bad ? "; " : "", nd->name,
		       ena_channels_max(nd));
	}
	return -EINVAL;
}

int netdev_ena_apply(const struct netdev_info *nd)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { .ifr_mtu = ENA_XDP_MTU_MAX };
	int err;

	if (nd->mtu > ENA_XDP_MTU_MAX) {
		err = ioctl_ifr(nd->name, SIOCSIFMTU, &ifr);
		if (err)
			return err;
	}
	if (!nd->has_channels || nd->combined <= ena_channels_max(nd))
		return 0;
	err = ethtool(nd->name, &ch);
	if (err)
		return err;
	ch.cmd = ETHTOOL_SCHANNELS;
	ch.combined_count = ena_channels_max(nd);
	return ethtool(nd->name, &ch);
}

int netdev_ethtool_stats(const char *name, const char *match, struct netdev_stat *out, size_t max)
{
	struct ethtool_sset_info *info = calloc(1, sizeof(*info) + sizeof(__u32));
	struct ethtool_gstrings *names = NULL;
	struct ethtool_stats *vals = NULL;
	unsigned i, n = 0, count;
	int err;

	if (!info)
		return -ENOMEM;
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_STATS;
	err = ethtool(name, info);
	count = err || !info->sset_mask ? 0 : info->data[0];
	if (!err && count) {
		names = calloc(1, sizeof(*names) + (size_t)count * ETH_GSTRING_LEN);
		vals = calloc(1, sizeof(*vals) + (size_t)count * sizeof(__u64));
		err = names && vals ? 0 : -ENOMEM;
	}
	if (!err && count) {
		*names = (struct ethtool_gstrings){ .cmd = ETHTOOL_GSTRINGS,
						    .string_set = ETH_SS_STATS,
						    .len = count };
		*vals = (struct ethtool_stats){ .cmd = ETHTOOL_GSTATS, .n_stats = count };
		err = ethtool(name, names);
		if (!err)
			err = ethtool(name, vals);
	}
	for (i = 0; !err && i < count && n < max; i++) {
		const char *s = (const char *)names->data + (size_t)i * ETH_GSTRING_LEN;

		/* names fill ETH_GSTRING_LEN bytes and need no NUL */
		if (!memmem(s, strnlen(s, ETH_GSTRING_LEN), match, strlen(match)))
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%.*s", ETH_GSTRING_LEN, s);
		out[n++].value = vals->data[i];
	}
	free(info);
	free(names);
	free(vals);
	return err ? err : (int)n;
}

bool netdev_running(const char *name)
{
	struct ifreq ifr = { 0 };

	return !ioctl_ifr(name, SIOCGIFFLAGS, &ifr) && (ifr.ifr_flags & IFF_UP) &&
	       (ifr.ifr_flags & IFF_RUNNING);
}

/* /proc/net/route: Iface Destination Gateway Flags ... Mask (hex, host order) */
static int default_route_v4(const char *name)
{
	char line[256], iface[IF_NAMESIZE + 1];
	unsigned dest, gw, flags, mask;
	FILE *f = fopen("/proc/net/route", "re");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%16s %x %x %x %*d %*d %*d %x", iface, &dest, &gw, &flags,
			   &mask) == 5)
			found = !dest && !mask && !strcmp(iface, name);
	fclose(f);
	return found;
}

/* /proc/net/ipv6_route: dest prefixlen src prefixlen next-hop metric ref use flags iface */
static int default_route_v6(const char *name)
{
	char line[256], dest[33], iface[IF_NAMESIZE + 1];
	FILE *f = fopen("/proc/net/ipv6_route", "re");
	unsigned plen;
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%32s %x %*s %*s %*s %*s %*s %*s %*s %16s", dest, &plen, iface) ==
		    3)
			found = !plen && !strcmp(dest, "00000000000000000000000000000000") &&
				!strcmp(iface, name);
	fclose(f);
	return found;
}

int netdev_has_default_route(const char *name)
{
	return default_route_v4(name) || default_route_v6(name);
}
