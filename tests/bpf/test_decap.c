// SPDX-License-Identifier: GPL-2.0-only
/* Contract steps 2 and 3: every outer and inner framing we accept decapsulates to
 * its inner packet; inner packets that are cut short, malformed or not IP are
 * dropped and counted. */
#include "config.h"

#include <errno.h>

#include "specs.h"
#include "tap.h"

#define FWD VXP_REASON_FORWARDED

static const struct dp_case cases[] = {
	{ "IPv4 in IPv4", .in = { VX4, UDP4("10.0.5.1", "10.2.0.2"), PORTS(1000, 2000) },
	  .reason = FWD },
	{ "IPv6 in IPv4", .in = { VX4, UDP6("fd00:5::1", "fd02::2"), PORTS(1000, 2000) },
	  .reason = FWD },
	{ "IPv4 in IPv6", .in = { VX6, UDP4("10.0.5.1", "10.2.0.2"), PORTS(1000, 2000) },
	  .reason = FWD },
	{ "IPv6 in IPv6", .in = { VX6, TCP6("fd00:5::1", "fd02::2"), PORTS(1000, 2000) },
	  .reason = FWD },
	{ "inner ICMP", .in = { VX4, .ip = { .family = 4, .src = "10.0.5.1", .dst = "10.2.0.2",
					     .proto = IPPROTO_ICMP },
				PORTS(7, 1) },
	  .reason = FWD },
	{ "inner ICMPv6", .in = { VX4, .ip = { .family = 6, .src = "fd00:5::1", .dst = "fd02::2",
					       .proto = IPPROTO_ICMPV6 },
				  PORTS(7, 1) },
	  .reason = FWD },
	{ "VNI 100 over IPv4", .in = { .vxlan = true, L2_OUTER, IP_OUTER4, .vni = 100, L2_INNER,
				       UDP4("10.0.5.1", "10.2.0.2"), PORTS(1, 2) },
	  .reason = FWD },
	{ "VNI 0xabcdef, the 24-bit range", .in = { .vxlan = true, L2_OUTER, IP_OUTER4,
						    .vni = 0xabcdef, L2_INNER,
						    UDP4("10.0.5.1", "10.2.0.2"), PORTS(1, 2) },
	  .reason = FWD },
	{ "outer 802.1Q tag", .in = { .vxlan = true,
				      .outer_l2 = { .dst = MAC_IN0, .src = MAC_PEER, .nvlan = 1,
						    .vid = { 100 } },
				      IP_OUTER4, .vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
				      PORTS(1, 2) },
	  .reason = FWD },
	{ "outer 802.1ad + 802.1Q tags",
	  .in = { .vxlan = true,
		  .outer_l2 = { .dst = MAC_IN0, .src = MAC_PEER, .nvlan = 2,
				.tpid = { 0x88a8, 0x8100 }, .vid = { 10, 20 } },
		  IP_OUTER6, .vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"), PORTS(1, 2) },
	  .reason = FWD },
	{ "outer IPv4 with IHL 6", .in = { .vxlan = true, L2_OUTER,
					   .outer_ip = { .family = 4, .src = "10.0.0.2",
							 .dst = "10.0.0.1", .ihl = 6 },
					   .vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
					   PORTS(1, 2) },
	  .reason = FWD },
	{ "outer IPv4 with IHL 15", .in = { .vxlan = true, L2_OUTER,
					    .outer_ip = { .family = 4, .src = "10.0.0.2",
							  .dst = "10.0.0.1", .ihl = 15 },
					    .vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
					    PORTS(1, 2) },
	  .reason = FWD },
	{ "outer IPv4 with DF set", .in = { .vxlan = true, L2_OUTER,
					    .outer_ip = { .family = 4, .src = "10.0.0.2",
							  .dst = "10.0.0.1", .df = true },
					    .vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
					    PORTS(1, 2) },
	  .reason = FWD },
	{ "inner 802.1Q tag stripped", .in = { .vxlan = true, L2_OUTER, IP_OUTER4, .vni = 42,
					       .l2 = { .dst = INNER_DMAC, .src = INNER_SMAC,
						       .nvlan = 1, .vid = { 7 } },
					       UDP4("10.0.5.1", "10.2.0.2"), PORTS(1, 2) },
	  .reason = FWD },
	{ "inner two tags stripped", .in = { .vxlan = true, L2_OUTER, IP_OUTER4, .vni = 42,
					     .l2 = { .dst = INNER_DMAC, .src = INNER_SMAC,
						     .nvlan = 2, .tpid = { 0x88a8, 0x8100 },
						     .vid = { 7, 8 } },
					     UDP6("fd00:5::1", "fd02::2"), PORTS(1, 2) },
	  .reason = FWD },
	{ "inner IPv4 options", .in = { VX4, .ip = { .family = 4, .src = "10.0.5.1",
						     .dst = "10.2.0.2", .proto = IPPROTO_UDP,
						     .ihl = 9 },
					PORTS(1, 2) },
	  .reason = FWD },
	{ "inner IPv6 hop-by-hop header", .in = { VX4, .ip = { .family = 6, .src = "fd00:5::1",
							       .dst = "fd02::2",
							       .proto = IPPROTO_UDP, .hbh = true },
						  PORTS(1, 2) },
	  .reason = FWD },
	{ "inner unknown L4 protocol", .in = { VX4, .ip = { .family = 4, .src = "10.0.5.1",
							    .dst = "10.2.0.2", .proto = 132 },
					       PORTS(1, 2) },
	  .reason = FWD },
	{ "inner empty UDP payload", .in = { VX4, UDP4("10.0.5.1", "10.2.0.2"),
					     .l4 = { .sport = 1, .dport = 2 } },
	  .reason = FWD },

	{ "inner ARP", .in = { VX4, .arp = true, .ip = { .family = 4, .src = "10.0.5.1",
							  .dst = "10.0.5.2" } },
	  .reason = VXP_REASON_INNER_NOT_IP },
	{ "inner LLDP ethertype", .in = { .vxlan = true, L2_OUTER, IP_OUTER4, .vni = 42,
					  .l2 = { .dst = INNER_DMAC, .src = INNER_SMAC,
						  .ethertype = 0x88cc },
					  UDP4("10.0.5.1", "10.2.0.2"), PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_NOT_IP },
	{ "inner three VLAN tags", .in = { .vxlan = true, L2_OUTER, IP_OUTER4, .vni = 42,
					   .l2 = { .dst = INNER_DMAC, .src = INNER_SMAC,
						   .nvlan = 3, .vid = { 1, 2, 3 } },
					   UDP4("10.0.5.1", "10.2.0.2"), PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_NOT_IP },
	{ "inner IPv4 longer than arrived", .in = { VX4, .ip = { .family = 4, .src = "10.0.5.1",
								 .dst = "10.2.0.2",
								 .proto = IPPROTO_UDP,
								 .len_delta = 1 },
						    PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_TRUNCATED },
	{ "inner IPv4 claims 1500, 100 arrived", .in = { VX4, .ip = { .family = 4,
								      .src = "10.0.5.1",
								      .dst = "10.2.0.2",
								      .proto = IPPROTO_UDP,
								      .len_delta = 1400 },
							 .l4 = { .sport = 1, .dport = 2,
								 .payload = 72 } },
	  .reason = VXP_REASON_INNER_TRUNCATED },
	{ "inner IPv6 longer than arrived", .in = { VX6, .ip = { .family = 6, .src = "fd00:5::1",
								 .dst = "fd02::2",
								 .proto = IPPROTO_UDP,
								 .len_delta = 1 },
						    PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_TRUNCATED },
	{ "inner IPv4 version 5", .in = { VX4, .ip = { .family = 4, .src = "10.0.5.1",
						       .dst = "10.2.0.2", .proto = IPPROTO_UDP,
						       .version = 5 },
					  PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_MALFORMED },
	{ "inner IPv6 version 4", .in = { VX4, .ip = { .family = 6, .src = "fd00:5::1",
						       .dst = "fd02::2", .proto = IPPROTO_UDP,
						       .version = 4 },
					  PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_MALFORMED },
	{ "inner IPv4 length below its header", .in = { VX4, .ip = { .family = 4,
								     .src = "10.0.5.1",
								     .dst = "10.2.0.2",
								     .proto = IPPROTO_UDP,
								     .len_delta = -41 },
							PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_MALFORMED },
	{ "inner UDP header cut by the IP length", .in = { VX4, .ip = { .family = 4,
									.src = "10.0.5.1",
									.dst = "10.2.0.2",
									.proto = IPPROTO_UDP,
									.len_delta = -36 },
							   PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_MALFORMED },
	{ "inner TCP header cut by the IP length", .in = { VX4, .ip = { .family = 4,
									.src = "10.0.5.1",
									.dst = "10.2.0.2",
									.proto = IPPROTO_TCP,
									.len_delta = -40 },
							   PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_MALFORMED },
};

/* The VNI filter is a run-time setting: "any" accepts a VNI not in the list,
 * and the list comes back in force. */
static void check_any_vni(struct dp_env *env)
{
	static const uint32_t vnis[] = DP_TEST_VNIS;
	struct dp_case c = {
		"VNI 43 with the filter off",
		.in = { .vxlan = true, L2_OUTER, IP_OUTER4, .vni = 43, L2_INNER,
			UDP4("10.0.5.1", "10.2.0.2"), PORTS(1, 2) },
		.reason = VXP_REASON_FORWARDED,
	};

	tap_ok(!datapath_set_vni_filter(env->dp, NULL, 0), "VNI filter off");
	dp_case_check(env, &c);
	tap_ok(!datapath_set_vni_filter(env->dp, vnis, ARRAY_SIZE(vnis)), "VNI filter on");
	c.name = "VNI 43 with the filter back on";
	c.reason = VXP_REASON_NOT_VXLAN;
	dp_case_check(env, &c);
	tap_ok(datapath_set_vni_filter(env->dp, (uint32_t[]){ 1U << 24 }, 1) == -ERANGE,
	       "VNI beyond 24 bits refused");
}

int main(void)
{
	struct dp_env env;
	size_t i;

	dp_env_setup(&env);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		dp_case_check(&env, &cases[i]);
	check_any_vni(&env);
	dp_env_teardown(&env);
	return tap_done();
}
