/* SPDX-License-Identifier: GPL-2.0-only */
/* NAT rules in the configuration: each rule group parsed, and the rules
 * expanded, one per matched port, into what the data plane's table holds. */
#ifndef VXP_CONF_RULES_H
#define VXP_CONF_RULES_H

#include <stddef.h>
#include <libconfig.h>
#include "conf.h"
#include "nat_table.h"

/* The 'nat' setting of file: a list of rule groups, appended to cfg->rules.
 * Returns 0, or -EINVAL with errs filled (the good rules are kept). */
int conf_parse_rules(struct pipeline_config *cfg, const config_setting_t *list, const char *file,
		     struct conf_errors *errs);
/* The NAT rules as nat_table_build() takes them, one per matched port;
 * ret_origin[i] is the index of the configuration rule entry i came from. */
int conf_nat_rules(const struct pipeline_config *cfg, struct nat_rule **ret_rules,
		   size_t **ret_origin, size_t *ret_n);

#endif /* VXP_CONF_RULES_H */
