// SPDX-License-Identifier: GPL-2.0-only
/* NAT rules as the data plane holds them: building a table's entries from a rule
 * list, and installing a whole table with one map-in-map update. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "nat_table.h"

#define NO_RULE SIZE_MAX /* origin of a port marker */

struct draft {
	struct nat_entry e;
	size_t origin; /* index of the rule, or NO_RULE */
};

static bool addr_is_zero(const union vxp_addr *a)
{
	static const union vxp_addr zero;

	return !memcmp(a, &zero, sizeof(*a));
}

static int rule_valid(const struct nat_rule *r)
{
	if (r->family != VXP_AF_INET && r->family != VXP_AF_INET6)
		return 0;
	if (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
		return 0;
	if (r->match != VXP_NAT_MATCH_DST && r->match != VXP_NAT_MATCH_SRC)
		return 0;
	return !(r->has_daddr && addr_is_zero(&r->daddr));
}

static void draft_rule(const struct nat_rule *r, size_t i, struct draft *ret_rule,
		       struct draft *ret_marker)
{
	struct vxp_nat_key key = {
		.family = r->family,
		.proto = r->proto,
		.match = r->match,
		.port = htons(r->port),
	};

	*ret_marker = (struct draft){ .e.key = key, .origin = NO_RULE };
	ret_marker->e.value.flags = VXP_NAT_F_ADDR_RULES;
	if (r->has_daddr)
		key.daddr = r->daddr;
	*ret_rule = (struct draft){
		.e.key = key,
		.e.value = {
			.addr = r->to_addr,
			.port = htons(r->to_port),
			.flags = r->has_daddr ? 0 : VXP_NAT_F_WILDCARD,
			.rule_id = r->id,
		},
		.origin = i,
	};
}

static int draft_cmp(const void *a, const void *b)
{
	const struct draft *x = a, *y = b;
	int c = memcmp(&x->e.key, &y->e.key, sizeof(x->e.key));

	if (c)
		return c;
	/* a rule sorts before the markers of its key, then by position */
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	return 0;
}

/* Folds sorted drafts with equal keys into one entry each. */
static int drafts_merge(struct draft *d, size_t nd, struct nat_entry *entries, size_t max,
			size_t ret_conflict[2])
{
	size_t i, n = 0;

	for (i = 0; i < nd; i++) {
		struct nat_entry *last = n ? &entries[n - 1] : NULL;

		if (last && !memcmp(&last->key, &d[i].e.key, sizeof(last->key))) {
			if (d[i].origin != NO_RULE) {
				ret_conflict[0] = d[i - 1].origin;
				ret_conflict[1] = d[i].origin;
				return -EEXIST;
			}
			last->value.flags |= d[i].e.value.flags;
			continue;
		}
		if (n == max)
			return -E2BIG;
		entries[n++] = d[i].e;
	}
	return (int)n;
}

int nat_table_build(const struct nat_rule *rules, size_t n, struct nat_entry *entries, size_t max,
		    size_t ret_conflict[2])
{
	struct draft *d;
	size_t i, nd = 0;
	int ret;

	d = calloc(2 * n + 1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!rule_valid(&rules[i])) {
			ret_conflict[0] = i;
			free(d);
			return -EINVAL;
		}
		draft_rule(&rules[i], i, &d[nd], &d[nd + 1]);
		nd += rules[i].has_daddr ? 2 : 1;
	}
	qsort(d, nd, sizeof(*d), draft_cmp);
	ret = drafts_merge(d, nd, entries, max, ret_conflict);
	/* the first of two equal rules is the one written first */
	if (ret == -EEXIST && ret_conflict[0] > ret_conflict[1]) {
		i = ret_conflict[0];
		ret_conflict[0] = ret_conflict[1];
		ret_conflict[1] = i;
	}
	free(d);
	return ret;
}

bool nat_entry_is_marker(const struct nat_entry *e)
{
	return !(e->value.flags & VXP_NAT_F_WILDCARD) && addr_is_zero(&e->key.daddr);
}

static int map_id(int fd, uint32_t *ret_id)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*ret_id = info.id;
	return 0;
}

int nat_table_active(int outer_fd, const int tables[2])
{
	uint32_t zero = 0, id, table_id = 0;
	int i, err;

	if (bpf_map_lookup_elem(outer_fd, &zero, &id))
		return errno == ENOENT ? 1 : -errno; /* none yet: the first goes in 0 */
	for (i = 0; i < 2; i++) {
		err = map_id(tables[i], &table_id);
		if (err)
			return err;
		if (table_id == id)
			return i;
	}
	return -ENOENT;
}

/* Every key of a table, in batches where the kernel has them (5.6): one
 * system call per key made the clearing of a full table most of a reload. */
static size_t table_keys_batch(int fd, struct vxp_nat_key *keys, size_t max)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct vxp_nat_value *vals = calloc(max, sizeof(*vals));
	uint32_t in = 0, out = 0, count;
	size_t n = 0;
	int err = 0;

	while (vals && n < max && !err) {
		count = (uint32_t)(max - n);
		err = bpf_map_lookup_batch(fd, n ? &in : NULL, &out, &keys[n], &vals[n], &count,
					   &opts);
		if (err && errno != ENOENT) {
			n = SIZE_MAX; /* no batches here: walk instead */
			break;
		}
		n += count;
		in = out;
	}
	free(vals);
	return vals ? n : SIZE_MAX;
}

/* Every key of a table in one walk: deleting while walking would restart
 * the walk from the first bucket after every delete, quadratic in the size
 * of a full table. */
static size_t table_keys(int fd, struct vxp_nat_key *keys, size_t max)
{
	size_t n = table_keys_batch(fd, keys, max);

	if (n != SIZE_MAX)
		return n;
	n = 0;
	while (n < max && !bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL, &keys[n]))
		n++;
	return n;
}

/* In one batch where the kernel has it (5.6), else one by one. */
static int table_clear(int fd)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct vxp_nat_key *keys = calloc(VXP_NAT_ENTRIES_MAX, sizeof(*keys));
	uint32_t count;
	size_t n, i;
	int err = 0;

	if (!keys)
		return -ENOMEM;
	n = table_keys(fd, keys, VXP_NAT_ENTRIES_MAX);
	count = (uint32_t)n;
	if (n && bpf_map_delete_batch(fd, keys, &count, &opts))
		count = 0; /* what it did not take, one by one */
	for (i = count; !err && i < n; i++)
		if (bpf_map_delete_elem(fd, &keys[i]) && errno != ENOENT)
			err = -errno;
	free(keys);
	return err;
}

/* In one batch where the kernel has it (5.6), else one by one; the entries
 * are split into keys and values for it. */
static int table_fill(int fd, const struct nat_entry *entries, size_t n)
{
	/* the table is empty, and the kernel takes no BPF_NOEXIST in a batch */
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
	struct vxp_nat_key *keys = calloc(n ? n : 1, sizeof(*keys));
	struct vxp_nat_value *vals = calloc(n ? n : 1, sizeof(*vals));
	uint32_t count = 0;
	size_t i;
	int err = keys && vals ? 0 : -ENOMEM;

	for (i = 0; !err && i < n; i++) {
		keys[i] = entries[i].key;
		vals[i] = entries[i].value;
	}
	count = (uint32_t)n;
	if (!err && n && bpf_map_update_batch(fd, keys, vals, &count, &opts)) {
		if (errno == E2BIG || errno == EEXIST || errno == ENOMEM)
			err = -errno; /* the table's own answer, not a missing command */
		else
			count = 0;
	}
	for (i = count; !err && i < n; i++)
		if (bpf_map_update_elem(fd, &keys[i], &vals[i], BPF_NOEXIST))
			err = -errno;
	free(keys);
	free(vals);
	return err;
}

int nat_table_install(int outer_fd, const int tables[2], const struct nat_entry *entries, size_t n)
{
	uint32_t zero = 0;
	int active, next, err;

	active = nat_table_active(outer_fd, tables);
	if (active < 0)
		return active;
	next = !active;
	err = table_clear(tables[next]);
	if (!err)
		err = table_fill(tables[next], entries, n);
	if (err)
		return err;
	if (bpf_map_update_elem(outer_fd, &zero, &tables[next], BPF_ANY))
		return -errno;
	return next;
}

int nat_table_dump(int outer_fd, const int tables[2], struct nat_entry *entries, size_t max)
{
	struct vxp_nat_key key, next;
	int active, fd;
	size_t n = 0;
	void *prev = NULL;

	active = nat_table_active(outer_fd, tables);
	if (active < 0)
		return active;
	fd = tables[active];
	while (n < max && !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &entries[n].value))
			continue; /* deleted meanwhile */
		entries[n++].key = key;
	}
	return (int)n;
}
