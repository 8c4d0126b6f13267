// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-trafficgen: sends VXLAN (or plain UDP) traffic at a set rate, or
 * receives and checks it; one report at the end. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>

#include "tg_cli.h"
#include "tg_metrics.h"
#include "tg_pcap.h"
#include "tg_recv.h"
#include "tg_report.h"
#include "tg_send.h"
#include "libvxp/addr.h"
#include "libvxp/log.h"

static int if_mac(const char *ifname, uint8_t *mac)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (fd >= 0)
		close(fd);
	return err;
}

/* The first address of the family on ifname. */
static int if_addr(const char *ifname, int family, union vxp_addr *ret)
{
	struct ifaddrs *ifa, *i;
	int want = family == VXP_AF_INET ? AF_INET : AF_INET6, err = -ENOENT;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i && err; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != want || strcmp(i->ifa_name, ifname))
			continue;
		memset(ret, 0, sizeof(*ret));
		if (want == AF_INET)
			ret->v4 = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
		else
			memcpy(ret->bytes, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
		err = 0;
	}
	freeifaddrs(ifa);
	return err;
}

/* /proc/net/arp: IP address, HW type, Flags, HW address, Mask, Device */
static int neighbour_mac(const char *ifname, const union vxp_addr *ip, uint8_t *mac)
{
	char line[256], addr[64], hw[32], dev[IF_NAMESIZE + 1], want[64];
	unsigned m[6], flags, i;
	FILE *f = fopen("/proc/net/arp", "re");
	int err = -ENOENT;

	addr_format(VXP_AF_INET, ip, 0, want, sizeof(want));
	while (f && err && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %*s %x %31s %*s %16s", addr, &flags, hw, dev) == 4 &&
		    !strcmp(addr, want) && !strcmp(dev, ifname) && (flags & 2) &&
		    sscanf(hw, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) ==
			    6) {
			for (i = 0; i < 6; i++)
				mac[i] = (uint8_t)m[i];
			err = 0;
		}
	if (f)
		fclose(f);
	return err;
}

static int prepare_raw(struct tg_cli *c)
{
	struct tg_config *s = &c->send;
	char dst[ADDR_STR_MAX];

	if (!if_nametoindex(s->ifname)) {
		log_err("--raw: no interface '%s' here", s->ifname);
		return -ENODEV;
	}
	if (if_mac(s->ifname, s->src_mac)) {
		log_err("--raw: cannot read the MAC of '%s'", s->ifname);
		return -ENODEV;
	}
	if (!c->src_given && if_addr(s->ifname, s->outer_family, &s->outer_src)) {
		log_err("--raw: '%s' has no IPv%d address; give --src", s->ifname,
			s->outer_family == VXP_AF_INET ? 4 : 6);
		return -EADDRNOTAVAIL;
	}
	if (!c->dst_mac_given && (s->outer_family != VXP_AF_INET ||
				  neighbour_mac(s->ifname, &s->outer_dst, s->dst_mac))) {
		addr_format(s->outer_family, &s->outer_dst, 0, dst, sizeof(dst));
		log_err("--raw: no neighbour entry for %s on '%s': ping it once, or give --dst-mac",
			dst, s->ifname);
		return -EHOSTUNREACH;
	}
	return 0;
}

static int prepare(struct tg_cli *c)
{
	struct tg_config *s = &c->send;
	int err = 0;

	if (s->mode == TG_MODE_RAW)
		err = prepare_raw(c);
	else if (!c->src_given) /* pcap: a documentation address */
		addr_parse(s->outer_family == VXP_AF_INET ? "192.0.2.1" : "2001:db8::1",
			   &s->outer_src);
	if (s->plain) {
		s->inner_src = s->outer_src;
		s->inner_family = s->outer_family;
	}
	return err;
}

/* SIGINT and SIGTERM end the run early, with a report: blocked here for every
 * thread, read from a signalfd by the main one. */
static int signals_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* The pipeline's counters before and after run(); NULL without --metrics. */
static const struct tg_pipeline *with_metrics(const struct tg_cli *c, int (*run)(struct tg_cli *),
					      int *ret_err)
{
	static struct tg_pipeline before, after, delta;
	int err;

	if (c->metrics && (err = tg_metrics_read(c->metrics, &before)))
		log_warn("--metrics %s: %s; the report leaves the pipeline out", c->metrics,
			 strerror(-err));
	*ret_err = run((struct tg_cli *)c);
	if (!c->metrics || err)
		return NULL;
	usleep(200000); /* what is still in flight */
	if ((err = tg_metrics_read(c->metrics, &after))) {
		log_warn("--metrics %s: %s; the report leaves the pipeline out", c->metrics,
			 strerror(-err));
		return NULL;
	}
	tg_metrics_delta(&before, &after, &delta);
	return &delta;
}

static struct tg_send_result sent;
static struct tg_recv_result got;
static int sigfd = -1;

static int run_receive(struct tg_cli *c)
{
	int err = tg_receive(&c->recv, sigfd, &got);

	if (err)
		log_err("Failed to receive on the given address: %s", strerror(-err));
	return err;
}

static int run_send(struct tg_cli *c)
{
	int err = prepare(c);

	if (!err)
		err = c->send.mode == TG_MODE_PCAP ? tg_write_pcap(&c->send, &sent)
						   : tg_send(&c->send, sigfd, &sent);
	return err;
}

int main(int argc, char **argv)
{
	const struct tg_pipeline *pipeline;
	struct tg_cli c;
	char msg[256];
	int err = 0;

	if (tg_cli_parse(argc, argv, &c, msg, sizeof(msg))) {
		fprintf(stderr, "vxlan-trafficgen: %s\n", msg);
		return EX_USAGE;
	}
	if (c.help || c.version) {
		if (c.help)
			tg_cli_usage(stdout);
		else
			printf("vxlan-trafficgen %s\n", PACKAGE_VERSION);
		return 0;
	}
	log_init("vxlan-trafficgen", LOG_TARGET_STDERR, LOG_INFO);
	c.send.progress = c.recv.progress = c.send.progress && isatty(STDERR_FILENO);
	sigfd = signals_fd();
	pipeline = with_metrics(&c, c.receive ? run_receive : run_send, &err);
	if (err)
		return 1;
	if (c.receive)
		tg_report_recv(stdout, &got, c.send.json, pipeline);
	else
		tg_report_send(stdout, &c.send, &sent, pipeline);
	return 0;
}
