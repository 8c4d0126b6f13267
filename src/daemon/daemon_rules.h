/* SPDX-License-Identifier: GPL-2.0-only */
/* The NAT rules' slots in the data plane's per-rule state (counters and next
 * hops): kept for the rules a reload or restart leaves in place, emptied for
 * new ones; and the counters as the reports show them. */
#ifndef VXP_DAEMON_RULES_H
#define VXP_DAEMON_RULES_H

#include <stddef.h>
#include <stdint.h>
#include "libvxp/conf.h"
#include "vxlan_pipeline.h"

struct daemon;

/* The slot of each of cfg's rules into ret_slot[] (cfg->n_rules of them),
 * the state of slots new to them emptied. The first call takes the slots the
 * NAT table in force holds (one a predecessor left in the fd store, or an
 * empty one). Returns 0 or -errno; logs nothing. */
int rules_prepare(struct daemon *d, const struct pipeline_config *cfg, uint32_t *ret_slot);
/* The slots rules_prepare() gave are in force now. */
void rules_commit(struct daemon *d);
void rules_free(struct daemon *d);

/* Packets and bytes each of the configuration's first n rules matched,
 * summed over CPUs, into ret[] (zeroed on failure). Returns 0 or -errno. */
int rules_counters(const struct daemon *d, struct vxp_counter *ret, size_t n);
/* The configuration's rule in a slot, or -1. */
int rules_origin(const struct daemon *d, uint32_t slot);

#endif /* VXP_DAEMON_RULES_H */
