/* SPDX-License-Identifier: GPL-2.0-only */
/* Values in a jansson tree by dotted path ("health.ok"), with a default for a
 * value that is absent or of another type: how the CLI reads the daemon's
 * JSON. */
#ifndef VXP_JPATH_H
#define VXP_JPATH_H

#include <stdbool.h>
#include <jansson.h>

/* "a.b.c" through objects, j itself for ""; NULL when absent. Not const, as
 * json_object_get(): the foreach macros take what it returns. */
json_t *jpath_get(const json_t *j, const char *path);
double jpath_num(const json_t *j, const char *path, double def);
const char *jpath_str(const json_t *j, const char *path, const char *def);
bool jpath_bool(const json_t *j, const char *path, bool def);

#endif /* VXP_JPATH_H */
