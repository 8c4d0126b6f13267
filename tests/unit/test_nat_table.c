// SPDX-License-Identifier: GPL-2.0-only
/* nat_table_build(): port markers, flag merging, conflicts named by position,
 * malformed rules, capacity. No privileges needed. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "libvxp/nat_table.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct nat_rule rule(uint8_t proto, uint8_t match, uint16_t port, const char *daddr,
			    const char *to, uint16_t to_port, uint32_t id)
{
	struct nat_rule r = { .family = VXP_AF_INET,
			      .proto = proto,
			      .match = match,
			      .port = port,
			      .to_port = to_port,
			      .id = id };

	if (daddr) {
		r.has_daddr = true;
		inet_pton(AF_INET, daddr, &r.daddr);
	}
	inet_pton(AF_INET, to, &r.to_addr);
	return r;
}

static const struct nat_entry *find(const struct nat_entry *e, int n, uint8_t match, uint16_t port,
				    const char *daddr)
{
	struct vxp_nat_key k = { 0 };
	int i;

	for (i = 0; i < n; i++) {
		k = e[i].key;
		if (k.match != match || k.port != htons(port))
			continue;
		if (!daddr && !k.daddr.v4)
			return &e[i];
		if (daddr && k.daddr.v4 == inet_addr(daddr))
			return &e[i];
	}
	return NULL;
}

static void check_shapes(void)
{
	const struct nat_rule rules[] = {
		rule(IPPROTO_UDP, VXP_NAT_MATCH_SRC, 42844, NULL, "10.2.41.17", 8081, 1),
		rule(IPPROTO_TCP, VXP_NAT_MATCH_DST, 80, "10.2.99.80", "10.2.0.80", 8080, 2),
		rule(IPPROTO_TCP, VXP_NAT_MATCH_DST, 80, NULL, "10.2.0.81", 8081, 3),
		rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 5000, "10.2.99.50", "10.2.0.50", 0, 4),
		rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 5000, "10.2.99.51", "10.2.0.51", 0, 5),
	};
	struct nat_entry e[16];
	const struct nat_entry *x;
	size_t conflict[2];
	int n, i;

	n = nat_table_build(rules, N(rules), e, N(e), conflict);
	tap_ok(n == 6, "5 rules, 3 with addresses on 2 ports, make 6 entries (%d)", n);
	x = find(e, n, VXP_NAT_MATCH_SRC, 42844, NULL);
	tap_ok(x && x->value.flags == VXP_NAT_F_WILDCARD && x->value.rule_id == 1 &&
		       x->value.port == htons(8081) && x->value.addr.v4 == inet_addr("10.2.41.17"),
	       "a port rule is a wildcard entry with its target");
	x = find(e, n, VXP_NAT_MATCH_DST, 80, NULL);
	tap_ok(x && x->value.flags == (VXP_NAT_F_WILDCARD | VXP_NAT_F_ADDR_RULES) &&
		       x->value.rule_id == 3,
	       "a port with both kinds: the wildcard entry also says address rules exist");
	x = find(e, n, VXP_NAT_MATCH_DST, 80, "10.2.99.80");
	tap_ok(x && x->value.flags == 0 && x->value.rule_id == 2, "the address rule's own entry");
	x = find(e, n, VXP_NAT_MATCH_DST, 5000, NULL);
	tap_ok(x && x->value.flags == VXP_NAT_F_ADDR_RULES,
	       "a port with only address rules gets a marker that is not a rule");
	for (i = 1; i < n; i++)
		if (memcmp(&e[i - 1].key, &e[i].key, sizeof(e[i].key)) >= 0)
			break;
	tap_ok(i == n, "entries sorted, keys unique");
}

static void check_conflicts(void)
{
	const struct nat_rule dup[] = {
		rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 53, NULL, "10.2.0.53", 0, 0),
		rule(IPPROTO_TCP, VXP_NAT_MATCH_DST, 53, NULL, "10.2.0.54", 0, 0),
		rule(IPPROTO_UDP, VXP_NAT_MATCH_SRC, 53, NULL, "10.2.0.55", 0, 0),
		rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 53, NULL, "10.2.0.56", 0, 0),
	};
	const struct nat_rule dup_addr[] = {
		rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 53, "10.9.9.9", "10.2.0.53", 0, 0),
		rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 53, "10.9.9.9", "10.2.0.54", 0, 0),
	};
	struct nat_rule zero = rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, 53, NULL, "10.2.0.53", 0, 0);
	struct nat_rule bad_proto = zero;
	struct nat_entry e[16];
	size_t conflict[2] = { 9, 9 };
	int n;

	n = nat_table_build(dup, N(dup), e, N(e), conflict);
	tap_ok(n == -EEXIST && conflict[0] == 0 && conflict[1] == 3,
	       "same protocol, match and port: rules 0 and 3 named (%d: %zu, %zu)", n, conflict[0],
	       conflict[1]);
	n = nat_table_build(dup_addr, N(dup_addr), e, N(e), conflict);
	tap_ok(n == -EEXIST && conflict[0] == 0 && conflict[1] == 1,
	       "same port and address: a conflict");
	zero.has_daddr = true;
	n = nat_table_build(&zero, 1, e, N(e), conflict);
	tap_ok(n == -EINVAL && conflict[0] == 0, "an all-zero inner address is refused");
	bad_proto.proto = IPPROTO_ICMP;
	n = nat_table_build(&bad_proto, 1, e, N(e), conflict);
	tap_ok(n == -EINVAL, "a protocol without ports is refused");
}

static void check_capacity(void)
{
	struct nat_rule rules[9];
	struct nat_entry e[8];
	size_t conflict[2];
	int i, n;

	for (i = 0; i < 9; i++)
		rules[i] = rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, (uint16_t)(1000 + i), NULL,
				"10.2.0.1", 0, 0);
	n = nat_table_build(rules, 8, e, 8, conflict);
	tap_ok(n == 8, "8 rules fit 8 entries");
	n = nat_table_build(rules, 9, e, 8, conflict);
	tap_ok(n == -E2BIG, "9 rules do not");
	n = nat_table_build(rules, 0, e, 8, conflict);
	tap_ok(n == 0, "no rules, an empty table");
}

int main(void)
{
	check_shapes();
	check_conflicts();
	check_capacity();
	return tap_done();
}
