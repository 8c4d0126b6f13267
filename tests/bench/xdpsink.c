// SPDX-License-Identifier: GPL-2.0-only
/* xdpsink IFACE SECONDS [UDP_PORT]: attaches a drop-and-count XDP program
 * (native) to IFACE in the current network namespace for SECONDS (or until
 * SIGTERM), then prints {"packets": N, "bytes": N, "seconds": S} and
 * detaches. With UDP_PORT it counts only IPv4 UDP to that port. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

/* the value of sink_stats, as xdpsink.bpf.c has it */
struct sink_count {
	__u64 packets;
	__u64 bytes;
};

#include "xdpsink.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count(struct xdpsink *skel, unsigned long long *pkts, unsigned long long *bytes)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	struct sink_count *v = calloc(ncpu, sizeof(*v));
	__u32 zero = 0;

	*pkts = *bytes = 0;
	if (v && !bpf_map_lookup_elem(bpf_map__fd(skel->maps.sink_stats), &zero, v))
		for (i = 0; i < ncpu; i++) {
			*pkts += v[i].packets;
			*bytes += v[i].bytes;
		}
	free(v);
}

/* "aa:bb:cc:dd:ee:ff" into mac; 0 or -1 */
static int mac_parse(const char *s, volatile __u8 *mac)
{
	unsigned v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (__u8)v[i];
	return 0;
}

/* xdpsink strip IFACE SECONDS EGRESS DST_MAC SRC_MAC: the floor program on
 * IFACE instead of the sink; the same report, no count. */
static int strip_setup(struct xdpsink *skel, int argc, char **argv)
{
	if (argc < 6 || !(skel->rodata->strip_ifindex = if_nametoindex(argv[3])) ||
	    mac_parse(argv[4], skel->rodata->strip_dmac) ||
	    mac_parse(argv[5], skel->rodata->strip_smac))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_DRV_MODE);
	unsigned long long pkts, bytes;
	struct xdpsink *skel;
	double start, limit;
	int ifindex, link;

	bool strip = argc > 1 && !strcmp(argv[1], "strip");

	argv += strip;
	argc -= strip;
	if (argc < 3 || !(ifindex = (int)if_nametoindex(argv[1]))) {
		fprintf(stderr, "usage: xdpsink IFACE SECONDS [UDP_PORT] (an interface here)\n"
				"       xdpsink strip IFACE SECONDS EGRESS DST_MAC SRC_MAC\n");
		return 64;
	}
	limit = atof(argv[2]);
	skel = xdpsink__open();
	if (skel && strip && strip_setup(skel, argc, argv)) {
		fprintf(stderr, "xdpsink: strip IFACE SECONDS EGRESS DST_MAC SRC_MAC\n");
		return 64;
	}
	if (skel && !strip && argc > 3)
		skel->rodata->udp_port = (__u16)atoi(argv[3]);
	if (skel && xdpsink__load(skel)) {
		xdpsink__destroy(skel);
		skel = NULL;
	}
	if (!skel)
		return fprintf(stderr, "xdpsink: loading: %s\n", strerror(errno)), 1;
	link = bpf_link_create(
		bpf_program__fd(strip ? skel->progs.xdp_strip : skel->progs.xdp_sink), ifindex,
		BPF_XDP, &opts);
	if (link < 0)
		return fprintf(stderr, "xdpsink: attaching to %s: %s\n", argv[1], strerror(errno)),
		       1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("attached\n");
	fflush(stdout);
	start = now();
	while (!stop && now() - start < limit)
		usleep(20000);
	count(skel, &pkts, &bytes);
	printf("{\"packets\": %llu, \"bytes\": %llu, \"seconds\": %.3f}\n", pkts, bytes,
	       now() - start);
	close(link);
	xdpsink__destroy(skel);
	return 0;
}
