// SPDX-License-Identifier: GPL-2.0-only
/* One libconfig setting as a typed value (integer in a range, string, boolean,
 * one of some words), or an error naming file, line and what was expected. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf_value.h"

const char *conf_type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number with a fraction";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	case CONFIG_TYPE_GROUP:
		return "a group";
	default:
		return "nothing";
	}
}

int conf_get_int(const config_setting_t *s, const char *what, long long lo, long long hi,
		 long long *ret, const struct conf_src *src, struct conf_errors *errs)
{
	int type = config_setting_type(s);
	long long v;

	if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64) {
		conf_error(errs, src, "'%s' must be an integer, not %s", what, conf_type_name(s));
		return -EINVAL;
	}
	v = config_setting_get_int64(s);
	if (v < lo || v > hi) {
		conf_error(errs, src, "'%s' is %lld; expected %lld to %lld", what, v, lo, hi);
		return -ERANGE;
	}
	*ret = v;
	return 0;
}

int conf_get_string(const config_setting_t *s, const char *what, const char **ret,
		    const struct conf_src *src, struct conf_errors *errs)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_error(errs, src, "'%s' must be a string, not %s", what, conf_type_name(s));
		return -EINVAL;
	}
	*ret = config_setting_get_string(s);
	return 0;
}

int conf_get_bool(const config_setting_t *s, const char *what, bool *ret,
		  const struct conf_src *src, struct conf_errors *errs)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		conf_error(errs, src, "'%s' must be true or false, not %s", what,
			   conf_type_name(s));
		return -EINVAL;
	}
	*ret = config_setting_get_bool(s);
	return 0;
}

int conf_get_word(const config_setting_t *s, const char *what, const char *const *choices,
		  const struct conf_src *src, struct conf_errors *errs)
{
	char expected[128] = "";
	const char *v;
	int i;

	if (conf_get_string(s, what, &v, src, errs))
		return -EINVAL;
	for (i = 0; choices[i]; i++)
		if (!strcasecmp(v, choices[i]))
			return i;
	for (i = 0; choices[i]; i++)
		snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected),
			 "%s\"%s\"", i ? (choices[i + 1] ? ", " : " or ") : "", choices[i]);
	conf_error(errs, src, "'%s' is '%s'; expected %s", what, v, expected);
	return -EINVAL;
}
