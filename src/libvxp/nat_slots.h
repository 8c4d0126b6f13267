/* SPDX-License-Identifier: GPL-2.0-only */
/* Slots of NAT rules in the data plane's per-rule state (vxp_rules): a rule
 * keeps its slot while it stays, across reloads and restarts, so that its
 * counters and next hop stay with it; a new rule gets a slot no rule in force
 * holds, emptied before the table that names it is installed. */
#ifndef VXP_NAT_SLOTS_H
#define VXP_NAT_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "conf.h"
#include "nat_table.h"

/* What makes two rules the same rule: all but where they were written. */
struct nat_slot_rule {
	uint8_t family;
	uint8_t proto;
	uint8_t match;
	bool has_daddr;
	uint16_t port_first;
	uint16_t port_last;
	uint16_t to_port;
	uint16_t pad;
	union vxp_addr daddr;
	union vxp_addr to_addr;
};

/* Big (VXP_RULE_SLOTS rules) but touched only where used: allocate it
 * zeroed, and copy it with nat_slots_copy(). */
struct nat_slots {
	uint64_t used[VXP_RULE_SLOTS / 64]; /* a bit per slot */
	struct nat_slot_rule rule[VXP_RULE_SLOTS];
};

bool nat_slots_used(const struct nat_slots *s, uint32_t slot);
/* dst becomes src, writing only the slots src uses. */
void nat_slots_copy(struct nat_slots *dst, const struct nat_slots *src);

/* Slots for n rules into ret_slot[], given the slots in force (cur): the same
 * slot for a rule cur has, the lowest slot cur does not use for the others.
 * next becomes the new assignment (it may not be cur), ret_fresh[] the slots
 * given to new rules (*ret_n_fresh of them). Returns 0, or -E2BIG when the
 * slots do not suffice. */
int nat_slots_assign(const struct nat_slots *cur, const struct conf_rule *rules, size_t n,
		     struct nat_slots *next, uint32_t *ret_slot, uint32_t *ret_fresh,
		     size_t *ret_n_fresh);

/* The assignment a NAT table holds (rule_id is the slot): what a daemon that
 * takes the maps over from its predecessor starts from. */
void nat_slots_from_table(struct nat_slots *s, const struct nat_entry *entries, size_t n);

#endif /* VXP_NAT_SLOTS_H */
