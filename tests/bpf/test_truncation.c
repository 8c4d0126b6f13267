// SPDX-License-Identifier: GPL-2.0-only
/* The truncation sweep: a valid VXLAN packet cut at every length from 0 to its
 * full size comes back unchanged with XDP_PASS, or is dropped with one counted
 * reason; it is never forwarded nor handed to the kernel. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <linux/bpf.h>

#include "specs.h"
#include "libvxp/stats.h"
#include "tap.h"

static const struct dp_case packets[] = {
	{ "UDP in IPv4 with NAT", .in = { VX4, UDP4("10.0.5.1", "10.2.99.1"), PORTS(42844, 1) } },
	{ "TCP in IPv6, tagged, with NAT", .in = { .vxlan = true,
						   .outer_l2 = { .dst = MAC_IN0,
								 .src = MAC_PEER,
								 .nvlan = 2,
								 .tpid = { 0x88a8, 0x8100 },
								 .vid = { 1, 2 } },
						   IP_OUTER6,
						   .vni = 42,
						   L2_INNER,
						   TCP6("fd00:5::1", "fd02::99:1"),
						   PORTS(50000, 443) } },
	{ "UDP in IPv4, IP options inside and out",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  .outer_ip = { .family = 4, .src = "10.0.0.2", .dst = "10.0.0.1", .ihl = 7 },
		  .vni = 42,
		  L2_INNER,
		  .ip = { .family = 4,
			  .src = "10.0.5.1",
			  .dst = "10.2.99.1",
			  .proto = IPPROTO_UDP,
			  .ihl = 8 },
		  PORTS(42844, 1) } },
	{ "IPv6 hop-by-hop in IPv4", .in = { VX4,
					     .ip = { .family = 6,
						     .src = "fd00:5::1",
						     .dst = "fd02::99:1",
						     .proto = IPPROTO_UDP,
						     .hbh = true },
					     PORTS(5353, 53) } },
};

static bool one_drop_counted(const struct vxp_stats *d, size_t len, int *ret_reason)
{
	int i, found = -1;

	for (i = 0; i < VXP_REASON__COUNT; i++) {
		if (!d->reason[i].packets)
			continue;
		if (found >= 0 || vxp_reason_outcome(i) != VXP_OUTCOME_DROP)
			return false;
		found = i;
	}
	*ret_reason = found;
	return found >= 0 && dp_counted(d, found, len, d->event[0] ? 1U : 0);
}

/* Returns a description of what went wrong at this length, or NULL. */
static const char *check_cut(struct dp_env *env, const uint8_t *f, size_t len, int *hist)
{
	static struct dp_result r;
	int err, reason;

	err = dp_run(env, f, len, &r);
	if (len < 14) /* the kernel runs XDP on Ethernet frames only */
		return err == -EINVAL ? NULL : "the kernel ran a frame shorter than Ethernet";
	if (err)
		return "the test run failed";
	if (r.verdict == XDP_PASS) {
		if (r.out_len != len || memcmp(r.out, f, len))
			return "passed, but changed";
		if (!dp_counted(&r.delta, VXP_NOT_OURS, len, 0))
			return "passed, but counted";
		hist[VXP_REASON__COUNT]++;
		return NULL;
	}
	if (r.verdict != XDP_DROP)
		return "forwarded";
	if (!one_drop_counted(&r.delta, len, &reason))
		return "dropped without exactly one drop reason counted";
	hist[reason]++;
	return NULL;
}

static void sweep(struct dp_env *env, const struct dp_case *c)
{
	static uint8_t f[PKT_MAX];
	static struct dp_result r;
	int hist[VXP_REASON__COUNT + 1] = { 0 }, bad = 0, i;
	size_t full = pkt_build(&c->in, f), len;
	const char *why;

	tap_ok(!dp_run(env, f, full, &r) && r.verdict == XDP_REDIRECT,
	       "%s: whole (%zu bytes) is forwarded", c->name, full);
	for (len = 0; len < full; len++) {
		why = check_cut(env, f, len, hist);
		if (why && bad++ < 10)
			tap_diag("cut at %zu: %s", len, why);
	}
	tap_ok(!bad, "%s: every cut from 0 to %zu passes unchanged or drops counted", c->name,
	       full - 1);
	tap_diag("  %-20s %d cuts", "passed, not ours", hist[VXP_REASON__COUNT]);
	for (i = 0; i < VXP_REASON__COUNT; i++)
		if (hist[i])
			tap_diag("  %-20s %d cuts", stats_reason_label(i), hist[i]);
}

int main(void)
{
	const struct nat_rule rules[] = {
		dp_rule(IPPROTO_UDP, VXP_NAT_MATCH_SRC, 42844, NULL, "10.2.41.17", 8081),
		dp_rule(IPPROTO_TCP, VXP_NAT_MATCH_DST, 443, NULL, "fd02::44", 8443),
		dp_rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 53, NULL, "fd02::53", 0),
	};
	struct dp_env env;
	size_t i;

	dp_env_setup(&env);
	dp_env_nat(&env, rules, ARRAY_SIZE(rules));
	for (i = 0; i < ARRAY_SIZE(packets); i++)
		sweep(&env, &packets[i]);
	dp_env_teardown(&env);
	return tap_done();
}
