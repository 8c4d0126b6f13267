// SPDX-License-Identifier: GPL-2.0-only
/* Contract steps 5 and 6: DF cleared above the threshold (and on anything the
 * kernel fragments), and every forwarding outcome of bpf_fib_lookup, IPv4 and
 * IPv6, against routes and neighbours in the test's own namespace: nothing
 * that would make the kernel answer an inner source reaches it. */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <bpf/bpf.h>

#include "specs.h"
#include "tap.h"

#define FWD VXP_REASON_FORWARDED

/* An inner IPv4 UDP packet of total length len with DF set. */
#define DF_PKT(to, len)                                                                        \
	.ip = { .family = 4, .src = "10.0.5.1", .dst = to, .proto = IPPROTO_UDP, .df = true }, \
	.l4 = { .sport = 1, .dport = 2, .payload = (len)-28 }

static const struct dp_case df_cases[] = {
	{ "DF below the threshold (1399) stays", .in = { VX4, DF_PKT("10.2.0.2", 1399) },
	  .reason = FWD },
	{ "DF at the threshold (1400) stays", .in = { VX4, DF_PKT("10.2.0.2", 1400) },
	  .reason = FWD },
	{ "DF above the threshold (1401) cleared", .in = { VX4, DF_PKT("10.2.0.2", 1401) },
	  .reason = FWD, .events = EV(DF_CLEARED), .df_cleared = true },
	{ "DF at 1486 cleared, outer over IPv6", .in = { VX6, DF_PKT("10.2.0.2", 1486) },
	  .reason = FWD, .events = EV(DF_CLEARED), .df_cleared = true },
	{ "no DF above the threshold: nothing to clear",
	  .in = { VX4,
		  .ip = { .family = 4, .src = "10.0.5.1", .dst = "10.2.0.2", .proto = IPPROTO_UDP },
		  .l4 = { .sport = 1, .dport = 2, .payload = 1472 } },
	  .reason = FWD },
	{ "DF cleared, then too big for mtu0: the kernel fragments",
	  .in = { VX4, DF_PKT("10.5.0.2", 1450) }, .reason = VXP_REASON_FRAG_NEEDED,
	  .events = EV(DF_CLEARED), .df_cleared = true },
	/* with DF the kernel would answer "fragmentation needed", lowering
	 * a real host's path MTU toward a real destination */
	/* the stack drops a frame to a multicast or another host's MAC as not
	 * its own: the hand-over must carry in0's */
	{ "to the kernel from a multicast outer frame: in0's MAC",
	  .in = { .vxlan = true,
		  .outer_l2 = { .dst = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, .src = MAC_PEER },
		  IP_OUTER4,
		  .vni = 42,
		  L2_INNER,
		  DF_PKT("10.5.0.2", 1450) },
	  .reason = VXP_REASON_FRAG_NEEDED, .events = EV(DF_CLEARED), .df_cleared = true },
	{ "to the kernel from an outer frame to another host's MAC: in0's",
	  .in = { .vxlan = true,
		  .outer_l2 = { .dst = { 0x02, 0x00, 0x00, 0x00, 0x09, 0x09 }, .src = MAC_PEER },
		  IP_OUTER6,
		  .vni = 42,
		  L2_INNER,
		  DF_PKT("10.5.0.2", 1450) },
	  .reason = VXP_REASON_FRAG_NEEDED, .events = EV(DF_CLEARED), .df_cleared = true },
	{ "DF below the threshold, too big for mtu0: cleared all the same",
	  .in = { VX4, DF_PKT("10.5.0.2", 1300) }, .reason = VXP_REASON_FRAG_NEEDED,
	  .events = EV(DF_CLEARED), .df_cleared = true },
};

static const uint8_t mtu_gw[] = { 0x02, 0x00, 0x00, 0x00, 0x03, 0x02 }, mtu0[] = MAC_MTU0;

static const struct dp_case fib_cases[] = {
	{ "IPv4 via the neighbour on out0",
	  .in = { VX4, UDP4("10.0.5.1", "10.2.0.2"), PORTS(1, 2) }, .reason = FWD },
	{ "IPv6 via the neighbour on out0",
	  .in = { VX4, UDP6("fd00:5::1", "fd02::2"), PORTS(1, 2) }, .reason = FWD },
	{ "IPv4 TTL 2 still forwarded",
	  .in = { VX4,
		  .ip = { .family = 4,
			  .src = "10.0.5.1",
			  .dst = "10.2.0.2",
			  .proto = IPPROTO_UDP,
			  .ttl = 2 },
		  PORTS(1, 2) },
	  .reason = FWD },
	{ "IPv4 TTL 1: dropped, the kernel would answer",
	  .in = { VX4,
		  .ip = { .family = 4,
			  .src = "10.0.5.1",
			  .dst = "10.2.0.2",
			  .proto = IPPROTO_UDP,
			  .ttl = 1 },
		  PORTS(1, 2) },
	  .reason = VXP_REASON_TTL_EXPIRING },
	{ "IPv6 hop limit 1: dropped, the kernel would answer",
	  .in = { VX4,
		  .ip = { .family = 6,
			  .src = "fd00:5::1",
			  .dst = "fd02::2",
			  .proto = IPPROTO_UDP,
			  .ttl = 1 },
		  PORTS(1, 2) },
	  .reason = VXP_REASON_TTL_EXPIRING },
	{ "IPv4 no neighbour yet", .in = { VX4, UDP4("10.0.5.1", "10.4.0.2"), PORTS(1, 2) },
	  .reason = VXP_REASON_NO_NEIGH },
	{ "IPv6 no neighbour yet", .in = { VX4, UDP6("fd00:5::1", "fd04::2"), PORTS(1, 2) },
	  .reason = VXP_REASON_NO_NEIGH },
	{ "IPv4 larger than the egress MTU",
	  .in = { VX4, UDP4("10.0.5.1", "10.5.0.2"),
		  .l4 = { .sport = 1, .dport = 2, .payload = 1300 } },
	  .reason = VXP_REASON_FRAG_NEEDED },
	/* routers never fragment IPv6: the kernel would answer "packet too big" */
	{ "IPv6 larger than the egress MTU",
	  .in = { VX4, UDP6("fd00:5::1", "fd05::2"),
		  .l4 = { .sport = 1, .dport = 2, .payload = 1300 } },
	  .reason = VXP_REASON_TOO_BIG },
	/* the kernel's option processing answers bad options with ICMP */
	{ "IPv4 with options larger than the egress MTU",
	  .in = { VX4,
		  .ip = { .family = 4,
			  .src = "10.0.5.1",
			  .dst = "10.5.0.2",
			  .proto = IPPROTO_UDP,
			  .ihl = 6 },
		  .l4 = { .sport = 1, .dport = 2, .payload = 1300 } },
	  .reason = VXP_REASON_TOO_BIG },
	/* the kernel would queue it for the neighbour and answer "host
	 * unreachable" when resolution fails */
	{ "IPv4 larger than the egress MTU, no neighbour yet",
	  .in = { VX4, UDP4("10.0.5.1", "10.15.0.2"),
		  .l4 = { .sport = 1, .dport = 2, .payload = 1300 } },
	  .reason = VXP_REASON_NO_NEIGH },
	{ "IPv4 larger than the egress MTU, egress not a tx port",
	  .in = { VX4, UDP4("10.0.5.1", "10.9.0.2"),
		  .l4 = { .sport = 1, .dport = 2, .payload = 1600 } },
	  .reason = VXP_REASON_NO_TX_PORT },
	{ "IPv4 exactly the egress MTU, via mtu0",
	  .in = { VX4, UDP4("10.0.5.1", "10.5.0.2"),
		  .l4 = { .sport = 1, .dport = 2, .payload = 1280 - 28 } },
	  .reason = FWD, .fwd_dmac = mtu_gw, .fwd_smac = mtu0 },
	{ "IPv4 blackhole route", .in = { VX4, UDP4("10.0.5.1", "10.6.0.2"), PORTS(1, 2) },
	  .reason = VXP_REASON_BLACKHOLE },
	{ "IPv6 blackhole route", .in = { VX4, UDP6("fd00:5::1", "fd06::2"), PORTS(1, 2) },
	  .reason = VXP_REASON_BLACKHOLE },
	{ "IPv4 unreachable route", .in = { VX4, UDP4("10.0.5.1", "10.7.0.2"), PORTS(1, 2) },
	  .reason = VXP_REASON_UNREACHABLE },
	{ "IPv6 unreachable route", .in = { VX4, UDP6("fd00:5::1", "fd07::2"), PORTS(1, 2) },
	  .reason = VXP_REASON_UNREACHABLE },
	{ "IPv4 prohibit route", .in = { VX4, UDP4("10.0.5.1", "10.8.0.2"), PORTS(1, 2) },
	  .reason = VXP_REASON_PROHIBITED },
	{ "IPv6 prohibit route", .in = { VX4, UDP6("fd00:5::1", "fd08::2"), PORTS(1, 2) },
	  .reason = VXP_REASON_PROHIBITED },
	{ "IPv4 egress not a tx port", .in = { VX4, UDP4("10.0.5.1", "10.9.0.2"), PORTS(1, 2) },
	  .reason = VXP_REASON_NO_TX_PORT },
	{ "IPv6 egress not a tx port", .in = { VX4, UDP6("fd00:5::1", "fd09::2"), PORTS(1, 2) },
	  .reason = VXP_REASON_NO_TX_PORT },
	{ "IPv4 to this host", .in = { VX4, UDP4("10.0.5.1", "10.0.0.1"), PORTS(1, 2) },
	  .reason = VXP_REASON_NOT_FORWARDED },
	{ "IPv6 to this host", .in = { VX4, UDP6("fd00:5::1", "fd00::1"), PORTS(1, 2) },
	  .reason = VXP_REASON_NOT_FORWARDED },
	{ "IPv4 without a route", .in = { VX4, UDP4("10.0.5.1", "172.31.0.1"), PORTS(1, 2) },
	  .reason = VXP_REASON_NOT_FORWARDED },
	{ "IPv6 without a route", .in = { VX4, UDP6("fd00:5::1", "fd31::1"), PORTS(1, 2) },
	  .reason = VXP_REASON_NOT_FORWARDED },
	{ "IPv4 to in0's broadcast address",
	  .in = { VX4, UDP4("10.0.5.1", "10.0.0.255"), PORTS(1, 2) },
	  .reason = VXP_REASON_NOT_FORWARDED },
	{ "IPv4 multicast", .in = { VX4, UDP4("10.0.5.1", "224.0.0.251"), PORTS(5353, 5353) },
	  .reason = VXP_REASON_NOT_FORWARDED },
	{ "IPv6 multicast", .in = { VX4, UDP6("fd00:5::1", "ff02::fb"), PORTS(5353, 5353) },
	  .reason = VXP_REASON_NOT_FORWARDED },
};

/* Forwarding switched off in the namespace: dropped and counted, not bypassed. */
static void check_forwarding_disabled(struct dp_env *env)
{
	const struct dp_case v4 = { "IPv4 forwarding disabled on in0",
				    .in = { VX4, UDP4("10.0.5.1", "10.2.0.2"), PORTS(1, 2) },
				    .reason = VXP_REASON_FWD_DISABLED };
	const struct dp_case v6 = { "IPv6 forwarding disabled",
				    .in = { VX4, UDP6("fd00:5::1", "fd02::2"), PORTS(1, 2) },
				    .reason = VXP_REASON_FWD_DISABLED };

	tap_ok(!testnet_sh("sysctl -qw net.ipv4.conf.in0.forwarding=0"), "IPv4 forwarding off");
	dp_case_check(env, &v4);
	tap_ok(!testnet_sh("sysctl -qw net.ipv4.conf.in0.forwarding=1"), "IPv4 forwarding on");
	tap_ok(!testnet_sh("sysctl -qw net.ipv6.conf.all.forwarding=0"), "IPv6 forwarding off");
	dp_case_check(env, &v6);
	tap_ok(!testnet_sh("sysctl -qw net.ipv6.conf.all.forwarding=1"), "IPv6 forwarding on");
}

/* The packets are copies whose sources are real hosts: whatever the kernel
 * would answer with ICMP (or whose reply it would send toward the source) is
 * dropped here, XDP_DROP as such, not whatever the reason table says. */
static void check_no_kernel_answers(struct dp_env *env)
{
	static const struct {
		const char *name;
		struct pkt_spec in;
	} cases[] = {
		{ "TTL 1",
		  { VX4,
		    .ip = { .family = 4,
			    .src = "10.0.5.1",
			    .dst = "10.2.0.2",
			    .proto = IPPROTO_UDP,
			    .ttl = 1 },
		    PORTS(1, 2) } },
		{ "hop limit 1",
		  { VX4,
		    .ip = { .family = 6,
			    .src = "fd00:5::1",
			    .dst = "fd02::2",
			    .proto = IPPROTO_UDP,
			    .ttl = 1 },
		    PORTS(1, 2) } },
		{ "IPv4 no route", { VX4, UDP4("10.0.5.1", "172.31.0.1"), PORTS(1, 2) } },
		{ "IPv6 no route", { VX4, UDP6("fd00:5::1", "fd31::1"), PORTS(1, 2) } },
		{ "IPv4 to this host", { VX4, UDP4("10.0.5.1", "10.0.0.1"), PORTS(1, 2) } },
		{ "IPv4 broadcast", { VX4, UDP4("10.0.5.1", "10.0.0.255"), PORTS(1, 2) } },
		{ "IPv4 multicast", { VX4, UDP4("10.0.5.1", "224.0.0.251"), PORTS(1, 2) } },
		{ "IPv4 no neighbour", { VX4, UDP4("10.0.5.1", "10.4.0.2"), PORTS(1, 2) } },
		{ "IPv6 no neighbour", { VX4, UDP6("fd00:5::1", "fd04::2"), PORTS(1, 2) } },
		{ "IPv4 egress not a tx port", { VX4, UDP4("10.0.5.1", "10.9.0.2"), PORTS(1, 2) } },
		{ "IPv6 too big",
		  { VX4, UDP6("fd00:5::1", "fd05::2"),
		    .l4 = { .sport = 1, .dport = 2, .payload = 1300 } } },
	};
	static uint8_t in[PKT_MAX];
	static struct dp_result r;
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		len = pkt_build(&cases[i].in, in);
		if (dp_run(env, in, len, &r))
			tap_bail("BPF_PROG_TEST_RUN failed");
		if (!tap_ok(r.verdict == XDP_DROP, "%s: XDP_DROP, nothing for the kernel to answer",
			    cases[i].name))
			tap_diag("verdict %u", r.verdict);
	}
}

/* A missing neighbour: the packet is dropped, and the next hop the kernel
 * has to resolve waits in vxp_neigh for the daemon, which asks for it. */
static void check_neighbour_request(struct dp_env *env)
{
	const struct dp_case v4 = { "IPv4 no neighbour: the next hop is noted",
				    .in = { VX4, UDP4("10.0.5.1", "10.4.0.9"), PORTS(1, 2) },
				    .reason = VXP_REASON_NO_NEIGH };
	const struct dp_case v6 = { "IPv6 no neighbour: the next hop is noted",
				    .in = { VX4, UDP6("fd00:5::1", "fd04::9"), PORTS(1, 2) },
				    .reason = VXP_REASON_NO_NEIGH };
	int fd = datapath_neigh_fd(env->dp);
	struct vxp_neigh_key key = { .ifindex = (uint32_t)env->tn.out0 };
	uint64_t seen;

	key.family = VXP_AF_INET;
	inet_pton(AF_INET, "10.4.0.9", &key.addr);
	tap_ok(bpf_map_lookup_elem(fd, &key, &seen) != 0, "no request for 10.4.0.9 yet");
	dp_case_check(env, &v4);
	tap_ok(!bpf_map_lookup_elem(fd, &key, &seen) && seen,
	       "10.4.0.9 on out0 waits to be resolved");
	memset(&key.addr, 0, sizeof(key.addr));
	key.family = VXP_AF_INET6;
	inet_pton(AF_INET6, "fd04::9", &key.addr);
	dp_case_check(env, &v6);
	tap_ok(!bpf_map_lookup_elem(fd, &key, &seen) && seen,
	       "fd04::9 on out0 waits to be resolved");
}

/* A device map taken over from a previous daemon may name another egress:
 * pruned, only what the configuration says stays. */
static void check_prune_tx_ports(struct dp_env *env)
{
	const struct dp_case via_oth0 = { "via oth0 once it is a tx port",
					  .in = { VX4, UDP4("10.0.5.1", "10.9.0.2"), PORTS(1, 2) },
					  .reason = FWD, .fwd_dmac = (const uint8_t[])MAC_OTH_GW,
					  .fwd_smac = (const uint8_t[])MAC_OTH0 };
	struct dp_case pruned = via_oth0;
	const int keep[] = { env->tn.out0, env->tn.mtu0 };

	tap_ok(!datapath_add_tx_port(env->dp, env->tn.oth0), "oth0 added to the tx ports");
	dp_case_check(env, &via_oth0);
	tap_ok(datapath_prune_tx_ports(env->dp, keep, ARRAY_SIZE(keep)) == 1,
	       "pruned to out0 and mtu0: one went");
	pruned.name = "oth0 no longer a tx port";
	pruned.reason = VXP_REASON_NO_TX_PORT;
	dp_case_check(env, &pruned);
	dp_case_check(env, &fib_cases[0]);
}

/* The threshold is a run-time setting. */
static void check_threshold_change(struct dp_env *env)
{
	struct dp_case c = { "DF at 1001 cleared with threshold 1000",
			     .in = { VX4, DF_PKT("10.2.0.2", 1001) }, .reason = FWD,
			     .events = EV(DF_CLEARED), .df_cleared = true };

	datapath_set_df_threshold(env->dp, 1000);
	dp_case_check(env, &c);
	datapath_set_df_threshold(env->dp, VXP_DF_THRESHOLD_OFF);
	c = (struct dp_case){ "DF at 1500 kept with the threshold off",
			      .in = { VX4, DF_PKT("10.2.0.2", 1500) }, .reason = FWD };
	dp_case_check(env, &c);
	datapath_set_df_threshold(env->dp, VXP_DF_THRESHOLD_DEFAULT);
}

int main(void)
{
	struct dp_env env;
	size_t i;

	dp_env_setup(&env);
	for (i = 0; i < ARRAY_SIZE(df_cases); i++)
		dp_case_check(&env, &df_cases[i]);
	check_threshold_change(&env);
	for (i = 0; i < ARRAY_SIZE(fib_cases); i++)
		dp_case_check(&env, &fib_cases[i]);
	check_forwarding_disabled(&env);
	check_neighbour_request(&env);
	check_prune_tx_ports(&env);
	check_no_kernel_answers(&env);
	dp_env_teardown(&env);
	return tap_done();
}
