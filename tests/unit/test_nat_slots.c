// SPDX-License-Identifier: GPL-2.0-only
/* nat_slots: a rule keeps its slot while it stays, a new rule gets one no
 * rule in force holds, and the slots come back from a table in force. No
 * privileges needed. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "libvxp/nat_slots.h"
#include "libvxp/nat_table.h"
#include "tap.h"

static struct conf_rule crule(uint16_t first, uint16_t last, const char *to, uint16_t to_port)
{
	struct conf_rule r = { .family = VXP_AF_INET,
			       .proto = IPPROTO_UDP,
			       .match = VXP_NAT_MATCH_DST,
			       .port_first = first,
			       .port_last = last,
			       .to_port = to_port };

	inet_pton(AF_INET, to, &r.to_addr);
	return r;
}

/* A reload that replaces a full table by another full one: the new rules
 * need as many slots again, none of them in force. */
static void check_full_replacement(void)
{
	static struct nat_slots cur, next, empty;
	static struct conf_rule a[VXP_RULES_MAX], b[VXP_RULES_MAX];
	static uint32_t slot[VXP_RULES_MAX], fresh[VXP_RULES_MAX];
	size_t n_fresh, i, clash = 0;
	int err;

	for (i = 0; i < VXP_RULES_MAX; i++) {
		a[i] = crule((uint16_t)(i + 1), (uint16_t)(i + 1), "10.0.0.1", 0);
		b[i] = crule((uint16_t)(i + 1), (uint16_t)(i + 1), "10.0.0.2", 0);
	}
	err = nat_slots_assign(&empty, a, VXP_RULES_MAX, &cur, slot, fresh, &n_fresh);
	tap_ok(!err && n_fresh == VXP_RULES_MAX, "%d rules from nothing", VXP_RULES_MAX);
	err = nat_slots_assign(&cur, b, VXP_RULES_MAX, &next, slot, fresh, &n_fresh);
	for (i = 0; !err && i < n_fresh; i++)
		clash += nat_slots_used(&cur, fresh[i]);
	tap_ok(!err && n_fresh == VXP_RULES_MAX && !clash,
	       "%d others in their place: each a slot no rule in force holds (%s, %zu clashes)",
	       VXP_RULES_MAX, err ? strerror(-err) : "ok", clash);
}

int main(void)
{
	static struct nat_slots cur, next, back;
	struct conf_rule a[3] = { crule(53, 53, "10.0.0.1", 0), crule(80, 80, "10.0.0.2", 8080),
				  crule(100, 102, "10.0.0.3", 0) };
	struct conf_rule b[3] = { a[2], crule(81, 81, "10.0.0.2", 8080), a[0] };
	uint32_t slot[3], slot_b[3], fresh[3];
	struct nat_rule rules[5];
	struct nat_entry entries[8];
	size_t n_fresh, conflict[2], i, k = 0;
	int n, err;

	tap_ok(!nat_slots_assign(&cur, a, 3, &next, slot, fresh, &n_fresh) && n_fresh == 3 &&
		       slot[0] == 0 && slot[1] == 1 && slot[2] == 2,
	       "from nothing: slots 0, 1, 2, all of them new");
	cur = next;
	err = nat_slots_assign(&cur, b, 3, &next, slot_b, fresh, &n_fresh);
	tap_ok(!err && slot_b[0] == 2 && slot_b[2] == 0,
	       "rules that stay keep their slots, in any order (%u, %u)", slot_b[0], slot_b[2]);
	tap_ok(n_fresh == 1 && fresh[0] == 3 && slot_b[1] == 3,
	       "the new rule gets a slot no rule in force holds: 3, not the removed rule's 1 (%u)",
	       slot_b[1]);
	cur = next;
	err = nat_slots_assign(&cur, a, 3, &next, slot, fresh, &n_fresh);
	tap_ok(!err && slot[1] == 1 && n_fresh == 1,
	       "the removed rule back: slot 1 again, free since the reload before (%u)", slot[1]);

	/* the table a daemon with assignment b installed, read back */
	for (i = 0; i < 3; i++) {
		uint16_t p;

		for (p = b[i].port_first; p <= b[i].port_last; p++, k++)
			rules[k] = (struct nat_rule){ .family = b[i].family,
						      .proto = b[i].proto,
						      .match = b[i].match,
						      .port = p,
						      .to_addr = b[i].to_addr,
						      .to_port = b[i].to_port,
						      .id = slot_b[i] };
	}
	n = nat_table_build(rules, k, entries, 8, conflict);
	nat_slots_from_table(&back, entries, n > 0 ? (size_t)n : 0);
	tap_ok(n == 5 && nat_slots_used(&back, 0) && nat_slots_used(&back, 2) &&
		       nat_slots_used(&back, 3) && !nat_slots_used(&back, 1) &&
		       back.rule[2].port_first == 100 && back.rule[2].port_last == 102,
	       "the slots come back from the table, port ranges whole");
	tap_ok(!nat_slots_assign(&back, b, 3, &next, slot, fresh, &n_fresh) && n_fresh == 0 &&
		       slot[0] == slot_b[0] && slot[1] == slot_b[1] && slot[2] == slot_b[2],
	       "a restarted daemon with the same rules keeps every slot");
	check_full_replacement();
	return tap_done();
}
