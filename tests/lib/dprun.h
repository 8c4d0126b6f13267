/* SPDX-License-Identifier: GPL-2.0-only */
/* Runs frames through the real data plane with BPF_PROG_TEST_RUN and checks a
 * table-driven case: verdict, exact output bytes, checksums, counter deltas. */
#ifndef VXP_DPRUN_H
#define VXP_DPRUN_H

#include <stdbool.h>
#include <stdint.h>
#include "daemon/datapath.h"
#include "libvxp/nat_table.h"
#include "pkt.h"
#include "testnet.h"

/* VNIs the test data plane accepts: the captures' 42 and 200, and two more. */
#define DP_TEST_VNIS                   \
	{                              \
		42, 100, 200, 0xabcdef \
	}

struct dp_env {
	struct datapath *dp;
	struct testnet tn;
	int prog_fd;
};

struct dp_result {
	uint32_t verdict;
	uint8_t out[PKT_MAX];
	uint32_t out_len;
	struct vxp_stats delta;
};

struct dp_case {
	const char *name;
	struct pkt_spec in;
	int reason;	 /* enum vxp_reason expected */
	uint32_t events; /* expected bits of enum vxp_event */
	/* What a decapsulated packet that leaves looks like, from the input: */
	const char *nat_addr; /* new inner destination */
	uint16_t nat_port;    /* new destination port; 0: unchanged */
	bool df_cleared;
	const uint8_t *fwd_dmac; /* forwarded: next hop; NULL is MAC_GW */
	const uint8_t *fwd_smac; /* forwarded: egress; NULL is MAC_OUT0 */
};

#define EV(name) (1U << VXP_EVENT_##name)

/* Namespace, data plane loaded with DP_TEST_VNIS, tx ports out0 and mtu0,
 * in0's MAC and addresses (10.0.0.1, fd00::1) as the ingress's. */
void dp_env_setup(struct dp_env *env);
/* One more address of the ingress (IPv4 or IPv6 text); 0 or -errno. */
int dp_env_local(struct dp_env *env, const char *addr);
void dp_env_teardown(struct dp_env *env);
/* Installs a whole NAT rule set; bails out on failure. */
void dp_env_nat(struct dp_env *env, const struct nat_rule *rules, size_t n);

struct nat_rule dp_rule(uint8_t proto, uint8_t match, uint16_t port, const char *daddr,
			const char *to_addr, uint16_t to_port);

/* One test run; returns 0 or -errno from the kernel. */
int dp_run(struct dp_env *env, const uint8_t *in, size_t len, struct dp_result *r);
/* The verdict a reason leads to. */
uint32_t dp_verdict(int reason);
/* Exactly one packet of len bytes counted for reason, and exactly events;
 * nothing at all for VXP_NOT_OURS. */
bool dp_counted(const struct vxp_stats *delta, int reason, uint64_t len, uint32_t events);

void dp_case_check(struct dp_env *env, const struct dp_case *c);

#endif /* VXP_DPRUN_H */
