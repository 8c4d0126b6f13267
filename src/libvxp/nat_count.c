// SPDX-License-Identifier: GPL-2.0-only
/* The entries NAT rules need in the data plane's table, counted rule by rule
 * from their port ranges without expanding them: one per matched port, and a
 * port marker per port that has rules with 'dst' and no rule without. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <netinet/in.h>

#include "nat_count.h"

#define WORDS	(65536 / 64)
#define CLASSES 8 /* family x protocol x direction: the keys ports share */

struct nat_count {
	uint64_t wild[CLASSES][WORDS]; /* ports with a rule without 'dst' */
	uint64_t mark[CLASSES][WORDS]; /* ports with rules with 'dst' */
	size_t entries;
};

struct nat_count *nat_count_new(void)
{
	return calloc(1, sizeof(struct nat_count));
}

void nat_count_free(struct nat_count *n)
{
	free(n);
}

static unsigned class_of(const struct conf_rule *r)
{
	return (r->family == VXP_AF_INET6) << 2 | (r->proto == IPPROTO_UDP) << 1 |
	       (r->match == VXP_NAT_MATCH_SRC);
}

/* The bits of word w that fall in first..last. */
static uint64_t span(unsigned w, unsigned first, unsigned last)
{
	unsigned lo = w * 64, hi = lo + 63;
	uint64_t m = ~0ULL;

	if (first > lo)
		m &= ~0ULL << (first - lo);
	if (last < hi)
		m &= ~0ULL >> (hi - last);
	return m;
}

/* Sets first..last in set; returns how many of them were not in set, nor
 * in unless (NULL: none). */
static size_t set_range(uint64_t *set, const uint64_t *unless, unsigned first, unsigned last)
{
	size_t added = 0;
	unsigned w;

	for (w = first / 64; w <= last / 64; w++) {
		uint64_t m = span(w, first, last), fresh = m & ~set[w];

		if (unless)
			fresh &= ~unless[w];
		added += (size_t)__builtin_popcountll(fresh);
		set[w] |= m;
	}
	return added;
}

/* Markers in first..last that a wildcard rule there now stands for. */
static size_t markers_covered(const uint64_t *mark, const uint64_t *wild, unsigned first,
			      unsigned last)
{
	size_t n = 0;
	unsigned w;

	for (w = first / 64; w <= last / 64; w++)
		n += (size_t)__builtin_popcountll(span(w, first, last) & mark[w] & ~wild[w]);
	return n;
}

size_t nat_count_add(struct nat_count *n, const struct conf_rule *r)
{
	unsigned c = class_of(r), first = r->port_first, last = r->port_last;

	if (r->has_daddr) {
		/* its own entries, and a marker where the port has none yet */
		n->entries += last - first + 1;
		n->entries += set_range(n->mark[c], n->wild[c], first, last);
	} else {
		/* a wildcard entry is also the port's marker */
		n->entries -= markers_covered(n->mark[c], n->wild[c], first, last);
		n->entries += set_range(n->wild[c], NULL, first, last);
	}
	return n->entries;
}
