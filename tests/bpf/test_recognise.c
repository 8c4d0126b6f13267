// SPDX-License-Identifier: GPL-2.0-only
/* Contract step 1: everything that is not VXLAN to one of in0's own addresses
 * on the configured port with the I flag and an allowed VNI comes back with
 * XDP_PASS, byte for byte unchanged; only what reached the VXLAN port of one
 * of those addresses is counted. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>

#include "specs.h"
#include "tap.h"

/* VXLAN for VNI 42 from the mirror source to dst_ (IPv4 or IPv6). */
#define VX_TO(fam, dst_)                                                             \
	{                                                                            \
		.vxlan = true, L2_OUTER,                                             \
		.outer_ip = { .family = fam,                                         \
			      .src = fam == 4 ? "10.0.0.2" : "fd00::2",              \
			      .dst = dst_ },                                         \
		.vni = 42, L2_INNER, UDP4("10.0.5.1", "10.2.0.2"), PORTS(1000, 2000) \
	}

static const struct dp_case cases[] = {
	{ "plain UDP",
	  .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
		  UDP4("10.0.0.2", "10.0.0.1"),
		  PORTS(5353, 53) },
	  .reason = VXP_NOT_OURS },
	{ "plain TCP",
	  .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
		  TCP4("10.0.0.2", "10.0.0.1"),
		  PORTS(50000, 22) },
	  .reason = VXP_NOT_OURS },
	{ "plain ICMP",
	  .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
		  .ip = { .family = 4,
			  .src = "10.0.0.2",
			  .dst = "10.0.0.1",
			  .proto = IPPROTO_ICMP },
		  PORTS(1, 1) },
	  .reason = VXP_NOT_OURS },
	{ "ARP request",
	  .in = { .l2 = { .dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, .src = MAC_PEER },
		  .arp = true,
		  .ip = { .family = 4, .src = "10.0.0.2", .dst = "10.0.0.1" } },
	  .reason = VXP_NOT_OURS },
	{ "plain IPv6 UDP",
	  .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
		  UDP6("fd00::2", "fd00::1"),
		  PORTS(5353, 53) },
	  .reason = VXP_NOT_OURS },
	{ "plain IPv6 TCP",
	  .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
		  TCP6("fd00::2", "fd00::1"),
		  PORTS(50000, 22) },
	  .reason = VXP_NOT_OURS },
	{ "ICMPv6 echo",
	  .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
		  .ip = { .family = 6,
			  .src = "fd00::2",
			  .dst = "fd00::1",
			  .proto = IPPROTO_ICMPV6 },
		  PORTS(1, 1) },
	  .reason = VXP_NOT_OURS },
	{ "plain UDP to 4789, too short for VXLAN",
	  .in = { .l2 = { .dst = MAC_IN0, .src = MAC_PEER },
		  UDP4("10.0.0.2", "10.0.0.1"),
		  .l4 = { .sport = 1, .dport = 4789, .payload = 7 } },
	  .reason = VXP_NOT_OURS },
	{ "VXLAN, VNI not allowed",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  IP_OUTER4,
		  .vni = 43,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_REASON_VXLAN_FILTERED },
	{ "VXLAN, VNI 0 not allowed",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  IP_OUTER4,
		  .vni = 0,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_REASON_VXLAN_FILTERED },
	{ "VXLAN, wrong UDP port",
	  .in = { VX4, .udp_dport = 4790, UDP4("10.0.5.1", "10.2.0.2"), PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "VXLAN port as source port only",
	  .in = { VX4, .udp_sport = 4789, .udp_dport = 8472, UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "VXLAN without the I flag",
	  .in = { VX4, .no_i_flag = true, UDP4("10.0.5.1", "10.2.0.2"), PORTS(1000, 2000) },
	  .reason = VXP_REASON_VXLAN_FILTERED },
	{ "VXLAN over IPv6, VNI not allowed",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  IP_OUTER6,
		  .vni = 7,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_REASON_VXLAN_FILTERED },
	{ "VXLAN over IPv6, wrong UDP port",
	  .in = { VX6, .udp_dport = 4790, UDP4("10.0.5.1", "10.2.0.2"), PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "outer IPv4 first fragment",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  .outer_ip = { .family = 4, .src = "10.0.0.2", .dst = "10.0.0.1", .mf = true },
		  .vni = 42,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "outer IPv4 later fragment",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  .outer_ip = { .family = 4,
				.src = "10.0.0.2",
				.dst = "10.0.0.1",
				.frag_off = 8,
				.frag_len = 64 },
		  .vni = 42,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "outer TCP to port 4789",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  .outer_ip = { .family = 4,
				.src = "10.0.0.2",
				.dst = "10.0.0.1",
				.proto = IPPROTO_TCP },
		  .vni = 42,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "outer with three VLAN tags",
	  .in = { .vxlan = true,
		  .outer_l2 = { .dst = MAC_IN0, .src = MAC_PEER, .nvlan = 3, .vid = { 1, 2, 3 } },
		  IP_OUTER4,
		  .vni = 42,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "outer IPv6 with an extension header",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  .outer_ip = { .family = 6, .src = "fd00::2", .dst = "fd00::1", .hbh = true },
		  .vni = 42,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "outer IPv4 ethertype with version 6",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  .outer_ip = { .family = 4, .src = "10.0.0.2", .dst = "10.0.0.1", .version = 6 },
		  .vni = 42,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "outer IPv4 with IHL 4",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  .outer_ip = { .family = 4, .src = "10.0.0.2", .dst = "10.0.0.1", .ihl = 4 },
		  .vni = 42,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	/* the NIC may deliver frames for other hosts (promiscuous mode, a
	 * shared segment, a mirror of a mirror): not ours, whatever the port */
	{ "VXLAN to another host's IPv4 address", .in = VX_TO(4, "10.99.99.99"),
	  .reason = VXP_NOT_OURS },
	{ "VXLAN to another host's IPv6 address", .in = VX_TO(6, "fd00::99"),
	  .reason = VXP_NOT_OURS },
	{ "VXLAN to in0's IPv4 broadcast address", .in = VX_TO(4, "10.0.0.255"),
	  .reason = VXP_NOT_OURS },
	{ "VXLAN with a VNI not allowed, to another host: not counted",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  .outer_ip = { .family = 4, .src = "10.0.0.2", .dst = "10.99.99.99" },
		  .vni = 43,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
	{ "outer ethertype unknown",
	  .in = { .vxlan = true,
		  .outer_l2 = { .dst = MAC_IN0, .src = MAC_PEER, .ethertype = 0x88b5 },
		  IP_OUTER4,
		  .vni = 42,
		  L2_INNER,
		  UDP4("10.0.5.1", "10.2.0.2"),
		  PORTS(1000, 2000) },
	  .reason = VXP_NOT_OURS },
};

static void check_to(struct dp_env *env, const char *name, struct pkt_spec in, int reason)
{
	struct dp_case c = { name, .in = in, .reason = reason };

	dp_case_check(env, &c);
}

/* The daemon keeps the set current from netlink: an address added is ours
 * at once, one removed no longer. */
static void check_local_addresses(struct dp_env *env)
{
	uint8_t a[16], b[16];
	int i, err = 0;

	inet_pton(AF_INET, "10.0.0.7", a);
	check_to(env, "10.0.0.7 before it is in0's", (struct pkt_spec)VX_TO(4, "10.0.0.7"),
		 VXP_NOT_OURS);
	tap_ok(datapath_add_local_addr(env->dp, VXP_AF_INET, a) == 1, "10.0.0.7 added");
	tap_ok(!datapath_add_local_addr(env->dp, VXP_AF_INET, a), "... twice is once");
	check_to(env, "10.0.0.7 once it is in0's", (struct pkt_spec)VX_TO(4, "10.0.0.7"),
		 VXP_REASON_FORWARDED);
	check_to(env, "10.0.0.1 still", (struct pkt_spec)VX_TO(4, "10.0.0.1"),
		 VXP_REASON_FORWARDED);
	tap_ok(!datapath_del_local_addr(env->dp, VXP_AF_INET, a), "10.0.0.7 removed");
	tap_ok(datapath_del_local_addr(env->dp, VXP_AF_INET, a) == -ENOENT, "... once");
	check_to(env, "10.0.0.7 once removed", (struct pkt_spec)VX_TO(4, "10.0.0.7"), VXP_NOT_OURS);
	check_to(env, "10.0.0.1 still after it", (struct pkt_spec)VX_TO(4, "10.0.0.1"),
		 VXP_REASON_FORWARDED);
	inet_pton(AF_INET6, "fd00::7", b);
	tap_ok(datapath_add_local_addr(env->dp, VXP_AF_INET6, b) == 1, "fd00::7 added");
	check_to(env, "fd00::7 once it is in0's", (struct pkt_spec)VX_TO(6, "fd00::7"),
		 VXP_REASON_FORWARDED);
	tap_ok(!datapath_del_local_addr(env->dp, VXP_AF_INET6, b), "fd00::7 removed");
	check_to(env, "fd00::7 once removed", (struct pkt_spec)VX_TO(6, "fd00::7"), VXP_NOT_OURS);
	check_to(env, "fd00::1 still", (struct pkt_spec)VX_TO(6, "fd00::1"), VXP_REASON_FORWARDED);
	/* the set is bounded: the last one that fits is still compared */
	for (i = 1; err >= 0 && i < VXP_LOCAL_ADDRS_MAX; i++) {
		a[3] = (uint8_t)(100 + i);
		err = datapath_add_local_addr(env->dp, VXP_AF_INET, a);
	}
	tap_ok(err == 1, "%d IPv4 addresses in all", VXP_LOCAL_ADDRS_MAX);
	check_to(env, "the last of them is ours", (struct pkt_spec)VX_TO(4, "10.0.0.115"),
		 VXP_REASON_FORWARDED);
	a[3] = 200;
	tap_ok(datapath_add_local_addr(env->dp, VXP_AF_INET, a) == -ENOSPC,
	       "one more does not fit");
	for (i = 1; i < VXP_LOCAL_ADDRS_MAX; i++) {
		a[3] = (uint8_t)(100 + i);
		datapath_del_local_addr(env->dp, VXP_AF_INET, a);
	}
}

int main(void)
{
	struct dp_env env;
	size_t i;

	dp_env_setup(&env);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		dp_case_check(&env, &cases[i]);
	check_local_addresses(&env);
	dp_env_teardown(&env);
	return tap_done();
}
