// SPDX-License-Identifier: GPL-2.0-only
/* The IPv6 settings the ingress interface needs for inner IPv6 to forward:
 * bpf_fib_lookup forwards it only where IPv6 forwarding is on for the
 * ingress, and forwarding there stops the kernel taking routes from router
 * advertisements (EC2's IPv6 default route) unless accept_ra is 2. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ingress_sysctl.h"
#include "libvxp/log.h"
#include "libvxp/sysfile.h"

static void conf_path(const char *ifname, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/sys/net/ipv6/conf/%s/%s", ifname, name);
}

static int read_int(const char *ifname, const char *name, int *ret)
{
	char path[128];
	long long v;
	int err;

	conf_path(ifname, name, path, sizeof(path));
	err = sysfile_read(path, &v);
	if (!err)
		*ret = (int)v;
	return err;
}

static int write_int(const char *ifname, const char *name, int v)
{
	char path[128];
	FILE *f;
	int err = 0;

	conf_path(ifname, name, path, sizeof(path));
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fprintf(f, "%d\n", v) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* name to want, logged when it changes */
static int set_one(const char *ifname, const char *name, int want, const char *why)
{
	int was, err = read_int(ifname, name, &was);

	if (!err && was != want)
		err = write_int(ifname, name, want);
	if (err) {
		log_err("Failed to set net.ipv6.conf.%s.%s to %d: %s", ifname, name, want,
			strerror(-err));
		return err;
	}
	if (was != want)
		log_notice("net.ipv6.conf.%s.%s: %d -> %d (%s)", ifname, name, was, want, why);
	return 0;
}

int ingress_sysctl_prepare(const char *ifname)
{
	char dir[96];
	int accept_ra, err;

	snprintf(dir, sizeof(dir), "/proc/sys/net/ipv6/conf/%s", ifname);
	if (access(dir, F_OK)) {
		log_info("'%s' has no IPv6: no IPv6 setting to make", ifname);
		return 0;
	}
	/* before forwarding: turning it on drops the routes router
	 * advertisements gave where accept_ra is not 2 */
	err = read_int(ifname, "accept_ra", &accept_ra);
	if (!err && accept_ra == 1)
		err = set_one(ifname, "accept_ra", 2,
			      "router advertisements keep their routes while it forwards");
	if (!err)
		err = set_one(ifname, "forwarding", 1,
			      "bpf_fib_lookup forwards inner IPv6 only where it is on");
	return err;
}

bool ingress_sysctl_ipv6_forwarding(const char *ifname)
{
	int v = 0;

	return !read_int(ifname, "forwarding", &v) && v;
}
