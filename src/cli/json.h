/* SPDX-License-Identifier: GPL-2.0-only */
/* A small JSON reader for what the daemon sends the CLI: parse into a tree,
 * look values up by dotted path. */
#ifndef VXP_JSON_H
#define VXP_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	char *key; /* in an object */
	bool b;
	double n;
	char *s;
	struct json *child, *next;
};

/* NULL with a reason in err on malformed input. */
struct json *json_parse(const char *text, char *err, size_t errsize);
void json_free(struct json *j);

/* "a.b.c" through objects; NULL when absent. */
const struct json *json_get(const struct json *j, const char *path);
double json_num(const struct json *j, const char *path, double def);
const char *json_str(const struct json *j, const char *path, const char *def);
bool json_bool(const struct json *j, const char *path, bool def);

#endif /* VXP_JSON_H */
