/* SPDX-License-Identifier: GPL-2.0-only */
/* The entries NAT rules need in the data plane's table, counted rule by rule
 * from their port ranges without expanding them: one per matched port, and a
 * port marker per port that has rules with 'dst' and no rule without. */
#ifndef VXP_NAT_COUNT_H
#define VXP_NAT_COUNT_H

#include <stddef.h>
#include "conf.h"

struct nat_count;

/* NULL with errno on failure. */
struct nat_count *nat_count_new(void);
void nat_count_free(struct nat_count *n);
/* Counts r in; returns the entries the rules counted so far need. Exact for
 * rules that do not overlap (overlapping ones are an error of their own);
 * at most 1024 words of work per rule, whatever its range. */
size_t nat_count_add(struct nat_count *n, const struct conf_rule *r);

#endif /* VXP_NAT_COUNT_H */
