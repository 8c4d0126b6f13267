// SPDX-License-Identifier: GPL-2.0-only
/* Runs frames through the real data plane with BPF_PROG_TEST_RUN and checks a
 * table-driven case: verdict, exact output bytes, checksums, counter deltas. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "dprun.h"
#include "libvxp/stats.h"
#include "tap.h"

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void dp_env_setup(struct dp_env *env)
{
	static const uint32_t vnis[] = DP_TEST_VNIS;
	static const uint8_t in0_mac[] = MAC_IN0;
	int err;

	testnet_setup(&env->tn);
	libbpf_set_print(libbpf_quiet);
	env->dp = datapath_open(NULL);
	if (!env->dp)
		tap_bail("loading the data plane: %s", strerror(errno));
	env->prog_fd = datapath_pipeline_fd(env->dp);
	datapath_set_ingress_mac(env->dp, in0_mac);
	err = dp_env_local(env, "10.0.0.1");
	if (!err)
		err = dp_env_local(env, "fd00::1");
	if (!err)
		err = datapath_set_vni_filter(env->dp, vnis, sizeof(vnis) / sizeof(vnis[0]));
	if (!err)
		err = datapath_add_tx_port(env->dp, env->tn.out0);
	if (!err)
		err = datapath_add_tx_port(env->dp, env->tn.mtu0);
	if (err)
		tap_bail("configuring the data plane: %s", strerror(-err));
}

int dp_env_local(struct dp_env *env, const char *addr)
{
	uint8_t a[16];
	bool v6 = strchr(addr, ':');

	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, a) != 1)
		tap_bail("bad local address '%s' in a test", addr);
	int ret = datapath_add_local_addr(env->dp, v6 ? VXP_AF_INET6 : VXP_AF_INET, a);

	return ret < 0 ? ret : 0;
}

void dp_env_teardown(struct dp_env *env)
{
	datapath_close(env->dp);
	env->dp = NULL;
}

void dp_env_nat(struct dp_env *env, const struct nat_rule *rules, size_t n)
{
	static struct nat_entry entries[VXP_NAT_ENTRIES_MAX];
	static struct nat_rule slotted[VXP_RULES_MAX];
	size_t conflict[2], i;
	int outer, tables[2], ret;

	/* each rule its own slot, as the daemon gives them; their next hops
	 * from before are looked up again */
	for (i = 0; i < n && i < VXP_RULES_MAX; i++) {
		slotted[i] = rules[i];
		slotted[i].id = (uint32_t)i;
	}
	ret = nat_table_build(slotted, n, entries, VXP_NAT_ENTRIES_MAX, conflict);
	if (ret < 0)
		tap_bail("building the NAT table: %s", strerror(-ret));
	datapath_nat_fds(env->dp, &outer, tables);
	ret = nat_table_install(outer, tables, entries, ret);
	if (ret < 0)
		tap_bail("installing the NAT table: %s", strerror(-ret));
	datapath_nexthop_bump(env->dp);
}

static void addr_or_bail(uint8_t family, const char *s, union vxp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(family == VXP_AF_INET ? AF_INET : AF_INET6, s, a) != 1)
		tap_bail("bad address '%s' in a test rule", s);
}

struct nat_rule dp_rule(uint8_t proto, uint8_t match, uint16_t port, const char *daddr,
			const char *to_addr, uint16_t to_port)
{
	struct nat_rule r = {
		.family = strchr(to_addr, ':') ? VXP_AF_INET6 : VXP_AF_INET,
		.proto = proto,
		.match = match,
		.has_daddr = daddr != NULL,
		.port = port,
		.to_port = to_port,
	};

	if (daddr)
		addr_or_bail(r.family, daddr, &r.daddr);
	addr_or_bail(r.family, to_addr, &r.to_addr);
	return r;
}

static void stats_or_bail(struct dp_env *env, struct vxp_stats *st)
{
	int err = stats_read(datapath_stats_fd(env->dp), st);

	if (err)
		tap_bail("reading counters: %s", strerror(-err));
}

int dp_run(struct dp_env *env, const uint8_t *in, size_t len, struct dp_result *r)
{
	struct xdp_md ctx = {
		.data_end = (uint32_t)len,
		.ingress_ifindex = (uint32_t)env->tn.in0,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = r->out, .data_size_out = sizeof(r->out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	struct vxp_stats before, after;
	int i, err;

	stats_or_bail(env, &before);
	err = bpf_prog_test_run_opts(env->prog_fd, &opts);
	if (err)
		return -errno;
	stats_or_bail(env, &after);
	r->verdict = opts.retval;
	r->out_len = opts.data_size_out;
	for (i = 0; i < VXP_REASON__COUNT; i++) {
		r->delta.reason[i].packets = after.reason[i].packets - before.reason[i].packets;
		r->delta.reason[i].bytes = after.reason[i].bytes - before.reason[i].bytes;
	}
	for (i = 0; i < VXP_EVENT__COUNT; i++)
		r->delta.event[i] = after.event[i] - before.event[i];
	return 0;
}

uint32_t dp_verdict(int reason)
{
	switch (vxp_reason_outcome(reason)) {
	case VXP_OUTCOME_DROP:
		return XDP_DROP;
	case VXP_OUTCOME_REDIRECT:
		return XDP_REDIRECT;
	default:
		return XDP_PASS;
	}
}

bool dp_counted(const struct vxp_stats *delta, int reason, uint64_t len, uint32_t events)
{
	int i;

	/* VXP_NOT_OURS: nothing counted at all */
	for (i = 0; i < VXP_REASON__COUNT; i++) {
		uint64_t want = i == reason;

		if (delta->reason[i].packets != want || delta->reason[i].bytes != want * len) {
			tap_diag("reason %s: %llu packets, %llu bytes; want %llu, %llu",
				 stats_reason_label(i),
				 (unsigned long long)delta->reason[i].packets,
				 (unsigned long long)delta->reason[i].bytes,
				 (unsigned long long)want, (unsigned long long)(want * len));
			return false;
		}
	}
	for (i = 0; i < VXP_EVENT__COUNT; i++) {
		if (delta->event[i] != !!(events & (1U << i))) {
			tap_diag("event %s: %llu, want %d", stats_event_label(i),
				 (unsigned long long)delta->event[i], !!(events & (1U << i)));
			return false;
		}
	}
	return true;
}

/* The inner packet as it must leave: from the input spec, never from the
 * program's output. */
static size_t expected_frame(const struct dp_case *c, int outcome, uint8_t *want)
{
	static const uint8_t gw[] = MAC_GW, out0[] = MAC_OUT0, in0[] = MAC_IN0;
	struct pkt_spec s = c->in;

	s.vxlan = false;
	memset(&s.l2, 0, sizeof(s.l2));
	if (outcome == VXP_OUTCOME_REDIRECT) {
		memcpy(s.l2.dst, c->fwd_dmac ? c->fwd_dmac : gw, 6);
		memcpy(s.l2.src, c->fwd_smac ? c->fwd_smac : out0, 6);
		s.ip.ttl = (uint8_t)((c->in.ip.ttl ? c->in.ip.ttl : 64) - 1);
	} else { /* to the kernel: addressed to in0, whatever the outer frame was */
		memcpy(s.l2.dst, in0, 6);
		memcpy(s.l2.src, c->in.l2.src, 6);
	}
	if (c->nat_addr)
		s.ip.dst = c->nat_addr;
	if (c->nat_port)
		s.l4.dport = c->nat_port;
	if (c->df_cleared)
		s.ip.df = false;
	return pkt_build(&s, want);
}

void dp_case_check(struct dp_env *env, const struct dp_case *c)
{
	static uint8_t in[PKT_MAX], want[PKT_MAX];
	static struct dp_result r;
	int outcome = vxp_reason_outcome(c->reason);
	size_t len, wlen;
	const char *bad;
	int err;

	len = pkt_build(&c->in, in);
	err = dp_run(env, in, len, &r);
	if (!tap_ok(!err, "%s: runs", c->name)) {
		tap_diag("BPF_PROG_TEST_RUN: %s", strerror(-err));
		return;
	}
	if (!tap_ok(r.verdict == dp_verdict(c->reason), "%s: verdict", c->name))
		tap_diag("verdict %u, want %u", r.verdict, dp_verdict(c->reason));
	tap_ok(dp_counted(&r.delta, c->reason, len, c->events), "%s: counted as %s", c->name,
	       stats_reason_label(c->reason));
	if (outcome == VXP_OUTCOME_DROP)
		return;
	if (outcome == VXP_OUTCOME_PASS) {
		if (!tap_ok(r.out_len == len && !memcmp(r.out, in, len), "%s: unchanged", c->name))
			pkt_hexdiff(in, len, r.out, r.out_len);
		return;
	}
	wlen = expected_frame(c, outcome, want);
	if (!tap_ok(r.out_len == wlen && !memcmp(r.out, want, wlen), "%s: output bytes", c->name))
		pkt_hexdiff(want, wlen, r.out, r.out_len);
	bad = pkt_verify_csums_from(r.out, r.out_len, !c->in.l4.csum_zero);
	if (!tap_ok(!bad, "%s: checksums verify", c->name))
		tap_diag("%s is wrong", bad);
}
