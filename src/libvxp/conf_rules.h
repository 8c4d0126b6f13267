/* SPDX-License-Identifier: GPL-2.0-only */
/* NAT rules in the configuration: each rule group parsed, counted before
 * anything is expanded, and the rules expanded, one per matched port, into
 * what the data plane's table holds. */
#ifndef VXP_CONF_RULES_H
#define VXP_CONF_RULES_H

#include <stddef.h>
#include <libconfig.h>
#include "conf.h"
#include "nat_table.h"

/* The 'nat' setting of file: a list of rule groups, appended to cfg->rules.
 * Returns 0, or -EINVAL with errs filled (the good rules are kept). Rules
 * are counted as they come, ranges unexpanded: the first that the data
 * plane's table (VXP_NAT_ENTRIES_MAX) cannot hold is named, and neither it
 * nor any after it is kept, so cfg->rules never needs more than the table. */
int conf_parse_rules(struct pipeline_config *cfg, const config_setting_t *list, const char *file,
		     struct conf_errors *errs);
/* 0 when the table holds cfg's rules; else -E2BIG with the first rule it
 * cannot hold named in errs (or -ENOMEM). */
int conf_rules_fit(const struct pipeline_config *cfg, struct conf_errors *errs);
/* The NAT rules as nat_table_build() takes them, one per matched port;
 * ret_origin[i] is the index of the configuration rule entry i came from. */
int conf_nat_rules(const struct pipeline_config *cfg, struct nat_rule **ret_rules,
		   size_t **ret_origin, size_t *ret_n);

#endif /* VXP_CONF_RULES_H */
