// SPDX-License-Identifier: GPL-2.0-only
/* Slots of NAT rules in the data plane's per-rule state: kept for rules that
 * stay, taken from the free ones for new rules. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nat_slots.h"

#define HASH_SIZE (2 * VXP_RULES_MAX) /* a power of two; half full at most */

static void slot_rule(const struct conf_rule *c, struct nat_slot_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->family = c->family;
	r->proto = c->proto;
	r->match = c->match;
	r->has_daddr = c->has_daddr;
	r->port_first = c->port_first;
	r->port_last = c->port_last;
	r->to_port = c->to_port;
	if (c->has_daddr)
		r->daddr = c->daddr;
	r->to_addr = c->to_addr;
}

bool nat_slots_used(const struct nat_slots *s, uint32_t slot)
{
	return slot < VXP_RULE_SLOTS && (s->used[slot / 64] >> (slot % 64)) & 1;
}

static void slot_take(struct nat_slots *s, uint32_t slot)
{
	s->used[slot / 64] |= 1ULL << (slot % 64);
}

void nat_slots_copy(struct nat_slots *dst, const struct nat_slots *src)
{
	uint32_t s;

	memcpy(dst->used, src->used, sizeof(dst->used));
	for (s = 0; s < VXP_RULE_SLOTS; s++)
		if (nat_slots_used(src, s))
			dst->rule[s] = src->rule[s];
}

/* FNV-1a over the rule's bytes (no padding holds garbage: built zeroed). */
static uint32_t rule_hash(const struct nat_slot_rule *r)
{
	const uint8_t *b = (const uint8_t *)r;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*r); i++)
		h = (h ^ b[i]) * 16777619u;
	return h & (HASH_SIZE - 1);
}

/* Slot + 1 of each rule in force, by its hash (0: empty). */
static void index_build(const struct nat_slots *cur, uint32_t *index)
{
	uint32_t s, h;

	for (s = 0; s < VXP_RULE_SLOTS; s++) {
		if (!nat_slots_used(cur, s))
			continue;
		for (h = rule_hash(&cur->rule[s]); index[h]; h = (h + 1) & (HASH_SIZE - 1))
			;
		index[h] = s + 1;
	}
}

static int index_find(const struct nat_slots *cur, const uint32_t *index,
		      const struct nat_slot_rule *r)
{
	uint32_t h;

	for (h = rule_hash(r); index[h]; h = (h + 1) & (HASH_SIZE - 1))
		if (!memcmp(&cur->rule[index[h] - 1], r, sizeof(*r)))
			return (int)index[h] - 1;
	return -1;
}

static int assign_kept(const struct nat_slots *cur, const struct conf_rule *rules, size_t n,
		       struct nat_slots *next, uint32_t *ret_slot)
{
	uint32_t *index = calloc(HASH_SIZE, sizeof(*index));
	struct nat_slot_rule r;
	size_t i;
	int s;

	if (!index)
		return -ENOMEM;
	index_build(cur, index);
	for (i = 0; i < n; i++) {
		slot_rule(&rules[i], &r);
		s = index_find(cur, index, &r);
		ret_slot[i] = UINT32_MAX;
		if (s < 0 ||
		    nat_slots_used(next, (uint32_t)s)) /* a rule twice: the second is new */
			continue;
		ret_slot[i] = (uint32_t)s;
		slot_take(next, (uint32_t)s);
		next->rule[s] = r;
	}
	free(index);
	return 0;
}

int nat_slots_assign(const struct nat_slots *cur, const struct conf_rule *rules, size_t n,
		     struct nat_slots *next, uint32_t *ret_slot, uint32_t *ret_fresh,
		     size_t *ret_n_fresh)
{
	uint32_t free_slot = 0;
	size_t i;
	int err;

	*ret_n_fresh = 0;
	if (n > VXP_RULES_MAX)
		return -E2BIG;
	memset(next->used, 0, sizeof(next->used));
	err = assign_kept(cur, rules, n, next, ret_slot);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (ret_slot[i] != UINT32_MAX)
			continue;
		/* never a slot in force: packets may still count there */
		while (free_slot < VXP_RULE_SLOTS &&
		       (nat_slots_used(cur, free_slot) || nat_slots_used(next, free_slot)))
			free_slot++;
		if (free_slot == VXP_RULE_SLOTS)
			return -E2BIG;
		ret_slot[i] = free_slot;
		slot_take(next, free_slot);
		slot_rule(&rules[i], &next->rule[free_slot]);
		ret_fresh[(*ret_n_fresh)++] = free_slot;
	}
	return 0;
}

void nat_slots_from_table(struct nat_slots *s, const struct nat_entry *entries, size_t n)
{
	struct nat_slot_rule *r;
	uint16_t port;
	uint32_t id;
	size_t i;

	memset(s->used, 0, sizeof(s->used));
	for (i = 0; i < n; i++) {
		id = entries[i].value.rule_id;
		if (nat_entry_is_marker(&entries[i]) || id >= VXP_RULE_SLOTS)
			continue;
		r = &s->rule[id];
		port = ntohs(entries[i].key.port);
		if (nat_slots_used(s, id)) { /* a port range: one entry per port */
			r->port_first = port < r->port_first ? port : r->port_first;
			r->port_last = port > r->port_last ? port : r->port_last;
			continue;
		}
		slot_take(s, id);
		memset(r, 0, sizeof(*r));
		r->family = entries[i].key.family;
		r->proto = entries[i].key.proto;
		r->match = entries[i].key.match;
		r->has_daddr = !(entries[i].value.flags & VXP_NAT_F_WILDCARD);
		r->port_first = r->port_last = port;
		r->to_port = ntohs(entries[i].value.port);
		r->daddr = entries[i].key.daddr;
		r->to_addr = entries[i].value.addr;
	}
}
