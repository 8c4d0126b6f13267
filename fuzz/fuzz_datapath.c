// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness for the data plane: every input (one frame, or several
 * joined by FUZZ_FRAME_SEP) runs through the real XDP program, the embedded
 * skeleton loaded in a network namespace of its own, with BPF_PROG_TEST_RUN;
 * verdict, counters, feature record and output bytes are held to the contract
 * (fuzz_model.c) and to RFC 1071 sums computed here. A broken invariant aborts. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "dprun.h"
#include "fuzz.h"
#include "fuzz_model.h"
#include "libvxp/stats.h"

/* BPF_PROG_TEST_RUN takes a frame of at most a page less XDP headroom and
 * skb_shared_info; the program does not do multi-buffer frames. */
#define FRAME_MAX 3520

static const uint32_t vnis[] = DP_TEST_VNIS;
/* in0's own (dp_env_setup()), and the captures' mirror targets, so that the
 * seeds from tests/data/pcaps are ours too */
static const char *const local_text[] = { "10.0.0.1",	  "fd00::1",	   "10.10.11.11",
					  "192.168.5.11", "192.168.56.21", "192.168.56.22" };
static uint8_t local4[8][4], local6[8][16];
static struct nat_rule rules[32];
static struct model_settings set = {
	.local4 = local4,
	.local6 = local6,
	.vnis = vnis,
	.n_vnis = sizeof(vnis) / sizeof(vnis[0]),
	.vxlan_port = VXP_VXLAN_PORT_DEFAULT,
	.df_threshold = VXP_DF_THRESHOLD_DEFAULT,
	.rules = rules,
};
static struct dp_env env;
static struct ring_buffer *ring;
static int frag_fd = -1;
static bool verbose; /* VXP_FUZZ_VERBOSE=1: a line per frame */
static struct vxp_feature records[4];
static int n_records;

/* Every (reason, events, frame shape) seen is a feature for libFuzzer: the
 * program runs in the kernel, where no coverage instrumentation reaches. */
__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t shapes[1 << 14];

/* What the program reached, in the kernel where libFuzzer's coverage does
 * not: the reasons counted and the distinct shapes, told at exit. */
static bool reached[VXP_REASON__COUNT];
static bool not_ours_reached;
static uint8_t seen_shapes[sizeof(shapes) / 8];
static unsigned n_shapes;

static void report_reached(void)
{
	char missing[512] = "";
	size_t used = 0;
	int i, n = 0;

	for (i = 0; i < VXP_REASON__COUNT; i++) {
		if (reached[i]) {
			n++;
			continue;
		}
		used += (size_t)snprintf(missing + used,
					 used < sizeof(missing) ? sizeof(missing) - used : 0,
					 "%s%s", used ? ", " : "", stats_reason_label(i));
	}
	fprintf(stderr,
		"fuzz_datapath: reasons reached: %d of %d%s%s%s; not ours: %s; shapes: %u\n", n,
		VXP_REASON__COUNT, n < VXP_REASON__COUNT ? " (not: " : "", missing,
		n < VXP_REASON__COUNT ? ")" : "", not_ours_reached ? "yes" : "no", n_shapes);
}

/* The run being checked, for the report when an invariant fails. */
static struct {
	const uint8_t *in;
	size_t len;
	const struct model_frame *m;
	const struct dp_result *r;
	int reason;
	bool tolerated; /* a known broken invariant: check no further */
} cur;

/* The rules installed; the model reads the same list. */
static void rules_init(void)
{
	static const struct {
		uint8_t proto, match;
		uint16_t port;
		const char *daddr, *to;
		uint16_t to_port;
	} t[] = {
		{ IPPROTO_UDP, VXP_NAT_MATCH_SRC, 42844, NULL, "10.2.41.17", 8081 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 53, NULL, "10.2.0.53", 0 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_DST, 443, NULL, "10.2.0.44", 8443 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_DST, 80, "10.2.99.80", "10.2.0.80", 8080 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_DST, 80, NULL, "10.2.0.81", 8081 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 5000, "10.2.99.50", "10.2.0.50", 5050 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 7000, NULL, "10.5.0.70", 7001 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_DST, 22, NULL, "10.6.0.22", 0 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_SRC, 8000, NULL, "10.4.0.8", 0 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 9, NULL, "10.9.0.9", 0 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 161, NULL, "10.0.0.1", 0 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 4789, NULL, "10.2.0.47", 0 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 65535, NULL, "10.2.0.1", 1 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_DST, 1, NULL, "10.2.0.2", 65535 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 53, NULL, "fd02::53", 0 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_SRC, 42844, NULL, "fd02::17", 8081 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 7000, NULL, "fd05::70", 7001 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_DST, 80, "fd02::99", "fd02::80", 8080 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_DST, 443, NULL, "fd02::44", 8443 },
		{ IPPROTO_UDP, VXP_NAT_MATCH_DST, 9, NULL, "fd09::9", 0 },
		{ IPPROTO_TCP, VXP_NAT_MATCH_DST, 22, NULL, "fd07::22", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rules[i] = dp_rule(t[i].proto, t[i].match, t[i].port, t[i].daddr, t[i].to,
				   t[i].to_port);
		rules[i].id = (uint32_t)i;
	}
	set.n_rules = i;
}

static void hexdump(const char *tag, const uint8_t *b, size_t len)
{
	size_t i;

	fprintf(stderr, "%s (%zu bytes):", tag, len);
	for (i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", b[i]);
	fprintf(stderr, "\n");
}

static const char *reason_name(int reason)
{
	return reason == VXP_NOT_OURS	     ? "not ours"
	       : reason == MODEL_STEP6	     ? "a FIB lookup reason"
	       : reason == VXP_REASON__COUNT ? "several"
					     : stats_reason_label(reason);
}

/* Reports which invariant broke, with the frame, and aborts, unless the
 * invariant's name is in VXP_FUZZ_TOLERATE (known, reported bugs: the fuzzer
 * goes on looking for others). Returns only when tolerated. */
__attribute__((format(printf, 2, 3))) static void broken(const char *name, const char *fmt, ...)
{
	const char *tol = getenv("VXP_FUZZ_TOLERATE");
	va_list ap;

	if (fuzz_name_listed(tol, name)) {
		cur.tolerated = true;
		return;
	}
	fprintf(stderr, "\n=== data plane invariant '%s' broken: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr,
		"\nmodel: kind %d, reason %s, events 0x%x, inner IPv%d proto %u frag %d%s%s\n",
		cur.m->kind, reason_name(cur.m->reason), cur.m->events, cur.m->family, cur.m->proto,
		cur.m->frag, cur.m->unsure ? ", unsure: " : "", cur.m->unsure ? cur.m->unsure : "");
	if (cur.r)
		fprintf(stderr, "program: verdict %u, reason %s\n", cur.r->verdict,
			reason_name(cur.reason));
	hexdump("input", cur.in, cur.len);
	if (cur.r)
		hexdump("output", cur.r->out, cur.r->out_len);
	abort();
}

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size == sizeof(struct vxp_feature) && n_records < 4)
		memcpy(&records[n_records], data, size);
	n_records++;
	return 0;
}

/* Each input starts without fragment state, so that it replays alike. */
static void frag_clear(void)
{
	struct vxp_frag_key key;

	while (!bpf_map_get_next_key(frag_fd, NULL, &key))
		if (bpf_map_delete_elem(frag_fd, &key))
			break;
	model_frag_reset();
}

/* The same addresses for the program and the model. */
static void locals_init(void)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < sizeof(local_text) / sizeof(local_text[0]); i++) {
		if (strchr(local_text[i], ':'))
			inet_pton(AF_INET6, local_text[i], local6[set.n_local6++]);
		else
			inet_pton(AF_INET, local_text[i], local4[set.n_local4++]);
		err = dp_env_local(&env, local_text[i]);
	}
	if (err) {
		fprintf(stderr, "fuzz_datapath: local addresses: %s\n", strerror(-err));
		exit(1);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *drop = getenv("VXP_FUZZ_DROP_UNMATCHED");
	const char *v = getenv("VXP_FUZZ_VERBOSE");

	(void)argc;
	(void)argv;
	if (geteuid()) {
		fprintf(stderr, "fuzz_datapath: needs root (BPF and a network namespace)\n");
		exit(1);
	}
	rules_init();
	dp_env_setup(&env);
	locals_init();
	dp_env_nat(&env, rules, set.n_rules);
	set.drop_unmatched = drop && !strcmp(drop, "1");
	verbose = v && !strcmp(v, "1");
	datapath_set_drop_unmatched(env.dp, set.drop_unmatched);
	datapath_set_sample_rate(env.dp, 1);
	atexit(report_reached);
	ring = ring_buffer__new(datapath_features_fd(env.dp), on_record, NULL, NULL);
	frag_fd = datapath_frag_fd(env.dp);
	if (!ring || frag_fd < 0) {
		fprintf(stderr, "fuzz_datapath: feature ring or fragment map: %s\n",
			strerror(ring ? EBADF : errno));
		exit(1);
	}
	return 0;
}

/* The one reason counted, VXP_NOT_OURS for none, VXP_REASON__COUNT for more. */
static int counted_reason(const struct dp_result *r, size_t len)
{
	int i, found = VXP_NOT_OURS;

	for (i = 0; i < VXP_REASON__COUNT; i++) {
		const struct vxp_counter *c = &r->delta.reason[i];

		if (!c->packets && !c->bytes)
			continue;
		if (c->packets != 1 || c->bytes != len)
			broken("counted-once",
			       "reason %s moved by %llu packets, %llu bytes "
			       "for one frame of %zu bytes",
			       stats_reason_label(i), (unsigned long long)c->packets,
			       (unsigned long long)c->bytes, len);
		found = found == VXP_NOT_OURS ? i : VXP_REASON__COUNT;
	}
	if (found == VXP_REASON__COUNT)
		broken("counted-once", "more than one reason counted for one frame");
	return found;
}

static bool is_step6(int reason)
{
	return reason >= VXP_REASON_BLACKHOLE && reason <= VXP_REASON_FORWARDED &&
	       reason != VXP_REASON_INTERNAL;
}

static void check_reason(const struct model_frame *m, int reason, const struct dp_result *r)
{
	uint32_t events = 0, sampled = r->delta.event[VXP_EVENT_SAMPLED];
	int i;

	if (r->verdict != dp_verdict(reason))
		broken("verdict", "verdict %u for reason %s", r->verdict, reason_name(reason));
	if (reason == VXP_REASON_INTERNAL)
		broken("no-internal-error", "internal_error counted");
	for (i = 0; i < VXP_EVENT__COUNT; i++) {
		if (r->delta.event[i] > 1)
			broken("counted-once", "event %s moved by %llu", stats_event_label(i),
			       (unsigned long long)r->delta.event[i]);
		if (r->delta.event[i] && i != VXP_EVENT_SAMPLED)
			events |= 1U << i;
	}
	if (reason == VXP_NOT_OURS && (events || sampled))
		broken("not-ours-uncounted", "events counted for a frame that is not ours");
	if (m->unsure && m->kind == MODEL_DECAP)
		return;
	if (m->reason == MODEL_STEP6 ? !is_step6(reason) : reason != m->reason) {
		char name[96];

		/* named by both reasons, so a long run can pass over one known case */
		snprintf(name, sizeof(name), "reason-%s-not-%s",
			 m->reason == MODEL_STEP6 ? "fib" : stats_reason_label(m->reason),
			 reason == VXP_NOT_OURS ? "not-ours" : stats_reason_label(reason));
		broken(name, "counted as %s; the contract says %s", reason_name(reason),
		       reason_name(m->reason));
		return;
	}
	if (is_step6(reason) && (reason == VXP_REASON_TTL_EXPIRING) != (m->ttl <= 1))
		broken("ttl-expiring", "TTL %u counted as %s", m->ttl, reason_name(reason));
	if (events != m->events)
		broken("events", "events 0x%x; the contract says 0x%x", events, m->events);
	if (sampled != m->sampled)
		broken("sampled", "sampled %u times; every packet past step 3 is, at 1 in 1",
		       sampled);
}

/* The feature record: what the packet was before NAT, and its reason. */
static void check_record(const struct model_frame *m, int reason)
{
	const struct vxp_feature *f = &records[0];
	size_t alen = m->family == 4 ? 4 : 16;
	const char *name = "feature-record";

	if (m->unsure)
		return;
	if (n_records != (m->sampled ? 1 : 0))
		broken(name, "%d records for one frame", n_records);
	if (!n_records)
		return;
	if (f->reason != reason || f->vni != m->vni || f->family != m->family ||
	    f->proto != m->proto || f->len != m->tot)
		broken(name, "record says reason %u vni %u IPv%u proto %u len %u", f->reason,
		       f->vni, f->family, f->proto, f->len);
	if (memcmp(f->saddr.bytes, m->saddr, alen) || memcmp(f->daddr.bytes, m->daddr, alen))
		broken(name, "record addresses are not the packet's before NAT");
	if (ntohs(f->sport) != (m->l4 ? m->sport : 0) || ntohs(f->dport) != (m->l4 ? m->dport : 0))
		broken(name, "record ports %u %u", ntohs(f->sport), ntohs(f->dport));
}

/* Extra coverage: the shape of the frame and what the program made of it. */
static void note_shape(const struct model_frame *m, int reason, const struct dp_result *r)
{
	uint32_t h = 2166136261u, v[12];
	size_t i;

	v[0] = (uint32_t)(reason + 3);
	v[1] = m->kind;
	v[2] = (uint32_t)m->outer_family << 4 | (uint32_t)m->outer_vlans;
	v[3] = (uint32_t)m->inner_vlans;
	v[4] = (uint32_t)m->family;
	v[5] = m->proto;
	v[6] = m->frag;
	v[7] = (uint32_t)m->n_ext;
	v[8] = (uint32_t)(m->nat.rule + 2);
	v[9] = r->verdict;
	v[10] = m->df_clear;
	v[11] = 0;
	for (i = 0; i < VXP_EVENT__COUNT; i++)
		v[11] |= (r->delta.event[i] ? 1U : 0) << i;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		h = (h ^ v[i]) * 16777619u;
	/* libFuzzer clears its counters before each run; this set stays */
	if (!(seen_shapes[h % sizeof(shapes) / 8] & (1U << (h % 8)))) {
		seen_shapes[h % sizeof(shapes) / 8] |= (uint8_t)(1U << (h % 8));
		n_shapes++;
	}
	if (shapes[h % sizeof(shapes)] < 255)
		shapes[h % sizeof(shapes)]++;
	if (reason >= 0 && reason < VXP_REASON__COUNT)
		reached[reason] = true;
	else if (reason == VXP_NOT_OURS)
		not_ours_reached = true;
}

/* What is not ours leaves unchanged; what is decapsulated and not dropped
 * leaves as fuzz_check_output() says. */
static void check_bytes(const uint8_t *f, size_t len, const struct model_frame *m,
			const struct dp_result *r, int reason)
{
	if (reason == VXP_NOT_OURS || reason == VXP_REASON_VXLAN_FILTERED) {
		if (r->out_len != len || memcmp(r->out, f, len))
			broken("pass-unchanged", "a frame that is not ours changed");
		return;
	}
	if (r->verdict != XDP_DROP && !m->unsure)
		fuzz_check_output(f, len, m, r, reason == VXP_REASON_FORWARDED, broken);
}

static void run_checked(const uint8_t *f, size_t len, const struct model_frame *predicted)
{
	static struct dp_result r;
	struct model_frame after = *predicted, *m = &after;
	const char *contradiction;
	int err, reason;

	cur.in = f;
	cur.len = len;
	cur.m = m;
	cur.r = NULL;
	cur.tolerated = false;
	n_records = 0;
	err = dp_run(&env, f, len, &r);
	if (err)
		broken("test-run", "BPF_PROG_TEST_RUN: %s", strerror(-err));
	ring_buffer__consume(ring);
	cur.r = &r;
	reason = counted_reason(&r, len);
	cur.reason = reason;
	/* what the FIB lookup's outcome, which the model cannot predict,
	 * implies for the frame */
	if (m->reason == MODEL_STEP6 && is_step6(reason)) {
		contradiction = model_step6(m, reason);
		if (contradiction)
			broken("step6-outcome", "%s: %s", reason_name(reason), contradiction);
	}
	check_reason(m, reason, &r);
	if (!cur.tolerated)
		check_record(m, reason);
	if (!cur.tolerated)
		check_bytes(f, len, m, &r, reason);
	note_shape(m, reason, &r);
	if (verbose)
		fprintf(stderr,
			"frame of %zu bytes: %s, events 0x%x, verdict %u, %u bytes out%s%s\n", len,
			reason_name(reason), m->events, r.verdict, r.out_len,
			m->unsure ? "; model unsure: " : "", m->unsure ? m->unsure : "");
}

static void run_frame(const uint8_t *f, size_t len)
{
	static uint8_t fixed[FRAME_MAX];
	struct model_frame m;

	if (len < 14 || len > FRAME_MAX)
		return;
	model_frame(&set, f, len, &m);
	run_checked(f, len, &m);
	/* and once more with its inner checksums made valid, if they were not:
	 * a valid packet must leave valid */
	if (m.kind != MODEL_DECAP || !m.sampled)
		return;
	memcpy(fixed, f, len);
	if (!fuzz_fix_csums(fixed, &m))
		return;
	model_frame(&set, fixed, len, &m);
	run_checked(fixed, len, &m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *frame;
	size_t len;
	int n = 0;

	frag_clear();
	while (n++ < FUZZ_FRAMES_MAX && fuzz_next_piece(&data, &size, FUZZ_FRAME_SEP, &frame, &len))
		run_frame(frame, len);
	return 0;
}
