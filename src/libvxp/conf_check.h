/* SPDX-License-Identifier: GPL-2.0-only */
/* What needs the whole configuration: the command-line flags on top of the
 * files, required settings, names that must exist on this host, overlapping
 * NAT rules and the capacity of the NAT table. */
#ifndef VXP_CONF_CHECK_H
#define VXP_CONF_CHECK_H

#include "conf.h"

/* Applies the command-line flags; -a, -p and -s replace the files' NAT rules
 * with one rule: inner UDP source port -s to -a:-p (the seed's defaults fill
 * whichever is missing). */
int conf_apply_overrides(struct pipeline_config *cfg, const struct conf_overrides *o,
			 struct conf_errors *errs);
/* What needs the whole configuration: required settings, interfaces and the
 * user that must exist, overlapping rules, the NAT table's capacity. */
int conf_check(const struct pipeline_config *cfg, struct conf_errors *errs);

#endif /* VXP_CONF_CHECK_H */
