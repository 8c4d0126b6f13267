// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-trafficgen's command line. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_cli.h"
#include "libvxp/addr.h"

enum {
	OPT_DST = 256,
	OPT_SRC,
	OPT_VNI,
	OPT_INNER_SRC,
	OPT_INNER_DST,
	OPT_TCP,
	OPT_SIZE,
	OPT_FLOWS,
	OPT_PLAIN,
	OPT_RATE,
	OPT_COUNT,
	OPT_DURATION,
	OPT_THREADS,
	OPT_RAW,
	OPT_DST_MAC,
	OPT_PCAP,
	OPT_RECEIVE,
	OPT_IDLE,
	OPT_METRICS,
	OPT_JSON,
	OPT_VERSION,
};

static const struct option options[] = {
	{ "dst", required_argument, NULL, OPT_DST },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "vni", required_argument, NULL, OPT_VNI },
	{ "inner-src", required_argument, NULL, OPT_INNER_SRC },
	{ "inner-dst", required_argument, NULL, OPT_INNER_DST },
	{ "tcp", no_argument, NULL, OPT_TCP },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "plain", no_argument, NULL, OPT_PLAIN },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "raw", required_argument, NULL, OPT_RAW },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "receive", required_argument, NULL, OPT_RECEIVE },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void tg_cli_usage(FILE *f)
{
	fprintf(f,
		"Usage: vxlan-trafficgen --dst ADDR[:PORT] [OPTION]...\n"
		"       vxlan-trafficgen --receive ADDR:PORT [OPTION]...\n"
		"Send VXLAN-encapsulated traffic as AWS Traffic Mirroring does, or plain UDP, at "
		"a\n"
		"set rate; or receive it on the collector and check every packet.\n"
		"\n"
		"What to send:\n"
		"      --dst ADDR[:PORT]      the pipeline host; VXLAN port 4789 unless given\n"
		"                             (with --plain: where the UDP goes, port 5000 unless "
		"given)\n"
		"      --vni N                VXLAN network identifier (default 1)\n"
		"      --inner-src ADDR[:PORT]  inner source (default 10.1.0.1:40000)\n"
		"      --inner-dst ADDR[:PORT]  inner destination (default 10.2.0.1:5000)\n"
		"      --tcp                  inner TCP segments instead of UDP datagrams\n"
		"      --size BYTES           inner IP packet length (default 64)\n"
		"      --flows N              flows, each with its own inner source port and an\n"
		"                             outer source port hashed from the inner 5-tuple "
		"(default 1)\n"
		"      --plain                plain UDP to --dst: no VXLAN\n"
		"How:\n"
		"      --rate PPS             packets per second, all threads together; 0 is as\n"
		"                             fast as possible (default 1000)\n"
		"      --count N              send N packets (receiving: stop after N)\n"
		"      --duration SECONDS     send for this long (default 10, unless --count);\n"
		"                             receiving: stop after this long\n"
		"      --threads N            sending threads, each with its share of flows and "
		"rate\n"
		"                             (default 1)\n"
		"      --raw IFACE            whole frames on IFACE, needs root: through "
		"AF_PACKET,\n"
		"                             or an in-kernel XDP sender for a thread's share\n"
		"                             above 500000 pps or --rate 0 (default: a UDP "
		"socket,\n"
		"                             no privileges)\n"
		"      --src ADDR             --raw: outer source (default: IFACE's address);\n"
		"                             --pcap: (default 192.0.2.1 or 2001:db8::1)\n"
		"      --dst-mac MAC          --raw: destination MAC (default: --dst's entry in\n"
		"                             the neighbour table; IPv6 --dst needs it given)\n"
		"      --pcap FILE            write the frames to FILE instead of sending them\n"
		"Receiving:\n"
		"      --receive ADDR:PORT    count what arrives, check payloads and sequence "
		"numbers\n"
		"                             per flow, and time it against the sender's clock\n"
		"      --idle SECONDS         stop this long after the last packet (default 2)\n"
		"Both:\n"
		"      --metrics ADDR:PORT    read the pipeline's counters from its /metrics "
		"before\n"
		"                             and after, and join them to the report\n"
		"      --json                 the report as one JSON object\n"
		"  -q, --quiet                no live progress line\n"
		"  -h, --help                 show this help and exit\n"
		"      --version              show the version and exit\n"
		"\n"
		"Exit status: 0 done (the report says what was lost or damaged), 1 a failure,\n"
		"64 a bad command line. See vxlan-trafficgen(1).\n");
}

static int num(const char *opt, const char *arg, double lo, double hi, double *ret, char *err,
	       size_t errsize)
{
	char *end;
	double v = strtod(arg, &end);

	if (!*arg || *end || v < lo || v > hi) {
		snprintf(err, errsize, "--%s: '%s' is not a number from %.0f to %.0f", opt, arg, lo,
			 hi);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

static int addr_opt(const char *opt, const char *arg, int *family, union vxp_addr *a,
		    uint16_t *port, char *err, size_t errsize)
{
	uint16_t p = 0;
	int f = addr_parse_port(arg, a, &p);

	if (f < 0) {
		snprintf(err, errsize,
			 "--%s: '%s' is not an address[:port] (\"[addr]:port\" for IPv6)", opt,
			 arg);
		return -EINVAL;
	}
	*family = f;
	if (p && port)
		*port = p;
	return 0;
}

static int mac_opt(const char *arg, uint8_t *mac, char *err, size_t errsize)
{
	unsigned m[6], i;
	char tail;

	if (sscanf(arg, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &tail) !=
	    6) {
		snprintf(err, errsize, "--dst-mac: '%s' is not a MAC like 02:00:00:00:00:01", arg);
		return -EINVAL;
	}
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return 0;
}

static void defaults(struct tg_cli *c)
{
	struct tg_config *s = &c->send;

	memset(c, 0, sizeof(*c));
	s->mode = TG_MODE_UDP;
	s->vxlan_port = VXP_VXLAN_PORT_DEFAULT;
	s->vni = 1;
	s->inner_family = s->outer_family = VXP_AF_INET;
	s->inner_proto = IPPROTO_UDP;
	addr_parse("10.1.0.1", &s->inner_src);
	addr_parse("10.2.0.1", &s->inner_dst);
	s->inner_sport = 40000;
	s->inner_dport = 5000;
	s->size = 64;
	s->flows = 1;
	s->rate = 1000;
	s->threads = 1;
	c->recv.idle = 2;
}

/* An option naming a place: an address, an interface, a file. 0 or -EINVAL;
 * 1 when opt is not one of them. */
static int take_place(struct tg_cli *c, int opt, const char *name, char *err, size_t errsize)
{
	struct tg_config *s = &c->send;
	int family = 0, ret;

	switch (opt) {
	case OPT_DST:
		return addr_opt(name, optarg, &s->outer_family, &s->outer_dst, &s->vxlan_port, err,
				errsize);
	case OPT_SRC:
		c->src_given = true;
		return addr_opt(name, optarg, &family, &s->outer_src, NULL, err, errsize);
	case OPT_INNER_SRC:
		return addr_opt(name, optarg, &s->inner_family, &s->inner_src, &s->inner_sport, err,
				errsize);
	case OPT_INNER_DST:
		ret = addr_opt(name, optarg, &family, &s->inner_dst, &s->inner_dport, err, errsize);
		if (!ret && family != s->inner_family) {
			snprintf(err, errsize,
				 "--inner-dst: give --inner-src of the same family first");
			return -EINVAL;
		}
		return ret;
	case OPT_RECEIVE:
		c->receive = true;
		return addr_opt(name, optarg, &c->recv.family, &c->recv.addr, &c->recv.port, err,
				errsize);
	case OPT_DST_MAC:
		c->dst_mac_given = true;
		return mac_opt(optarg, s->dst_mac, err, errsize);
	case OPT_RAW:
		s->mode = TG_MODE_RAW;
		snprintf(s->ifname, sizeof(s->ifname), "%s", optarg);
		return 0;
	case OPT_PCAP:
		s->mode = TG_MODE_PCAP;
		s->pcap_path = optarg;
		return 0;
	case OPT_METRICS:
		c->metrics = optarg;
		return 0;
	default:
		return 1;
	}
}

/* An option without a value: 0, or 1 when opt is not one of them. */
static int take_flag(struct tg_cli *c, int opt)
{
	switch (opt) {
	case OPT_TCP:
		c->send.inner_proto = IPPROTO_TCP;
		return 0;
	case OPT_PLAIN:
		c->send.plain = true;
		return 0;
	case OPT_JSON:
		c->send.json = true;
		return 0;
	case 'q':
		c->recv.progress = c->send.progress = false;
		return 0;
	case 'h':
		c->help = true;
		return 0;
	case OPT_VERSION:
		c->version = true;
		return 0;
	default:
		return 1;
	}
}

/* An option with a number; -EINVAL for a bad one, or an unknown option. */
static int take_number(struct tg_cli *c, int opt, const char *name, char *err, size_t errsize)
{
	struct tg_config *s = &c->send;
	double v = 0;
	int ret;

	switch (opt) {
	case OPT_VNI:
		ret = num(name, optarg, 0, (1 << VXP_VNI_BITS) - 1, &v, err, errsize);
		s->vni = (uint32_t)v;
		return ret;
	case OPT_SIZE:
		ret = num(name, optarg, 1, TG_FRAME_MAX, &v, err, errsize);
		s->size = (unsigned)v;
		return ret;
	case OPT_FLOWS:
		ret = num(name, optarg, 1, TG_FLOWS_MAX, &v, err, errsize);
		s->flows = (unsigned)v;
		return ret;
	case OPT_RATE:
		ret = num(name, optarg, 0, 1e9, &v, err, errsize);
		s->rate = (uint64_t)v;
		return ret;
	case OPT_COUNT:
		ret = num(name, optarg, 1, 1e12, &v, err, errsize);
		c->recv.count = s->count = (uint64_t)v;
		return ret;
	case OPT_DURATION:
		ret = num(name, optarg, 0.001, 86400, &v, err, errsize);
		c->recv.duration = s->duration = v;
		return ret;
	case OPT_THREADS:
		ret = num(name, optarg, 1, TG_THREADS_MAX, &v, err, errsize);
		s->threads = (unsigned)v;
		return ret;
	case OPT_IDLE:
		ret = num(name, optarg, 0.01, 3600, &v, err, errsize);
		c->recv.idle = v;
		return ret;
	default:
		snprintf(err, errsize, "unknown option; see --help");
		return -EINVAL;
	}
}

static int take(struct tg_cli *c, int opt, const char *name, char *err, size_t errsize)
{
	int ret = take_place(c, opt, name, err, errsize);

	if (ret <= 0)
		return ret;
	if (!take_flag(c, opt))
		return 0;
	return take_number(c, opt, name, err, errsize);
}

static int finish(struct tg_cli *c, bool have_dst, bool port_given, char *err, size_t errsize)
{
	struct tg_config *s = &c->send;

	if (c->receive || c->help || c->version)
		return 0;
	if (!have_dst) {
		snprintf(err, errsize, "--dst ADDR is needed to send (or --receive to receive)");
		return -EINVAL;
	}
	if (s->plain) {
		/* the inner packet is the packet: the outer addresses are its own */
		s->inner_family = s->outer_family;
		s->inner_dst = s->outer_dst;
		s->inner_dport = port_given ? s->vxlan_port : 5000;
		s->inner_src = s->outer_src;
	}
	if (!s->count && !s->duration)
		s->duration = 10;
	if (s->mode == TG_MODE_PCAP && !s->count)
		s->count = s->flows;
	if (s->threads > s->flows) {
		snprintf(err, errsize, "--threads %u needs at least as many --flows", s->threads);
		return -EINVAL;
	}
	return 0;
}

int tg_cli_parse(int argc, char **argv, struct tg_cli *ret, char *err, size_t errsize)
{
	bool have_dst = false, port_given = false;
	int opt, idx = -1;

	defaults(ret);
	ret->recv.progress = ret->send.progress = true;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":qh", options, &idx)) != -1) {
		const char *name = idx >= 0 ? options[idx].name : argv[optind - 1];

		if (opt == ':' || opt == '?') {
			snprintf(err, errsize, "%s '%s'; see --help",
				 opt == ':' ? "a value is missing after" : "unknown option",
				 argv[optind - 1]);
			return -EINVAL;
		}
		if (opt == OPT_DST) {
			have_dst = true;
			port_given = strchr(optarg, ']')
					     ? strstr(optarg, "]:") != NULL
					     : strchr(optarg, ':') == strrchr(optarg, ':') &&
						       strchr(optarg, ':');
		}
		if (take(ret, opt, name, err, errsize))
			return -EINVAL;
		idx = -1;
	}
	if (optind < argc) {
		snprintf(err, errsize, "unexpected argument '%s'; see --help", argv[optind]);
		return -EINVAL;
	}
	return finish(ret, have_dst, port_given, err, errsize);
}
