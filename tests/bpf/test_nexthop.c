// SPDX-License-Identifier: GPL-2.0-only
/* Contract step 6 with a NAT rule's next hop kept in the data plane: kept
 * while the generation holds, looked up again once the daemon moves it on,
 * the MTU still sending oversize frames the kernel's way; and step 4's
 * per-rule counters, per CPU by rule slot. */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "specs.h"
#include "tap.h"

#define FWD VXP_REASON_FORWARDED

static const uint8_t mac_gw2[] = { 0x02, 0x00, 0x00, 0x00, 0x02, 0xaa };
static const uint8_t mac_mtu_gw[] = { 0x02, 0x00, 0x00, 0x00, 0x03, 0x02 };
static const uint8_t mac_mtu0[] = MAC_MTU0;

/* UDP to port 7000 of 10.2.99.7, inner IP length len, DF clear. */
#define TO_RULE(len)                                                                        \
	.ip = { .family = 4, .src = "10.0.5.1", .dst = "10.2.99.7", .proto = IPPROTO_UDP }, \
	.l4 = { .sport = 1, .dport = 7000, .payload = (len)-28 }

static struct dp_case via(const char *name, int len, const uint8_t *dmac, const uint8_t *smac)
{
	struct dp_case c = { name,
			     .in = { VX4, TO_RULE(len) },
			     .reason = FWD,
			     .events = EV(NAT_HIT),
			     .nat_addr = "10.2.0.70",
			     .nat_port = 7001,
			     .fwd_dmac = dmac,
			     .fwd_smac = smac };

	return c;
}

/* A next hop is kept per CPU, and BPF_PROG_TEST_RUN runs the program on the
 * caller's: a test that expects one run to find what an earlier one kept must
 * not be moved to another CPU between them, whatever the machine's load. */
static void pin_to_one_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	if (cpu < 0 || sched_setaffinity(0, sizeof(set), &set))
		tap_bail("pinning the test to one CPU: %s", strerror(errno));
}

/* Packets and bytes of a slot, summed over the CPUs. */
static void slot_count(struct dp_env *env, uint32_t slot, struct vxp_counter *ret)
{
	int cpus = libbpf_num_possible_cpus(), i;
	struct vxp_rule_state v[256];

	memset(ret, 0, sizeof(*ret));
	if (cpus <= 0 || cpus > 256 || bpf_map_lookup_elem(datapath_rules_fd(env->dp), &slot, v))
		tap_bail("reading the rule state: %s", strerror(errno));
	for (i = 0; i < cpus; i++) {
		ret->packets += v[i].packets;
		ret->bytes += v[i].bytes;
	}
}

static void check_kept_and_followed(struct dp_env *env)
{
	struct dp_case c;

	c = via("first packet: the FIB's next hop, MAC_GW on out0", 200, NULL, NULL);
	dp_case_check(env, &c);
	tap_ok(!testnet_sh("ip neigh replace 10.1.0.2 lladdr 02:00:00:00:02:aa dev out0 "
			   "nud permanent"),
	       "the gateway's MAC changes (test set-up)");
	c = via("same generation: the kept next hop, not the FIB", 200, NULL, NULL);
	dp_case_check(env, &c);
	datapath_nexthop_bump(env->dp);
	c = via("the generation moved on: the new MAC", 200, mac_gw2, NULL);
	dp_case_check(env, &c);
	tap_ok(!testnet_sh("ip route add 10.2.0.70/32 via 10.3.0.2 dev mtu0"),
	       "a route to the target through mtu0 (test set-up)");
	datapath_nexthop_bump(env->dp);
	c = via("the generation moved on: the new route, out of mtu0", 1200, mac_mtu_gw, mac_mtu0);
	dp_case_check(env, &c);
	/* the FIB would now say another MAC: a packet exactly as long as the
	 * kept MTU must still take the kept next hop */
	tap_ok(!testnet_sh("ip neigh replace 10.3.0.2 lladdr 02:00:00:00:03:99 dev mtu0 "
			   "nud permanent"),
	       "the mtu0 gateway's MAC changes (test set-up)");
	c = via("kept, and small enough: out of mtu0 again", 1280, mac_mtu_gw, mac_mtu0);
	dp_case_check(env, &c);
	c = via("kept, but longer than mtu0's 1280: the kernel fragments it", 1281, NULL, NULL);
	c.reason = VXP_REASON_FRAG_NEEDED;
	dp_case_check(env, &c);
	testnet_sh("ip route del 10.2.0.70/32 via 10.3.0.2 dev mtu0");
	testnet_sh("ip neigh replace 10.3.0.2 lladdr 02:00:00:00:03:02 dev mtu0 nud permanent");
	testnet_sh("ip neigh replace 10.1.0.2 lladdr 02:00:00:00:02:02 dev out0 nud permanent");
	datapath_nexthop_bump(env->dp);
	c = via("all back: MAC_GW on out0", 200, NULL, NULL);
	dp_case_check(env, &c);
}

static void check_counters(struct dp_env *env)
{
	struct vxp_counter before, after, other0, other1;
	struct dp_case c = via("counted", 300, NULL, NULL), miss = c;
	uint8_t frame[PKT_MAX];
	size_t len = pkt_build(&c.in, frame);
	int i;

	miss.name = "no rule";
	miss.in.l4.dport = 7002;
	miss.events = 0;
	miss.nat_addr = NULL;
	miss.nat_port = 0;
	slot_count(env, 0, &before);
	slot_count(env, 1, &other0);
	for (i = 0; i < 3; i++)
		dp_case_check(env, &c);
	dp_case_check(env, &miss);
	slot_count(env, 0, &after);
	slot_count(env, 1, &other1);
	tap_ok(after.packets - before.packets == 3 && after.bytes - before.bytes == 3 * len,
	       "the rule's slot counted its 3 packets and %zu bytes each, as received (%llu, %llu)",
	       len, (unsigned long long)(after.packets - before.packets),
	       (unsigned long long)(after.bytes - before.bytes));
	tap_ok(other1.packets == other0.packets && other1.bytes == other0.bytes,
	       "another rule's slot and the unmatched packet counted nothing");
	datapath_set_rule_counters(env->dp, false);
	dp_case_check(env, &c);
	slot_count(env, 0, &before);
	tap_ok(before.packets == after.packets, "counting off (what bench-prog compares): none");
	datapath_set_rule_counters(env->dp, true);
}

/* A later fragment counts on its first fragment's rule. */
static void check_fragment_counted(struct dp_env *env)
{
	struct dp_case first = { "first fragment",
				 .in = { VX4, FRAG4(0x777, 0, 48, true), DGRAM(7000) },
				 .reason = FWD,
				 .events = EV(FRAG_FIRST) | EV(NAT_HIT),
				 .nat_addr = "10.2.0.70",
				 .nat_port = 7001 },
		       later = first;
	struct vxp_counter before, after;

	later.name = "later fragment";
	later.in.ip.frag_off = 48;
	later.in.ip.mf = false;
	later.in.ip.frag_len = 48;
	later.events = EV(FRAG_LATER) | EV(NAT_HIT);
	slot_count(env, 0, &before);
	dp_case_check(env, &first);
	dp_case_check(env, &later);
	slot_count(env, 0, &after);
	tap_ok(after.packets - before.packets == 2, "both fragments counted on the rule (%llu)",
	       (unsigned long long)(after.packets - before.packets));
}

/* A kept next hop out of an egress that is no transmit port: a TTL about
 * to expire is still decided first, as on the FIB's way (found by the
 * fuzzer, with a next hop kept from an earlier input). */
static void check_ttl_before_egress(struct dp_env *env)
{
	struct dp_case c = {
		"to oth0, not a transmit port",
		.in = { VX4,
			.ip = { .family = 4,
				.src = "10.0.5.1",
				.dst = "10.2.99.7",
				.proto = IPPROTO_UDP },
			.l4 = { .sport = 1, .dport = 7003, .payload = 100 } },
		.reason = VXP_REASON_NO_TX_PORT,
		.events = EV(NAT_HIT),
	};

	dp_case_check(env, &c);
	c.name = "the same, TTL 1, its next hop kept: ttl_expiring";
	c.in.ip.ttl = 1;
	c.reason = VXP_REASON_TTL_EXPIRING;
	dp_case_check(env, &c);
}

int main(void)
{
	const struct nat_rule rules[] = {
		dp_rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 7000, NULL, "10.2.0.70", 7001),
		dp_rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 7001, NULL, "10.2.0.71", 7001),
		dp_rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 7003, NULL, "10.19.0.2", 7003),
	};
	struct dp_env env;

	pin_to_one_cpu();
	dp_env_setup(&env);
	dp_env_nat(&env, rules, ARRAY_SIZE(rules));
	check_kept_and_followed(&env);
	check_counters(&env);
	check_fragment_counted(&env);
	check_ttl_before_egress(&env);
	dp_env_teardown(&env);
	return tap_done();
}
