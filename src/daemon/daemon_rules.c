// SPDX-License-Identifier: GPL-2.0-only
/* The NAT rules' slots in the data plane's per-rule state: a rule keeps its
 * slot, and with it its counters and next hop, while it stays; a new rule's
 * slot is emptied before the table naming it goes in force. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "daemon.h"
#include "daemon_rules.h"
#include "datapath.h"
#include "libvxp/nat_slots.h"
#include "libvxp/nat_table.h"

struct daemon_rules {
	struct nat_slots cur, next;
	uint32_t slot[VXP_RULES_MAX];	   /* by rule of the configuration in force */
	uint32_t next_slot[VXP_RULES_MAX]; /* by rule of the one being applied */
	int32_t origin[VXP_RULE_SLOTS];	   /* by slot: rule in force, or -1 */
	size_t n, next_n;
};

/* The slots of the table in force. */
static int rules_init(struct daemon *d)
{
	struct nat_entry *entries = calloc(VXP_NAT_ENTRIES_MAX, sizeof(*entries));
	struct daemon_rules *r = calloc(1, sizeof(*r));
	int outer, tables[2], n;

	if (!entries || !r) {
		free(entries);
		free(r);
		return -ENOMEM;
	}
	datapath_nat_fds(d->dp, &outer, tables);
	n = nat_table_dump(outer, tables, entries, VXP_NAT_ENTRIES_MAX);
	if (n >= 0)
		nat_slots_from_table(&r->cur, entries, (size_t)n);
	free(entries);
	if (n < 0) {
		free(r);
		return n;
	}
	memset(r->origin, 0xff, sizeof(r->origin));
	d->rules = r;
	return 0;
}

/* Zeroes the state of slots, per CPU, in one batch. */
static int slots_clear(struct daemon *d, const uint32_t *slots, size_t n)
{
	int fd = datapath_rules_fd(d->dp), cpus = libbpf_num_possible_cpus();
	size_t vsize = (sizeof(struct vxp_rule_state) + 7) / 8 * 8;
	uint32_t count = (uint32_t)n;
	void *zero;
	int err = 0;

	if (!n)
		return 0;
	if (cpus <= 0)
		return cpus ? cpus : -EINVAL;
	zero = calloc(n * (size_t)cpus, vsize);
	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_batch(fd, slots, zero, &count, NULL))
		err = -errno;
	free(zero);
	return err;
}

int rules_prepare(struct daemon *d, const struct pipeline_config *cfg, uint32_t *ret_slot)
{
	uint32_t *fresh = calloc(VXP_RULES_MAX, sizeof(*fresh));
	struct daemon_rules *r;
	size_t n_fresh;
	int err = 0;

	if (!fresh)
		return -ENOMEM;
	if (!d->rules)
		err = rules_init(d);
	r = d->rules;
	if (!err)
		err = nat_slots_assign(&r->cur, cfg->rules, cfg->n_rules, &r->next, r->next_slot,
				       fresh, &n_fresh);
	if (!err)
		err = slots_clear(d, fresh, n_fresh);
	if (!err) {
		r->next_n = cfg->n_rules;
		memcpy(ret_slot, r->next_slot, cfg->n_rules * sizeof(*ret_slot));
	}
	free(fresh);
	return err;
}

void rules_commit(struct daemon *d)
{
	struct daemon_rules *r = d->rules;
	size_t i;

	if (!r)
		return;
	nat_slots_copy(&r->cur, &r->next);
	r->n = r->next_n;
	memcpy(r->slot, r->next_slot, r->n * sizeof(r->slot[0]));
	memset(r->origin, 0xff, sizeof(r->origin));
	for (i = 0; i < r->n; i++)
		r->origin[r->slot[i]] = (int32_t)i;
}

void rules_free(struct daemon *d)
{
	free(d->rules);
	d->rules = NULL;
}

int rules_origin(const struct daemon *d, uint32_t slot)
{
	return d->rules && slot < VXP_RULE_SLOTS ? d->rules->origin[slot] : -1;
}

int rules_counters(const struct daemon *d, struct vxp_counter *ret, size_t n)
{
	int cpus = libbpf_num_possible_cpus(), fd = datapath_rules_fd(d->dp), c, err = 0;
	struct vxp_rule_state *v;
	size_t i;

	memset(ret, 0, n * sizeof(*ret));
	if (!d->rules || n > d->rules->n)
		return -ENOENT;
	if (cpus <= 0)
		return cpus ? cpus : -EINVAL;
	v = calloc((size_t)cpus, sizeof(*v)); /* 40 bytes: a multiple of 8 */
	if (!v)
		return -ENOMEM;
	for (i = 0; !err && i < n; i++) {
		if (bpf_map_lookup_elem(fd, &d->rules->slot[i], v))
			err = -errno;
		for (c = 0; !err && c < cpus; c++) {
			ret[i].packets += v[c].packets;
			ret[i].bytes += v[c].bytes;
		}
	}
	free(v);
	if (err)
		memset(ret, 0, n * sizeof(*ret));
	return err;
}
