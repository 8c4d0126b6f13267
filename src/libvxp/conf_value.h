/* SPDX-License-Identifier: GPL-2.0-only */
/* One libconfig setting as a typed value, or an error naming file, line and
 * what was expected; what names the setting in the error. */
#ifndef VXP_CONF_VALUE_H
#define VXP_CONF_VALUE_H

#include <stdbool.h>
#include <libconfig.h>
#include "conf.h"

/* "an integer", "a string", ...: what a setting is, for an error */
const char *conf_type_name(const config_setting_t *s);
int conf_get_int(const config_setting_t *s, const char *what, long long lo, long long hi,
		 long long *ret, const struct conf_src *src, struct conf_errors *errs);
int conf_get_string(const config_setting_t *s, const char *what, const char **ret,
		    const struct conf_src *src, struct conf_errors *errs);
int conf_get_bool(const config_setting_t *s, const char *what, bool *ret,
		  const struct conf_src *src, struct conf_errors *errs);
/* One of the words in choices (NULL-terminated, any case); returns its index,
 * or -EINVAL. */
int conf_get_word(const config_setting_t *s, const char *what, const char *const *choices,
		  const struct conf_src *src, struct conf_errors *errs);

#endif /* VXP_CONF_VALUE_H */
