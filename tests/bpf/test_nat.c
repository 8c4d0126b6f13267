// SPDX-License-Identifier: GPL-2.0-only
/* Contract step 4: destination NAT by port over IPv4 and IPv6, its checksum
 * rules, the fragment map, and whole-table swaps. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "specs.h"
#include "tap.h"

#define FWD VXP_REASON_FORWARDED
#define TCP IPPROTO_TCP
#define UDP IPPROTO_UDP
#define DST VXP_NAT_MATCH_DST
#define SRC VXP_NAT_MATCH_SRC

static struct nat_rule rules_a[16];
static size_t n_rules_a;

static void rules_a_init(void)
{
	const struct nat_rule r[] = {
		dp_rule(UDP, SRC, 42844, NULL, "10.2.41.17", 8081), /* the seed's rule */
		dp_rule(UDP, DST, 53, NULL, "10.2.0.53", 0),
		dp_rule(TCP, DST, 443, NULL, "10.2.0.44", 8443),
		dp_rule(TCP, DST, 80, "10.2.99.80", "10.2.0.80", 8080),
		dp_rule(TCP, DST, 80, NULL, "10.2.0.81", 8081),
		dp_rule(UDP, DST, 5000, "10.2.99.50", "10.2.0.50", 5050),
		dp_rule(UDP, DST, 7000, NULL, "10.2.0.70", 7001),
		dp_rule(UDP, DST, 53, NULL, "fd02::53", 0),
		dp_rule(TCP, SRC, 42844, NULL, "fd02::17", 8081),
		dp_rule(UDP, DST, 7000, NULL, "fd02::70", 7001),
	};

	memcpy(rules_a, r, sizeof(r));
	n_rules_a = ARRAY_SIZE(r);
}

#define SEED_CASE                                                                          \
	{                                                                                  \
		"UDP source port 42844, the seed's rule",                                  \
			.in = { VX4, UDP4("10.0.5.1", "10.2.99.1"), PORTS(42844, 31000) }, \
			.reason = FWD, .events = EV(NAT_HIT), .nat_addr = "10.2.41.17",    \
			.nat_port = 8081                                                   \
	}

/* IPv6 from fd00:5::1 to fd02::99:1 carrying proto_, with the extension
 * headers the other pkt_ip fields ask for. */
#define EXT6(proto_, ...) \
	.ip = { .family = 6, .src = "fd00:5::1", .dst = "fd02::99:1", .proto = proto_, __VA_ARGS__ }

static const struct dp_case cases[] = {
	SEED_CASE,
	{ "UDP source port 42845, no rule",
	  .in = { VX4, UDP4("10.0.5.1", "10.2.99.1"), PORTS(42845, 31000) }, .reason = FWD },
	{ "UDP destination 53, address only",
	  .in = { VX4, UDP4("10.0.5.1", "10.2.99.1"), PORTS(5353, 53) }, .reason = FWD,
	  .events = EV(NAT_HIT), .nat_addr = "10.2.0.53" },
	{ "UDP zero checksum stays zero",
	  .in = { VX4, UDP4("10.0.5.1", "10.2.99.1"),
		  .l4 = { .sport = 42844, .dport = 1, .payload = 32, .csum_zero = true } },
	  .reason = FWD, .events = EV(NAT_HIT), .nat_addr = "10.2.41.17", .nat_port = 8081 },
	{ "TCP destination 443", .in = { VX4, TCP4("10.0.5.1", "10.2.99.1"), PORTS(50000, 443) },
	  .reason = FWD, .events = EV(NAT_HIT), .nat_addr = "10.2.0.44", .nat_port = 8443 },
	{ "TCP 80 to the address its rule names",
	  .in = { VX4, TCP4("10.0.5.1", "10.2.99.80"), PORTS(50000, 80) }, .reason = FWD,
	  .events = EV(NAT_HIT), .nat_addr = "10.2.0.80", .nat_port = 8080 },
	{ "TCP 80 elsewhere takes the port's wildcard rule",
	  .in = { VX4, TCP4("10.0.5.1", "10.2.99.81"), PORTS(50000, 80) }, .reason = FWD,
	  .events = EV(NAT_HIT), .nat_addr = "10.2.0.81", .nat_port = 8081 },
	{ "UDP 5000 to the address its rule names",
	  .in = { VX4, UDP4("10.0.5.1", "10.2.99.50"), PORTS(1, 5000) }, .reason = FWD,
	  .events = EV(NAT_HIT), .nat_addr = "10.2.0.50", .nat_port = 5050 },
	{ "UDP 5000 elsewhere, no wildcard rule",
	  .in = { VX4, UDP4("10.0.5.1", "10.2.99.51"), PORTS(1, 5000) }, .reason = FWD },
	/* found by the fuzzer's model: the port's marker entry has the
	 * zero address as its key, and was taken for a rule */
	{ "UDP 5000 to 0.0.0.0 is no address rule's",
	  .in = { VX4, UDP4("10.0.5.1", "0.0.0.0"), PORTS(1, 5000) },
	  .reason = VXP_REASON_NOT_FORWARDED },
	{ "destination rule before source rule",
	  .in = { VX4, UDP4("10.0.5.1", "10.2.99.1"), PORTS(42844, 53) }, .reason = FWD,
	  .events = EV(NAT_HIT), .nat_addr = "10.2.0.53" },
	{ "TCP source 42844: the IPv4 rule is UDP",
	  .in = { VX4, TCP4("10.0.5.1", "10.2.99.1"), PORTS(42844, 1) }, .reason = FWD },
	{ "ICMP has no ports",
	  .in = { VX4,
		  .ip = { .family = 4,
			  .src = "10.0.5.1",
			  .dst = "10.2.99.1",
			  .proto = IPPROTO_ICMP },
		  PORTS(42844, 53) },
	  .reason = FWD },
	{ "inner IPv4 options before the UDP header",
	  .in = { VX4,
		  .ip = { .family = 4,
			  .src = "10.0.5.1",
			  .dst = "10.2.99.1",
			  .proto = UDP,
			  .ihl = 15 },
		  PORTS(42844, 1) },
	  .reason = FWD, .events = EV(NAT_HIT), .nat_addr = "10.2.41.17", .nat_port = 8081 },
	{ "inner VLAN tag and NAT",
	  .in = { .vxlan = true,
		  L2_OUTER,
		  IP_OUTER6,
		  .vni = 200,
		  .l2 = { .dst = INNER_DMAC, .src = INNER_SMAC, .nvlan = 1, .vid = { 9 } },
		  TCP4("10.0.5.1", "10.2.99.1"),
		  PORTS(50000, 443) },
	  .reason = FWD, .events = EV(NAT_HIT), .nat_addr = "10.2.0.44", .nat_port = 8443 },
	{ "IPv6 UDP destination 53",
	  .in = { VX4, UDP6("fd00:5::1", "fd02::99:1"), PORTS(5353, 53) }, .reason = FWD,
	  .events = EV(NAT_HIT), .nat_addr = "fd02::53" },
	{ "IPv6 TCP source 42844",
	  .in = { VX6, TCP6("fd00:5::1", "fd02::99:1"), PORTS(42844, 31000) }, .reason = FWD,
	  .events = EV(NAT_HIT), .nat_addr = "fd02::17", .nat_port = 8081 },
	{ "IPv6 hop-by-hop header before UDP",
	  .in = { VX6, EXT6(UDP, .hbh = true), PORTS(5353, 53) }, .reason = FWD,
	  .events = EV(NAT_HIT), .nat_addr = "fd02::53" },
	/* found by the fuzzer: the destination is the next segment, and the
	 * routing header would send a NATed packet on from the collector (or
	 * have it discarded there); its L4 sum covers the final destination */
	{ "IPv6 routing header under way, a UDP rule: dropped",
	  .in = { VX6, EXT6(UDP, .hbh = true, .home = "fd02::1234"), PORTS(5353, 7000) },
	  .reason = VXP_REASON_INNER_ROUTED },
	{ "IPv6 routing header under way, a TCP rule: dropped",
	  .in = { VX6, EXT6(TCP, .home = "fd02::1234"), PORTS(42844, 31000) },
	  .reason = VXP_REASON_INNER_ROUTED },
	{ "IPv6 routing header under way, no rule: forwarded as it is",
	  .in = { VX6, EXT6(UDP, .home = "fd02::1234"), PORTS(5353, 9999) }, .reason = FWD },
	/* AH's length counts 4-byte units less two (RFC 4302), unlike the others */
	{ "IPv6 AH before UDP",
	  .in = { VX6, EXT6(UDP, .ext = { IPPROTO_AH }, .n_ext = 1), PORTS(5353, 53) },
	  .reason = FWD, .events = EV(NAT_HIT), .nat_addr = "fd02::53" },
	{ "IPv6 five extension headers before UDP",
	  .in = { VX6,
		  EXT6(UDP, .hbh = true,
		       .ext = { IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH, IPPROTO_DSTOPTS },
		       .n_ext = 4),
		  PORTS(5353, 53) },
	  .reason = FWD, .events = EV(NAT_HIT), .nat_addr = "fd02::53" },
	{ "IPv6 eight extension headers before TCP, the most walked",
	  .in = { VX6,
		  EXT6(TCP, .hbh = true,
		       .ext = { IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH, IPPROTO_AH,
				IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS },
		       .n_ext = 7),
		  PORTS(42844, 31000) },
	  .reason = FWD, .events = EV(NAT_HIT), .nat_addr = "fd02::17", .nat_port = 8081 },
	/* fails closed: NAT cannot know the ports, so the packet must not leave
	 * as if no rule matched */
	{ "IPv6 nine extension headers: the transport header is not found",
	  .in = { VX6,
		  EXT6(TCP, .hbh = true,
		       .ext = { IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH, IPPROTO_AH,
				IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
				IPPROTO_DSTOPTS },
		       .n_ext = 8),
		  PORTS(42844, 31000) },
	  .reason = VXP_REASON_INNER_TOO_DEEP },
	{ "IPv6 nine extension headers, no rule for the ports either",
	  .in = { VX6,
		  EXT6(UDP,
		       .ext = { IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
				IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS,
				IPPROTO_DSTOPTS },
		       .n_ext = 9),
		  PORTS(1, 2) },
	  .reason = VXP_REASON_INNER_TOO_DEEP },
	{ "IPv6 ESP ends the walk: no ports to match",
	  .in = { VX6, EXT6(IPPROTO_ESP, .hbh = true), PORTS(5353, 53) }, .reason = FWD },
	/* RFC 8200 8.1: a receiver discards IPv6 UDP without a checksum, so a
	 * collector would never see it */
	{ "IPv6 UDP without a checksum, a rule for it",
	  .in = { VX6, UDP6("fd00:5::1", "fd02::99:1"),
		  .l4 = { .sport = 5353, .dport = 53, .payload = 32, .csum_zero = true } },
	  .reason = VXP_REASON_INNER_UDP6_NO_CSUM },
	{ "IPv6 UDP without a checksum, no rule",
	  .in = { VX6, UDP6("fd00:5::1", "fd02::99:1"),
		  .l4 = { .sport = 1, .dport = 2, .payload = 32, .csum_zero = true } },
	  .reason = VXP_REASON_INNER_UDP6_NO_CSUM },
	{ "IPv6 UDP source 42844: that rule is IPv4",
	  .in = { VX4, UDP6("fd00:5::1", "fd02::99:1"), PORTS(42844, 1) }, .reason = FWD },
};

/* The same with destination options after the fragment header. */
#define FRAG6X(id_, off, len, more)                           \
	.ip = { .family = 6,                                  \
		.src = "fd00:5::1",                           \
		.dst = "fd02::99:7",                          \
		.proto = UDP,                                 \
		.frag_id6 = id_,                              \
		.frag_off = off,                              \
		.frag_len = len,                              \
		.mf = more,                                   \
		.ext = { IPPROTO_FRAGMENT, IPPROTO_DSTOPTS }, \
		.n_ext = 2 }

/* In order, as they arrive: every fragment gets its first fragment's decision. */
static const struct dp_case fragments[] = {
	{ "IPv4 first fragment, rule hit", .in = { VX4, FRAG4(0x1234, 0, 48, true), DGRAM(7000) },
	  .reason = FWD, .events = EV(FRAG_FIRST) | EV(NAT_HIT), .nat_addr = "10.2.0.70",
	  .nat_port = 7001 },
	{ "IPv4 middle fragment follows it",
	  .in = { VX4, FRAG4(0x1234, 48, 48, true), DGRAM(7000) }, .reason = FWD,
	  .events = EV(FRAG_LATER) | EV(NAT_HIT), .nat_addr = "10.2.0.70", .nat_port = 7001 },
	{ "IPv4 last fragment follows it", .in = { VX4, FRAG4(0x1234, 96, 48, false), DGRAM(7000) },
	  .reason = FWD, .events = EV(FRAG_LATER) | EV(NAT_HIT), .nat_addr = "10.2.0.70",
	  .nat_port = 7001 },
	{ "IPv4 first fragment, no rule", .in = { VX4, FRAG4(0x1235, 0, 48, true), DGRAM(7002) },
	  .reason = FWD, .events = EV(FRAG_FIRST) },
	{ "IPv4 later fragment, no rule either",
	  .in = { VX4, FRAG4(0x1235, 48, 96, false), DGRAM(7002) }, .reason = FWD,
	  .events = EV(FRAG_LATER) },
	{ "IPv4 later fragment without its first",
	  .in = { VX4, FRAG4(0x4321, 48, 48, true), DGRAM(7000) }, .reason = VXP_REASON_FRAG_ORPHAN,
	  .events = EV(FRAG_LATER) },
	{ "IPv6 first fragment, rule hit", .in = { VX6, FRAG6(77, 0, 48, true), DGRAM(7000) },
	  .reason = FWD, .events = EV(FRAG_FIRST) | EV(NAT_HIT), .nat_addr = "fd02::70",
	  .nat_port = 7001 },
	{ "IPv6 middle fragment follows it", .in = { VX6, FRAG6(77, 48, 48, true), DGRAM(7000) },
	  .reason = FWD, .events = EV(FRAG_LATER) | EV(NAT_HIT), .nat_addr = "fd02::70",
	  .nat_port = 7001 },
	{ "IPv6 last fragment follows it", .in = { VX6, FRAG6(77, 96, 48, false), DGRAM(7000) },
	  .reason = FWD, .events = EV(FRAG_LATER) | EV(NAT_HIT), .nat_addr = "fd02::70",
	  .nat_port = 7001 },
	{ "IPv6 later fragment without its first",
	  .in = { VX6, FRAG6(78, 48, 48, true), DGRAM(7000) }, .reason = VXP_REASON_FRAG_ORPHAN,
	  .events = EV(FRAG_LATER) },
	/* RFC 8200 4.5: the fragment header's next header is the first header
	 * of the fragmented part, here destination options, in every fragment;
	 * the datagram is (source, destination, identification) */
	{ "IPv6 first fragment, options after its fragment header, rule hit",
	  .in = { VX6, FRAG6X(79, 0, 56, true), DGRAM(7000) }, .reason = FWD,
	  .events = EV(FRAG_FIRST) | EV(NAT_HIT), .nat_addr = "fd02::70", .nat_port = 7001 },
	{ "IPv6 later fragment naming those options follows it",
	  .in = { VX6, FRAG6X(79, 56, 48, true), DGRAM(7000) }, .reason = FWD,
	  .events = EV(FRAG_LATER) | EV(NAT_HIT), .nat_addr = "fd02::70", .nat_port = 7001 },
	{ "IPv6 last fragment naming those options follows it",
	  .in = { VX6, FRAG6X(79, 104, 40, false), DGRAM(7000) }, .reason = FWD,
	  .events = EV(FRAG_LATER) | EV(NAT_HIT), .nat_addr = "fd02::70", .nat_port = 7001 },
	{ "IPv6 later fragment naming options, without its first",
	  .in = { VX6, FRAG6X(80, 56, 48, true), DGRAM(7000) }, .reason = VXP_REASON_FRAG_ORPHAN,
	  .events = EV(FRAG_LATER) },
	{ "IPv6 first fragment of ICMPv6, no ports",
	  .in = { VX6,
		  .ip = { .family = 6,
			  .src = "fd00:5::1",
			  .dst = "fd02::99:7",
			  .proto = IPPROTO_ICMPV6,
			  .frag_id6 = 81,
			  .frag_len = 16,
			  .mf = true },
		  DGRAM(7000) },
	  .reason = FWD, .events = EV(FRAG_FIRST) },
	{ "IPv6 later fragment of that ICMPv6 datagram",
	  .in = { VX6,
		  .ip = { .family = 6,
			  .src = "fd00:5::1",
			  .dst = "fd02::99:7",
			  .proto = IPPROTO_ICMPV6,
			  .frag_id6 = 81,
			  .frag_off = 16,
			  .frag_len = 16 },
		  DGRAM(7000) },
	  .reason = FWD, .events = EV(FRAG_LATER) },
	{ "IPv6 first fragment of UDP without a checksum",
	  .in = { VX6, FRAG6(82, 0, 48, true),
		  .l4 = { .sport = 1, .dport = 7000, .payload = 136, .csum_zero = true } },
	  .reason = VXP_REASON_INNER_UDP6_NO_CSUM, .events = EV(FRAG_FIRST) },
	{ "IPv6 later fragment of UDP without a checksum goes the same way",
	  .in = { VX6, FRAG6(82, 48, 48, true),
		  .l4 = { .sport = 1, .dport = 7000, .payload = 136, .csum_zero = true } },
	  .reason = VXP_REASON_INNER_UDP6_NO_CSUM, .events = EV(FRAG_LATER) },
	{ "IPv6 first fragment with a routing header under way, rule hit: dropped",
	  .in = { VX6,
		  .ip = { .family = 6,
			  .src = "fd00:5::1",
			  .dst = "fd02::99:7",
			  .proto = UDP,
			  .home = "fd02::1234",
			  .frag_id6 = 83,
			  .frag_len = 48,
			  .mf = true },
		  DGRAM(7000) },
	  .reason = VXP_REASON_INNER_ROUTED, .events = EV(FRAG_FIRST) },
	{ "IPv6 later fragment of that datagram goes the same way",
	  .in = { VX6, FRAG6(83, 48, 48, true), DGRAM(7000) }, .reason = VXP_REASON_INNER_ROUTED,
	  .events = EV(FRAG_LATER) },
	{ "same IPv4 id and addresses, TCP: another datagram",
	  .in = { VX4,
		  .ip = { .family = 4,
			  .src = "10.0.5.1",
			  .dst = "10.2.99.7",
			  .proto = TCP,
			  .id = 0x1234,
			  .frag_off = 48,
			  .frag_len = 48,
			  .mf = true },
		  DGRAM(7000) },
	  .reason = VXP_REASON_FRAG_ORPHAN, .events = EV(FRAG_LATER) },
	{ "same IPv4 id from another source is another datagram",
	  .in = { VX4,
		  .ip = { .family = 4,
			  .src = "10.0.5.2",
			  .dst = "10.2.99.7",
			  .proto = UDP,
			  .id = 0x1234,
			  .frag_off = 48,
			  .frag_len = 48,
			  .mf = true },
		  DGRAM(7000) },
	  .reason = VXP_REASON_FRAG_ORPHAN, .events = EV(FRAG_LATER) },
};

/* A payload word chosen so the NATed packet's UDP checksum computes to zero,
 * which must go out as 0xffff (RFC 768). */
static void check_udp_zero_result(struct dp_env *env)
{
	struct pkt_spec after = {
		UDP4("10.0.5.1", "10.2.41.17"),
		.l4 = { .sport = 42844, .dport = 8081, .payload = 32, .has_tweak = true }
	};
	struct dp_case c = { "UDP checksum computed as zero goes out as 0xffff",
			     .in = { VX4, UDP4("10.0.5.1", "10.2.99.1"),
				     .l4 = { .sport = 42844,
					     .dport = 31000,
					     .payload = 32,
					     .has_tweak = true } },
			     .reason = FWD,
			     .events = EV(NAT_HIT),
			     .nat_addr = "10.2.41.17",
			     .nat_port = 8081 };
	static uint8_t f[PKT_MAX];
	size_t len;

	memcpy(after.l2.dst, (uint8_t[])MAC_GW, 6);
	len = pkt_build(&after, f);
	after.l4.tweak = pkt_l4_csum(f, len);
	len = pkt_build(&after, f);
	tap_ok(pkt_l4_csum(f, len) == 0xffff, "zero-sum payload found (test sanity)");
	c.in.l4.tweak = after.l4.tweak;
	dp_case_check(env, &c);
}

static void check_swap(struct dp_env *env)
{
	const struct nat_rule rules_b[] = {
		dp_rule(UDP, SRC, 42844, NULL, "10.2.41.18", 8082),
	};
	struct dp_case seed = SEED_CASE, dns = cases[2];
	int outer, tables[2], before;

	datapath_nat_fds(env->dp, &outer, tables);
	before = nat_table_active(outer, tables);
	dp_env_nat(env, rules_b, ARRAY_SIZE(rules_b));
	tap_ok(nat_table_active(outer, tables) == !before, "swap installs the other table");
	seed.name = "after the swap: the new target";
	seed.nat_addr = "10.2.41.18";
	seed.nat_port = 8082;
	dp_case_check(env, &seed);
	dns.name = "after the swap: the old table's rule is gone";
	dns.events = 0;
	dns.nat_addr = NULL;
	dp_case_check(env, &dns);
	dp_env_nat(env, rules_a, n_rules_a);
	tap_ok(nat_table_active(outer, tables) == before, "swap back");
	seed = (struct dp_case)SEED_CASE;
	seed.name = "after swapping back: the old target";
	dp_case_check(env, &seed);
}

/* A table that does not fit fails to install and leaves the rules in force. */
static void check_failed_install(struct dp_env *env)
{
	static struct nat_entry entries[VXP_NAT_ENTRIES_MAX + 1];
	struct dp_case seed = SEED_CASE;
	int outer, tables[2], before, ret;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		entries[i].key = (struct vxp_nat_key){
			.family = VXP_AF_INET, .proto = UDP, .match = DST, .port = (uint16_t)i
		};
		entries[i].key.daddr.v4 = (uint32_t)i;
		entries[i].value.flags = VXP_NAT_F_WILDCARD;
	}
	datapath_nat_fds(env->dp, &outer, tables);
	before = nat_table_active(outer, tables);
	ret = nat_table_install(outer, tables, entries, ARRAY_SIZE(entries));
	tap_ok(ret == -E2BIG, "a table beyond %d entries is refused (%d)", VXP_NAT_ENTRIES_MAX,
	       ret);
	tap_ok(nat_table_active(outer, tables) == before, "the installed table stays");
	seed.name = "after a failed install: rules still in force";
	dp_case_check(env, &seed);
}

/* With drop_unmatched, only what a rule (or its first fragment's rule) sent
 * somewhere leaves; everything else is dropped and counted. */
static void check_drop_unmatched(struct dp_env *env)
{
	const struct dp_case unmatched[] = {
		{ "drop unmatched: UDP without a rule",
		  .in = { VX4, UDP4("10.0.5.1", "10.2.99.1"), PORTS(42845, 31000) },
		  .reason = VXP_REASON_NAT_UNMATCHED },
		{ "drop unmatched: ICMP",
		  .in = { VX4,
			  .ip = { .family = 4,
				  .src = "10.0.5.1",
				  .dst = "10.2.99.1",
				  .proto = IPPROTO_ICMP },
			  PORTS(1, 1) },
		  .reason = VXP_REASON_NAT_UNMATCHED },
		{ "drop unmatched: first fragment without a rule",
		  .in = { VX4, FRAG4(0x2235, 0, 48, true), DGRAM(7002) },
		  .reason = VXP_REASON_NAT_UNMATCHED, .events = EV(FRAG_FIRST) },
		{ "drop unmatched: its later fragment too",
		  .in = { VX4, FRAG4(0x2235, 48, 96, false), DGRAM(7002) },
		  .reason = VXP_REASON_NAT_UNMATCHED, .events = EV(FRAG_LATER) },
		SEED_CASE,
	};
	size_t i;

	datapath_set_drop_unmatched(env->dp, true);
	for (i = 0; i < ARRAY_SIZE(unmatched); i++)
		dp_case_check(env, &unmatched[i]);
	datapath_set_drop_unmatched(env->dp, false);
	dp_case_check(env, &cases[1]);
}

int main(void)
{
	struct dp_env env;
	size_t i;

	dp_env_setup(&env);
	rules_a_init();
	dp_env_nat(&env, rules_a, n_rules_a);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		dp_case_check(&env, &cases[i]);
	for (i = 0; i < ARRAY_SIZE(fragments); i++)
		dp_case_check(&env, &fragments[i]);
	check_udp_zero_result(&env);
	check_swap(&env);
	check_failed_install(&env);
	check_drop_unmatched(&env);
	dp_env_teardown(&env);
	return tap_done();
}
