/* SPDX-License-Identifier: GPL-2.0-only */
/* One setting of the configuration: its libconfig value into struct
 * pipeline_config, or an error naming file, line and what was expected. */
#ifndef VXP_CONF_PARSE_H
#define VXP_CONF_PARSE_H

#include <libconfig.h>
#include "conf.h"

/* The value of setting key (an enum conf_key) from s, given at src. */
int conf_parse_value(struct pipeline_config *cfg, int key, const config_setting_t *s,
		     const struct conf_src *src, struct conf_errors *errs);

#endif /* VXP_CONF_PARSE_H */
