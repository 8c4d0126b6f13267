/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside the configuration module: turning one libconfig setting into its
 * value in struct pipeline_config, or an error naming file, line and what was
 * expected. */
#ifndef VXP_CONF_PARSE_H
#define VXP_CONF_PARSE_H

#include <libconfig.h>
#include "conf.h"

__attribute__((format(printf, 3, 4))) void
conf_error(struct conf_errors *errs, const struct conf_src *src, const char *fmt, ...);
int conf_parse_value(struct pipeline_config *cfg, int key, const config_setting_t *s,
		     const struct conf_src *src, struct conf_errors *errs);
int conf_parse_rules(struct pipeline_config *cfg, const config_setting_t *list, const char *file,
		     struct conf_errors *errs);
const char *conf_type_name(const config_setting_t *s);
int conf_get_int(const config_setting_t *s, const char *what, long long lo, long long hi,
		 long long *ret, const struct conf_src *src, struct conf_errors *errs);
int conf_get_string(const config_setting_t *s, const char *what, const char **ret,
		    const struct conf_src *src, struct conf_errors *errs);
int edit_distance(const char *a, const char *b);

#endif /* VXP_CONF_PARSE_H */
