// SPDX-License-Identifier: GPL-2.0-only
/* Values in a jansson tree by dotted path ("health.ok"), with a default for a
 * value that is absent or of another type: how the CLI reads the daemon's
 * JSON. */
#include "config.h"

#include <string.h>

#include "jpath.h"

json_t *jpath_get(const json_t *j, const char *path)
{
	json_t *v = (json_t *)j; /* jansson hands out what it holds as json_t * */
	char key[128];
	size_t len;

	while (v && *path) {
		len = strcspn(path, ".");
		if (len >= sizeof(key))
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		v = json_object_get(v, key); /* NULL for a v that is no object */
		path += len + (path[len] == '.');
	}
	return v;
}

double jpath_num(const json_t *j, const char *path, double def)
{
	j = jpath_get(j, path);
	return json_is_number(j) ? json_number_value(j) : def;
}

const char *jpath_str(const json_t *j, const char *path, const char *def)
{
	j = jpath_get(j, path);
	return json_is_string(j) ? json_string_value(j) : def;
}

bool jpath_bool(const json_t *j, const char *path, bool def)
{
	j = jpath_get(j, path);
	return json_is_boolean(j) ? json_is_true(j) : def;
}
