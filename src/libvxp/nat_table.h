/* SPDX-License-Identifier: GPL-2.0-only */
/* NAT rules as the data plane holds them: building a table's entries from a rule
 * list, and installing a whole table with one map-in-map update. */
#ifndef VXP_NAT_TABLE_H
#define VXP_NAT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vxlan_pipeline.h"

struct nat_rule {
	uint8_t family; /* VXP_AF_INET or VXP_AF_INET6 */
	uint8_t proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t match;	/* enum vxp_nat_match */
	bool has_daddr; /* match the inner destination address too */
	uint16_t port;	/* host order */
	union vxp_addr daddr;
	union vxp_addr to_addr;
	uint16_t to_port; /* host order; 0 keeps the destination port */
	uint32_t id;	  /* the caller's name for the rule, kept in the map */
};

struct nat_entry {
	struct vxp_nat_key key;
	struct vxp_nat_value value;
};

/* The entries for a rule list, including the port markers struct vxp_nat_key
 * describes, sorted by key. Returns their number, or:
 *  -EINVAL  a rule is malformed (ret_conflict[0] is its index)
 *  -EEXIST  two rules match the same packets (ret_conflict[0], [1]: indexes)
 *  -E2BIG   more than max entries would be needed
 *  -ENOMEM */
int nat_table_build(const struct nat_rule *rules, size_t n, struct nat_entry *entries, size_t max,
		    size_t ret_conflict[2]);

/* Whether e is a port marker (see struct vxp_nat_key): no rule's entry, only
 * the sign that its port has rules naming an address. */
bool nat_entry_is_marker(const struct nat_entry *e);

/* Which of tables[] the outer map holds now: 0 or 1, or -errno. */
int nat_table_active(int outer_fd, const int tables[2]);

/* Empties the table not in use, fills it with entries and installs it with one
 * update of the outer map: a packet sees the old rule set or the new one, never
 * a mix. Returns the index of the table now installed, or -errno with the
 * installed table untouched. */
int nat_table_install(int outer_fd, const int tables[2], const struct nat_entry *entries, size_t n);

/* The entries of the table installed now, as the data plane holds them.
 * Returns their number (at most max), or -errno. */
int nat_table_dump(int outer_fd, const int tables[2], struct nat_entry *entries, size_t max);

#endif /* VXP_NAT_TABLE_H */
