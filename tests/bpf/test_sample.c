// SPDX-License-Identifier: GPL-2.0-only
/* Contract step 8: sampled packets leave a record in the feature ring with the
 * inner tuple as it arrived (before NAT) and what became of the packet;
 * nothing is sampled with the rate at 0, nor what is not decapsulated. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "specs.h"
#include "libvxp/stats.h"
#include "tap.h"

#define RECORDS_MAX 64

static struct vxp_feature got[RECORDS_MAX];
static int n_got;

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size == sizeof(struct vxp_feature) && n_got < RECORDS_MAX)
		memcpy(&got[n_got++], data, size);
	return 0;
}

/* Runs the packet, which the program must count as reason (VXP_NOT_OURS:
 * count nothing), and returns how many records it left; -1 when the program
 * did not run or did not decide as expected, so that "no record" can only
 * mean the program ran, decided, and sampled nothing. */
static int run_and_collect(struct dp_env *env, struct ring_buffer *rb, const struct pkt_spec *s,
			   int reason)
{
	static uint8_t f[PKT_MAX];
	static struct dp_result r;
	size_t len = pkt_build(s, f);
	int err, i;

	n_got = 0;
	err = dp_run(env, f, len, &r);
	if (err) {
		tap_diag("BPF_PROG_TEST_RUN: %s", strerror(-err));
		return -1;
	}
	for (i = 0; i < VXP_REASON__COUNT; i++) {
		if (r.delta.reason[i].packets != (uint64_t)(i == reason)) {
			tap_diag("reason %s counted %llu times", stats_reason_label(i),
				 (unsigned long long)r.delta.reason[i].packets);
			return -1;
		}
	}
	ring_buffer__consume(rb);
	return n_got;
}

static bool addr_is(const union vxp_addr *a, int family, const char *s)
{
	union vxp_addr want = { 0 };

	inet_pton(family == VXP_AF_INET ? AF_INET : AF_INET6, s, &want);
	return !memcmp(a, &want, sizeof(want));
}

int main(void)
{
	const struct nat_rule rule =
		dp_rule(IPPROTO_UDP, VXP_NAT_MATCH_SRC, 42844, NULL, "10.2.41.17", 8081);
	const struct pkt_spec natted = { VX4, UDP4("10.0.5.1", "10.2.99.1"), PORTS(42844, 31000) };
	const struct pkt_spec v6 = { VX6, TCP6("fd00:5::1", "fd02::9"), PORTS(1234, 443) };
	const struct pkt_spec blackhole = { VX4, UDP4("10.0.5.1", "10.6.0.1"), PORTS(1, 2) };
	const struct pkt_spec truncated = { VX4,
					    .ip = { .family = 4,
						    .src = "10.0.5.1",
						    .dst = "10.2.0.2",
						    .proto = IPPROTO_UDP,
						    .len_delta = 9 },
					    PORTS(1, 2) };
	const struct pkt_spec wrong_vni = { .vxlan = true,
					    L2_OUTER,
					    IP_OUTER4,
					    .vni = 7,
					    L2_INNER,
					    UDP4("10.0.5.1", "10.2.0.2"),
					    PORTS(1, 2) };
	struct ring_buffer *rb;
	struct dp_env env;
	int i, n;

	dp_env_setup(&env);
	dp_env_nat(&env, &rule, 1);
	rb = ring_buffer__new(datapath_features_fd(env.dp), on_record, NULL, NULL);
	tap_ok(rb != NULL, "the feature ring opens");

	tap_ok(run_and_collect(&env, rb, &natted, VXP_REASON_FORWARDED) == 0, "rate 0: no record");
	datapath_set_sample_rate(env.dp, 1);
	n = run_and_collect(&env, rb, &natted, VXP_REASON_FORWARDED);
	tap_ok(n == 1, "rate 1: a record for a forwarded packet");
	tap_ok(n == 1 && got[0].family == VXP_AF_INET && got[0].proto == IPPROTO_UDP &&
		       addr_is(&got[0].saddr, VXP_AF_INET, "10.0.5.1") &&
		       addr_is(&got[0].daddr, VXP_AF_INET, "10.2.99.1") &&
		       ntohs(got[0].sport) == 42844 && ntohs(got[0].dport) == 31000,
	       "the tuple as it arrived, before NAT");
	tap_ok(n == 1 && got[0].vni == 42 && got[0].len == 60 &&
		       got[0].reason == VXP_REASON_FORWARDED && got[0].ts_ns > 0,
	       "VNI, inner length, reason forwarded, a time");
	n = run_and_collect(&env, rb, &v6, VXP_REASON_FORWARDED);
	tap_ok(n == 1 && got[0].family == VXP_AF_INET6 && got[0].proto == IPPROTO_TCP &&
		       addr_is(&got[0].daddr, VXP_AF_INET6, "fd02::9") &&
		       ntohs(got[0].dport) == 443,
	       "IPv6 TCP in IPv6");
	n = run_and_collect(&env, rb, &blackhole, VXP_REASON_BLACKHOLE);
	tap_ok(n == 1 && got[0].reason == VXP_REASON_BLACKHOLE,
	       "a dropped packet's record says why: %s",
	       n ? stats_reason_label(got[0].reason) : "none");
	tap_ok(run_and_collect(&env, rb, &truncated, VXP_REASON_INNER_TRUNCATED) == 0,
	       "a truncated inner packet is not sampled (its tuple is not all there)");
	tap_ok(run_and_collect(&env, rb, &wrong_vni, VXP_REASON_VXLAN_FILTERED) == 0,
	       "what is not decapsulated is not sampled");
	datapath_set_sample_rate(env.dp, 4);
	n = 0;
	for (i = 0; i < 400 && n >= 0; i++) {
		int got_one = run_and_collect(&env, rb, &natted, VXP_REASON_FORWARDED);

		n = got_one < 0 ? -1 : n + got_one;
	}
	/* binomial(400, 1/4): mean 100, sd 8.7; 5 sd either way */
	tap_ok(n >= 57 && n <= 143, "rate 4: %d records from 400 packets (100 expected)", n);
	datapath_set_sample_rate(env.dp, 0);
	tap_ok(run_and_collect(&env, rb, &natted, VXP_REASON_FORWARDED) == 0,
	       "rate back to 0: none");
	ring_buffer__free(rb);
	dp_env_teardown(&env);
	return tap_done();
}
