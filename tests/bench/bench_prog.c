// SPDX-License-Identifier: GPL-2.0-only
/* make bench-prog: nanoseconds per packet of the data plane under
 * BPF_PROG_TEST_RUN repeat, against a trivial XDP_PASS program measured in the
 * same run, as medians over interleaved rounds; and what sampling 1 in 100
 * (contract step 8) adds, its ring drained by a thread as the daemon drains
 * it. Last line: a JSON object. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bench_restore.skel.h"
#include "specs.h"
#include "libvxp/stats.h"

#define ROUNDS_DEFAULT 11
#define ROUNDS_MAX     31
#define REPEAT_DEFAULT 1000000
#define TARGET_FULL    5.0
#define TARGET_PASS    1.2
#define SAMPLE_RATE    100 /* BENCH_SAMPLE_RATE changes it */

enum {
	M_FLOOR,
	M_PASS,
	M_HARNESS,
	M_HARNESS_FULL,
	M_HARNESS_PREFIB,
	M_HARNESS_SAMPLED,
	M_HARNESS_CONTROL,
	M_HARNESS_NOCOUNT,
	M_HARNESS_UNMATCHED,
	M__COUNT
};
enum { P_FLOOR, P_PIPELINE };
enum { F_FULL, F_PREFIB, F_PLAIN, F_UNMATCHED, F__COUNT };

struct measure {
	const char *name;
	int prog;	 /* P_FLOOR or P_PIPELINE */
	bool harness;	 /* restore the frame, then tail-call prog */
	int frame;	 /* F_* */
	uint32_t want;	 /* XDP verdict every repeat must give */
	int reason;	 /* counted once per repeat, or -1 */
	uint32_t sample; /* the sampling rate while it runs; 0 off */
	bool nocount;	 /* per-rule counters off while it runs */
	double ns[ROUNDS_MAX];
};

struct frame {
	uint8_t b[PKT_MAX];
	size_t len;
};

struct bench {
	struct dp_env env;
	struct bench_restore *harness;
	int target_map;
	struct frame f[F__COUNT];
	unsigned rounds, repeat, sample_rate;
	/* the feature ring's reader */
	struct ring_buffer *ring;
	pthread_t reader;
	volatile bool stop;
	uint64_t records;	/* read by the reader thread */
	uint64_t sampled, lost; /* counted by the program */
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct bench *b = ctx;

	(void)data;
	(void)size;
	__atomic_add_fetch(&b->records, 1, __ATOMIC_RELAXED);
	return 0;
}

static void *reader(void *arg)
{
	struct bench *b = arg;

	while (!b->stop)
		ring_buffer__poll(b->ring, 100);
	ring_buffer__consume(b->ring);
	return NULL;
}

/* NAT hit, DF cleared (1450 > 1400), forwarded via out0. */
static const struct pkt_spec full_spec = {
	VX4,
	.ip = { .family = 4,
		.src = "10.0.5.1",
		.dst = "10.2.99.1",
		.proto = IPPROTO_UDP,
		.df = true },
	.l4 = { .sport = 40000, .dport = 8081, .payload = 1450 - 28 },
};

/* Not ours, parsed as deep as a non-matching packet goes: to its UDP port. */
static const struct pkt_spec plain_spec = {
	.l2 = { .dst = MAC_IN0, .src = MAC_PEER },
	UDP4("10.0.0.2", "10.0.0.1"),
	PORTS(5353, 53),
};

/* The frames, the full path's and its variants. */
static void frames_build(struct bench *b)
{
	struct pkt_spec s = full_spec;

	b->f[F_FULL].len = pkt_build(&s, b->f[F_FULL].b);
	/* TTL 1: NAT and DF, then dropped before the forwarding step; the
	 * difference to the full path is the next hop and the redirect */
	s.ip.ttl = 1;
	b->f[F_PREFIB].len = pkt_build(&s, b->f[F_PREFIB].b);
	/* to a port no rule has: forwarded as it is, by bpf_fib_lookup for
	 * every packet */
	s = full_spec;
	s.l4.dport = 8089;
	b->f[F_UNMATCHED].len = pkt_build(&s, b->f[F_UNMATCHED].b);
	b->f[F_PLAIN].len = pkt_build(&plain_spec, b->f[F_PLAIN].b);
}

static int run(struct bench *b, int prog_fd, const uint8_t *frame, size_t len, uint32_t repeat,
	       uint32_t *ret_verdict, uint32_t *ret_ns)
{
	struct xdp_md ctx = { .data_end = (uint32_t)len, .ingress_ifindex = b->env.tn.in0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (uint32_t)len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	*ret_verdict = opts.retval;
	*ret_ns = opts.duration;
	return 0;
}

static int set_target(struct bench *b, int prog_fd)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(b->target_map, &zero, &prog_fd, BPF_ANY) ? -errno : 0;
}

static int harness_open(struct bench *b)
{
	size_t head;

	b->harness = bench_restore__open();
	if (!b->harness)
		return -errno;
	/* the harnessed frames have one length; their heads are swapped in */
	b->harness->rodata->frame_len = (uint32_t)b->f[F_FULL].len;
	head = sizeof(b->harness->bss->frame_head);
	if (head > b->f[F_FULL].len)
		head = b->f[F_FULL].len;
	b->harness->rodata->restore_len = (uint32_t)head;
	if (bench_restore__load(b->harness))
		return -errno;
	b->target_map = bpf_map__fd(b->harness->maps.bench_target);
	return 0;
}

/* Shows why the harness exists: without it, every repeat after the first sees
 * the decapsulated output of the one before. */
static void show_reuse(struct bench *b)
{
	struct vxp_stats before, after;
	uint32_t verdict, ns;
	int fd = datapath_stats_fd(b->env.dp);

	stats_read(fd, &before);
	if (run(b, datapath_pipeline_fd(b->env.dp), b->f[F_FULL].b, b->f[F_FULL].len, 1000,
		&verdict, &ns))
		return;
	stats_read(fd, &after);
	printf("without the harness, 1000 repeats of one VXLAN frame forward %llu: repeat runs\n"
	       "the program on its own previous output, so the harness restores the frame.\n\n",
	       (unsigned long long)(after.reason[VXP_REASON_FORWARDED].packets -
				    before.reason[VXP_REASON_FORWARDED].packets));
}

/* One measurement of one round; the counters prove each repeat took the path. */
static int measure_one(struct bench *b, struct measure *m, unsigned round)
{
	int prog = m->prog == P_FLOOR ? datapath_egress_fd(b->env.dp)
				      : datapath_pipeline_fd(b->env.dp);
	const struct frame *f = &b->f[m->frame];
	struct vxp_stats before, after;
	uint32_t verdict, ns;
	uint64_t counted;
	int err;

	if (m->harness) {
		memcpy(b->harness->bss->frame_head, f->b, b->harness->rodata->restore_len);
		err = set_target(b, prog);
		if (err)
			return err;
		prog = bpf_program__fd(b->harness->progs.bench_restore);
	}
	stats_read(datapath_stats_fd(b->env.dp), &before);
	datapath_set_sample_rate(b->env.dp, m->sample);
	datapath_set_rule_counters(b->env.dp, !m->nocount);
	err = run(b, prog, f->b, f->len, b->repeat, &verdict, &ns);
	datapath_set_sample_rate(b->env.dp, 0);
	datapath_set_rule_counters(b->env.dp, true);
	if (err)
		return err;
	stats_read(datapath_stats_fd(b->env.dp), &after);
	b->sampled += after.event[VXP_EVENT_SAMPLED] - before.event[VXP_EVENT_SAMPLED];
	b->lost += after.event[VXP_EVENT_SAMPLE_LOST] - before.event[VXP_EVENT_SAMPLE_LOST];
	if (verdict != m->want) {
		fprintf(stderr, "bench-prog: %s gave verdict %u, want %u\n", m->name, verdict,
			m->want);
		return -EPROTO;
	}
	counted = m->reason < 0
			  ? b->repeat
			  : after.reason[m->reason].packets - before.reason[m->reason].packets;
	if (counted != b->repeat) {
		fprintf(stderr, "bench-prog: %s counted %llu of %u repeats as %s\n", m->name,
			(unsigned long long)counted, b->repeat, stats_reason_label(m->reason));
		return -EPROTO;
	}
	m->ns[round] = ns;
	return 0;
}

/* The sampled run must have sampled: 1 in 100 of rounds x repeat packets,
 * within 6 standard deviations, and the reader got all the ring kept. */
static bool check_sampling(const struct bench *b)
{
	double n = (double)b->rounds * b->repeat, mean = n / b->sample_rate;
	double sd = sqrt(n * (1.0 / b->sample_rate) * (1 - 1.0 / b->sample_rate));
	double got = (double)(b->sampled + b->lost);

	if (fabs(got - mean) > 6 * sd || b->records != b->sampled) {
		fprintf(stderr,
			"bench-prog: sampling 1 in %u of %.0f packets gave %.0f (expected %.0f), "
			"%llu of %llu kept read\n",
			b->sample_rate, n, got, mean, (unsigned long long)b->records,
			(unsigned long long)b->sampled);
		return false;
	}
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double minimum(const double *v, unsigned n)
{
	double m = v[0];
	unsigned i;

	for (i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

static double median(const double *v, unsigned n)
{
	double s[ROUNDS_MAX];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

struct figures {
	double floor, pass, harness, full, prefib, sampled, unmatched;
	double sampling_ns; /* sampled - full, paired within each round */
	double control_ns;  /* the full path twice: what noise alone gives */
	double counting_ns; /* full - full without per-rule counters, paired */
};

/* The pipeline's own cost: harnessed run - harness + floor. */
static struct figures figures(const struct bench *b, const struct measure *m,
			      double (*stat)(const double *, unsigned))
{
	double diff[ROUNDS_MAX], control[ROUNDS_MAX], counting[ROUNDS_MAX];
	unsigned r;

	/* the two ran one after the other: their difference in each round
	 * leaves out most of what the machine's other load does */
	for (r = 0; r < b->rounds; r++) {
		diff[r] = m[M_HARNESS_SAMPLED].ns[r] - m[M_HARNESS_FULL].ns[r];
		control[r] = m[M_HARNESS_CONTROL].ns[r] - m[M_HARNESS_FULL].ns[r];
		counting[r] = m[M_HARNESS_CONTROL].ns[r] - m[M_HARNESS_NOCOUNT].ns[r];
	}
	struct figures f = {
		.floor = stat(m[M_FLOOR].ns, b->rounds),
		.pass = stat(m[M_PASS].ns, b->rounds),
		.harness = stat(m[M_HARNESS].ns, b->rounds),
	};

	f.full = stat(m[M_HARNESS_FULL].ns, b->rounds) - f.harness + f.floor;
	f.prefib = stat(m[M_HARNESS_PREFIB].ns, b->rounds) - f.harness + f.floor;
	f.sampled = stat(m[M_HARNESS_SAMPLED].ns, b->rounds) - f.harness + f.floor;
	f.unmatched = stat(m[M_HARNESS_UNMATCHED].ns, b->rounds) - f.harness + f.floor;
	f.sampling_ns = stat(diff, b->rounds);
	f.control_ns = stat(control, b->rounds);
	f.counting_ns = stat(counting, b->rounds);
	return f;
}

static void report(const struct bench *b, const struct measure *m)
{
	struct figures med = figures(b, m, median), min = figures(b, m, minimum);
	int met = med.full / med.floor <= TARGET_FULL && med.pass / med.floor <= TARGET_PASS;
	int i;

	printf("%u rounds of %u repeats; ns per packet, median and minimum:\n", b->rounds,
	       b->repeat);
	for (i = 0; i < M__COUNT; i++)
		printf("  %-50s %6.1f %6.1f\n", m[i].name, median(m[i].ns, b->rounds),
		       minimum(m[i].ns, b->rounds));
	printf("the pipeline alone (harnessed - harness + floor), and x the floor:\n");
	printf("  %-50s %6.1f %6.1f  %5.2fx %5.2fx\n", "NAT + DF + forward", med.full, min.full,
	       med.full / med.floor, min.full / min.floor);
	printf("  %-50s %6.1f %6.1f  %5.2fx %5.2fx\n", "NAT + DF, up to the forwarding step",
	       med.prefib, min.prefib, med.prefib / med.floor, min.prefib / min.floor);
	printf("  %-50s %6.1f %6.1f\n", "the kept next hop and redirect", med.full - med.prefib,
	       min.full - min.prefib);
	printf("  %-50s %6.1f %6.1f  %5.2fx %5.2fx\n", "no rule: forwarded by bpf_fib_lookup",
	       med.unmatched, min.unmatched, med.unmatched / med.floor, min.unmatched / min.floor);
	printf("  %-50s %6.1f %6.1f  %5.2fx %5.2fx\n", "not VXLAN, passed", med.pass, min.pass,
	       med.pass / med.floor, min.pass / min.floor);
	printf("  %-50s %6.1f %6.1f\n", "NAT + DF + forward, sampled", med.sampled, min.sampled);
	printf("  %-50s %+6.1f         %+5.1f%% of the full path\n",
	       "sampling, median of the rounds' differences", med.sampling_ns,
	       100 * med.sampling_ns / med.full);
	printf("  %-50s %+6.1f         %+5.1f%%: the noise\n",
	       "the same, the full path against itself", med.control_ns,
	       100 * med.control_ns / med.full);
	printf("  %-50s %+6.1f         %+5.1f%% of the full path\n",
	       "per-rule counters, median of the rounds' differences", med.counting_ns,
	       100 * med.counting_ns / med.full);
	printf("sampling 1 in %u: %llu records sampled (expected %.0f), %llu read, %llu lost to a "
	       "full ring\n",
	       b->sample_rate, (unsigned long long)b->sampled + (unsigned long long)b->lost,
	       (double)b->rounds * b->repeat / b->sample_rate, (unsigned long long)b->records,
	       (unsigned long long)b->lost);
	printf("targets on medians: full path <= %.1fx: %s; pass path <= %.1fx: %s\n", TARGET_FULL,
	       med.full / med.floor <= TARGET_FULL ? "met" : "NOT met", TARGET_PASS,
	       med.pass / med.floor <= TARGET_PASS ? "met" : "NOT met");
	printf("The redirect's transmission happens after the program returns and is not in "
	       "these figures.\n");
	printf("{\"floor_ns\": %.1f, \"full_ns\": %.1f, \"pass_ns\": %.1f, "
	       "\"prefib_ns\": %.1f, \"full_ratio\": %.2f, \"pass_ratio\": %.2f, "
	       "\"prefib_ratio\": %.2f, \"min_full_ratio\": %.2f, \"min_pass_ratio\": %.2f, "
	       "\"harness_ns\": %.1f, \"sampled_ns\": %.1f, \"sampling_overhead_ratio\": %.3f, "
	       "\"control_ratio\": %.3f, \"unmatched_ns\": %.1f, \"unmatched_ratio\": %.2f, "
	       "\"rule_counters_ns\": %.1f, "
	       "\"sample_rate\": %u, \"records\": %llu, \"records_lost\": %llu, "
	       "\"rounds\": %u, \"repeat\": %u, "
	       "\"target_full_ratio\": %.1f, \"target_pass_ratio\": %.1f, \"met\": %s}\n",
	       med.floor, med.full, med.pass, med.prefib, med.full / med.floor,
	       med.pass / med.floor, med.prefib / med.floor, min.full / min.floor,
	       min.pass / min.floor, med.harness, med.sampled, med.sampling_ns / med.full,
	       med.control_ns / med.full, med.unmatched, med.unmatched / med.floor, med.counting_ns,
	       b->sample_rate, (unsigned long long)b->records, (unsigned long long)b->lost,
	       b->rounds, b->repeat, TARGET_FULL, TARGET_PASS, met ? "true" : "false");
}

static unsigned env_unsigned(const char *name, unsigned def, unsigned max)
{
	const char *v = getenv(name);
	unsigned long n = v ? strtoul(v, NULL, 10) : 0;

	return n && n <= max ? (unsigned)n : def;
}

int main(void)
{
	const struct nat_rule rule =
		dp_rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 8081, NULL, "10.2.0.17", 9091);
	struct measure m[M__COUNT] = {
		[M_FLOOR] = { "floor: trivial XDP_PASS program", P_FLOOR, false, F_FULL, XDP_PASS,
			      -1 },
		[M_PASS] = { "pipeline, not VXLAN (UDP to port 53)", P_PIPELINE, false, F_PLAIN,
			     XDP_PASS, -1 },
		[M_HARNESS] = { "harness + trivial program", P_FLOOR, true, F_FULL, XDP_PASS, -1 },
		[M_HARNESS_FULL] = { "harness + pipeline, NAT + DF + forward", P_PIPELINE, true,
				     F_FULL, XDP_REDIRECT, VXP_REASON_FORWARDED },
		[M_HARNESS_PREFIB] = { "harness + pipeline, NAT + DF, TTL 1 dropped", P_PIPELINE,
				       true, F_PREFIB, XDP_DROP, VXP_REASON_TTL_EXPIRING },
		[M_HARNESS_SAMPLED] = { "harness + pipeline, NAT + DF + forward, sampled",
					P_PIPELINE, true, F_FULL, XDP_REDIRECT,
					VXP_REASON_FORWARDED, SAMPLE_RATE },
		/* after the sampled run, as the full run came before it */
		[M_HARNESS_CONTROL] = { "harness + pipeline, NAT + DF + forward, again", P_PIPELINE,
					true, F_FULL, XDP_REDIRECT, VXP_REASON_FORWARDED },
		/* after the control run, to pair with it */
		[M_HARNESS_NOCOUNT] = { "harness + pipeline, the same, no per-rule counters",
					P_PIPELINE, true, F_FULL, XDP_REDIRECT,
					VXP_REASON_FORWARDED, .nocount = true },
		[M_HARNESS_UNMATCHED] = { "harness + pipeline, no rule, DF + FIB + forward",
					  P_PIPELINE, true, F_UNMATCHED, XDP_REDIRECT,
					  VXP_REASON_FORWARDED },
	};
	static struct bench b;
	bool tty = isatty(STDERR_FILENO);
	unsigned r;
	int i, err;

	if (geteuid()) {
		fprintf(stderr, "bench-prog: needs root (BPF and a network namespace)\n");
		return 77;
	}
	b.rounds = env_unsigned("BENCH_ROUNDS", ROUNDS_DEFAULT, ROUNDS_MAX);
	b.repeat = env_unsigned("BENCH_REPEAT", REPEAT_DEFAULT, 100000000);
	b.sample_rate = env_unsigned("BENCH_SAMPLE_RATE", SAMPLE_RATE, 1U << 31);
	m[M_HARNESS_SAMPLED].sample = b.sample_rate;
	dp_env_setup(&b.env);
	dp_env_nat(&b.env, &rule, 1);
	frames_build(&b);
	err = harness_open(&b);
	if (err) {
		fprintf(stderr, "bench-prog: loading the harness: %s\n", strerror(-err));
		return 1;
	}
	b.ring = ring_buffer__new(datapath_features_fd(b.env.dp), on_record, &b, NULL);
	if (!b.ring || pthread_create(&b.reader, NULL, reader, &b)) {
		fprintf(stderr, "bench-prog: reading the feature ring: %s\n", strerror(errno));
		return 1;
	}
	show_reuse(&b);
	for (r = 0; r < b.rounds; r++) {
		if (tty)
			fprintf(stderr, "\rround %u/%u", r + 1, b.rounds);
		for (i = 0; i < M__COUNT; i++) {
			err = measure_one(&b, &m[i], r);
			if (err) {
				fprintf(stderr, "\nbench-prog: %s: %s\n", m[i].name,
					strerror(-err));
				return 1;
			}
		}
	}
	if (tty)
		fprintf(stderr, "\r%*s\r", 20, "");
	b.stop = true;
	pthread_join(b.reader, NULL);
	ring_buffer__free(b.ring);
	if (!check_sampling(&b))
		return 1;
	report(&b, m);
	bench_restore__destroy(b.harness);
	dp_env_teardown(&b.env);
	return 0;
}
