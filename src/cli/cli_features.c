// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipeline features: the sampled feature records (contract step 8) as
 * they come, one line each, as a table, CSV or JSON lines; on the way out the
 * seed's summary (records, rate, kernel-to-user latency) on standard error. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "jpath.h"
#include "cli_features.h"
#include "libvxp/addr.h"
#include "libvxp/feature_socket.h"
#include "libvxp/stats.h"

struct summary {
	unsigned long records;
	double first, last;		  /* seconds, CLOCK_REALTIME */
	double lat_sum, lat_min, lat_max; /* microseconds */
};

static const char *proto_name(unsigned proto, char *buf, size_t size)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
		return "icmp";
	case 58:
		return "icmpv6";
	default:
		snprintf(buf, size, "%u", proto);
		return buf;
	}
}

void cli_features_show(const struct cli *c, const struct feature_msg *m)
{
	const struct vxp_feature *f = &m->f;
	char src[64], dst[64], when[32], pbuf[8];
	const char *proto = proto_name(f->proto, pbuf, sizeof(pbuf));
	const char *reason = stats_reason_label(f->reason);
	const char *verdict = stats_outcome_label(vxp_reason_outcome(f->reason));
	double t = (double)m->time_ns / 1e9, lat = (double)m->latency_ns / 1e3;
	unsigned sport = ntohs(f->sport), dport = ntohs(f->dport);
	time_t secs = (time_t)(m->time_ns / 1000000000ULL);
	struct tm tm;

	addr_format(f->family, &f->saddr, 0, src, sizeof(src));
	addr_format(f->family, &f->daddr, 0, dst, sizeof(dst));
	switch (c->format) {
	case CLI_FORMAT_CSV:
		printf("%.6f,%u,%s,%s,%u,%s,%u,%u,%s,%s,%.1f\n", t, f->vni, proto, src, sport, dst,
		       dport, f->len, verdict, reason, lat);
		break;
	case CLI_FORMAT_JSON:
		printf("{\"time\": %.6f, \"vni\": %u, \"proto\": \"%s\", \"src\": \"%s\", "
		       "\"sport\": %u, \"dst\": \"%s\", \"dport\": %u, \"len\": %u, "
		       "\"verdict\": \"%s\", \"reason\": \"%s\", \"latency_us\": %.1f}\n",
		       t, f->vni, proto, src, sport, dst, dport, f->len, verdict, reason, lat);
		break;
	default:
		localtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		addr_format(f->family, &f->saddr, f->sport, src, sizeof(src));
		addr_format(f->family, &f->daddr, f->dport, dst, sizeof(dst));
		printf("%s.%06u %-8u %-6s %-40s %-40s %5u %s%-8s%s %-16s %8.1f\n", when,
		       (unsigned)(m->time_ns % 1000000000ULL / 1000), f->vni, proto, src, dst,
		       f->len, cli_color(c, !strcmp(verdict, "drop") ? "\033[31m" : ""), verdict,
		       cli_color(c, !strcmp(verdict, "drop") ? "\033[0m" : ""), reason, lat);
	}
}

static void print_header(const struct cli *c)
{
	if (c->format == CLI_FORMAT_CSV)
		printf("time,vni,proto,src,sport,dst,dport,len,verdict,reason,latency_us\n");
	else if (c->format == CLI_FORMAT_TEXT)
		printf("%-15s %-8s %-6s %-40s %-40s %5s %-8s %-16s %8s\n", "TIME", "VNI", "PROTO",
		       "SOURCE", "DESTINATION", "LEN", "VERDICT", "REASON", "LAT_US");
	fflush(stdout);
}

static void account(struct summary *s, const struct feature_msg *m)
{
	double t = (double)m->time_ns / 1e9, lat = (double)m->latency_ns / 1e3;

	if (!s->records++) {
		s->first = t;
		s->lat_min = s->lat_max = lat;
	}
	s->last = t;
	s->lat_sum += lat;
	s->lat_min = lat < s->lat_min ? lat : s->lat_min;
	s->lat_max = lat > s->lat_max ? lat : s->lat_max;
}

static void print_summary(const struct summary *s, double elapsed, unsigned rate)
{
	if (!s->records) {
		fprintf(stderr, "No records in %.1f s (sampling 1 in %u).\n", elapsed, rate);
		return;
	}
	fprintf(stderr,
		"%lu records in %.1f s (%.2f/s, sampling 1 in %u); kernel-to-user latency "
		"avg %.1f us, min %.1f us, max %.1f us\n",
		s->records, elapsed, elapsed > 0 ? (double)s->records / elapsed : 0, rate,
		s->lat_sum / (double)s->records, s->lat_min, s->lat_max);
}

static int connect_stream(const struct cli *c, char *path, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	feature_socket_path(c->socket, path, size);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The daemon's sampling rate; 0 with *ret_exit set when it is off or the
 * daemon does not answer. */
static unsigned sampling(const struct cli *c, int *ret_exit)
{
	json_t *st = cli_fetch(c, "/status", ret_exit);
	unsigned rate;

	if (!st)
		return 0;
	rate = (unsigned)jpath_num(st, "feature_sampling", 0);
	json_decref(st);
	if (!rate) {
		fprintf(stderr,
			"Feature sampling is off: set feature_sampling = N (1 record in N "
			"packets) in pipeline.conf, then systemctl reload vxlan-pipeline\n");
		*ret_exit = CLI_FAILED;
	}
	return rate;
}

/* Prints records from the stream (p[0]) until --count, Ctrl-C (p[1]), the
 * daemon closing it or the reader of stdout going away. */
static int print_stream(const struct cli *c, struct pollfd p[2], struct summary *s)
{
	struct feature_msg m[FEATURES_BATCH];
	ssize_t n;
	size_t i;

	while (!c->count || s->records < c->count) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break; /* Ctrl-C */
		if (!p[0].revents)
			continue;
		n = recv(p[0].fd, m, sizeof(m), 0);
		if (n == 0 || (n < 0 && errno != EINTR)) {
			fprintf(stderr, "vxlan-pipelined closed the feature stream%s%s\n",
				n ? ": " : "", n ? strerror(errno) : "");
			return CLI_FAILED;
		}
		for (i = 0;
		     n > 0 && i < (size_t)n / sizeof(m[0]) && (!c->count || s->records < c->count);
		     i++) {
			cli_features_show(c, &m[i]);
			account(s, &m[i]);
		}
		if (ferror(stdout))
			break; /* the reader went away: head, a closed pipe */
	}
	return CLI_OK;
}

/* Ctrl-C, SIGTERM and a closed pipe as events on a signalfd. */
static int signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

int cli_features(const struct cli *c)
{
	struct pollfd p[2] = { { -1, POLLIN, 0 }, { -1, POLLIN, 0 } };
	struct summary s = { 0 };
	int ret = CLI_OK;
	unsigned rate = sampling(c, &ret);
	char path[256];
	double start;

	if (!rate)
		return ret;
	p[0].fd = connect_stream(c, path, sizeof(path));
	if (p[0].fd < 0) {
		fprintf(stderr, "%s: %s%s\n", path, strerror(errno),
			errno == EACCES ? ": run as root or as a member of the vxlan-pipeline group"
					: "");
		return CLI_FAILED;
	}
	p[1].fd = signals();
	setvbuf(stdout, NULL, _IOLBF, 0); /* a record reaches a pipe when it comes */
	print_header(c);
	start = mono_now();
	ret = print_stream(c, p, &s);
	fflush(stdout);
	print_summary(&s, mono_now() - start, rate);
	close(p[0].fd);
	close(p[1].fd);
	return ret;
}
