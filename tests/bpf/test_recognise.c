// SPDX-License-Identifier: GPL-2.0-only
/* Contract step 1: everything that is not VXLAN on the configured port with the
 * I flag and an allowed VNI comes back with XDP_PASS, byte for byte unchanged. */
#include "config.h"

#include "specs.h"
#include "tap.h"

static const struct dp_case cases[] = {
	{ "plain UDP", .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
			       UDP4("10.0.0.2", "10.0.0.1"), PORTS(5353, 53) } },
	{ "plain TCP", .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
			       TCP4("10.0.0.2", "10.0.0.1"), PORTS(50000, 22) } },
	{ "plain ICMP", .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
				.ip = { .family = 4, .src = "10.0.0.2", .dst = "10.0.0.1",
					.proto = IPPROTO_ICMP },
				PORTS(1, 1) } },
	{ "ARP request", .in = { .l2 = { .dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
					 .src = MAC_PEER },
				 .arp = true, .ip = { .family = 4, .src = "10.0.0.2",
						      .dst = "10.0.0.1" } } },
	{ "plain IPv6 UDP", .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
				    UDP6("fd00::2", "fd00::1"), PORTS(5353, 53) } },
	{ "plain IPv6 TCP", .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
				    TCP6("fd00::2", "fd00::1"), PORTS(50000, 22) } },
	{ "ICMPv6 echo", .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
				 .ip = { .family = 6, .src = "fd00::2", .dst = "fd00::1",
					 .proto = IPPROTO_ICMPV6 },
				 PORTS(1, 1) } },
	{ "plain UDP to 4789, too short for VXLAN",
	  .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER }, UDP4("10.0.0.2", "10.0.0.1"),
		  .l4 = { .sport = 1, .dport = 4789, .payload = 7 } } },
	{ "VXLAN, VNI not allowed", .in = { .vxlan = true, L2_OUTER, IP_OUTER4, .vni = 43, L2_INNER,
					    UDP4("10.0.5.1", "10.2.0.2"), PORTS(1000, 2000) } },
	{ "VXLAN, VNI 0 not allowed", .in = { .vxlan = true, L2_OUTER, IP_OUTER4, .vni = 0,
					      L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
					      PORTS(1000, 2000) } },
	{ "VXLAN, wrong UDP port", .in = { VX4, .udp_dport = 4790, UDP4("10.0.5.1", "10.2.0.2"),
					   PORTS(1000, 2000) } },
	{ "VXLAN port as source port only", .in = { VX4, .udp_sport = 4789, .udp_dport = 8472,
						    UDP4("10.0.5.1", "10.2.0.2"),
						    PORTS(1000, 2000) } },
	{ "VXLAN without the I flag", .in = { VX4, .no_i_flag = true, UDP4("10.0.5.1", "10.2.0.2"),
					      PORTS(1000, 2000) } },
	{ "VXLAN over IPv6, VNI not allowed", .in = { .vxlan = true, L2_OUTER, IP_OUTER6, .vni = 7,
						      L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
						      PORTS(1000, 2000) } },
	{ "VXLAN over IPv6, wrong UDP port", .in = { VX6, .udp_dport = 4790,
						     UDP4("10.0.5.1", "10.2.0.2"),
						     PORTS(1000, 2000) } },
	{ "outer IPv4 first fragment", .in = { .vxlan = true, L2_OUTER,
					       .outer_ip = { .family = 4, .src = "10.0.0.2",
							     .dst = "10.0.0.1", .mf = true },
					       .vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
					       PORTS(1000, 2000) } },
	{ "outer IPv4 later fragment", .in = { .vxlan = true, L2_OUTER,
					       .outer_ip = { .family = 4, .src = "10.0.0.2",
							     .dst = "10.0.0.1", .frag_off = 8,
							     .frag_len = 64 },
					       .vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
					       PORTS(1000, 2000) } },
	{ "outer TCP to port 4789", .in = { .vxlan = true, L2_OUTER,
					    .outer_ip = { .family = 4, .src = "10.0.0.2",
							  .dst = "10.0.0.1", .proto = IPPROTO_TCP },
					    .vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
					    PORTS(1000, 2000) } },
	{ "outer with three VLAN tags", .in = { .vxlan = true,
						.outer_l2 = { .dst = MAC_IN0, .src = MAC_PEER,
							      .nvlan = 3, .vid = { 1, 2, 3 } },
						IP_OUTER4, .vni = 42, L2_INNER,
						UDP4("10.0.5.1", "10.2.0.2"), PORTS(1000, 2000) } },
	{ "outer IPv6 with an extension header", .in = { .vxlan = true, L2_OUTER,
							 .outer_ip = { .family = 6, .src = "fd00::2",
								       .dst = "fd00::1", .hbh = true },
							 .vni = 42, L2_INNER,
							 UDP4("10.0.5.1", "10.2.0.2"),
							 PORTS(1000, 2000) } },
	{ "outer IPv4 ethertype with version 6", .in = { .vxlan = true, L2_OUTER,
							 .outer_ip = { .family = 4, .src = "10.0.0.2",
								       .dst = "10.0.0.1", .version = 6 },
							 .vni = 42, L2_INNER,
							 UDP4("10.0.5.1", "10.2.0.2"),
							 PORTS(1000, 2000) } },
	{ "outer IPv4 with IHL 4", .in = { .vxlan = true, L2_OUTER,
					   .outer_ip = { .family = 4, .src = "10.0.0.2",
							 .dst = "10.0.0.1", .ihl = 4 },
					   .vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"),
					   PORTS(1000, 2000) } },
	{ "outer ethertype unknown", .in = { .vxlan = true,
					     .outer_l2 = { .dst = MAC_IN0, .src = MAC_PEER,
							   .ethertype = 0x88b5 },
					     IP_OUTER4, .vni = 42, L2_INNER,
					     UDP4("10.0.5.1", "10.2.0.2"), PORTS(1000, 2000) } },
};

int main(void)
{
	struct dp_env env;
	size_t i;

	dp_env_setup(&env);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct dp_case c = cases[i];

		c.reason = VXP_REASON_NOT_VXLAN;
		dp_case_check(&env, &c);
	}
	dp_env_teardown(&env);
	return tap_done();
}
