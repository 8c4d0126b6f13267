// SPDX-License-Identifier: GPL-2.0-only
/* A small JSON reader for what the daemon sends the CLI: parse into a tree,
 * look values up by dotted path. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define DEPTH_MAX 32

struct parser {
	const char *p;
	const char *err;
	int depth;
};

static struct json *value(struct parser *ps);

static void skip(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static struct json *fail(struct parser *ps, const char *why, struct json *j)
{
	if (!ps->err)
		ps->err = why;
	json_free(j);
	return NULL;
}

/* A string; \u escapes beyond ASCII become '?': nothing the daemon sends. */
static char *string(struct parser *ps)
{
	size_t n = 0, cap = 16;
	char *s = malloc(cap), *t;

	if (!s || *ps->p++ != '"')
		goto err;
	while (*ps->p && *ps->p != '"') {
		char c = *ps->p++;

		if (c == '\\') {
			c = *ps->p++;
			c = c == 'n'   ? '\n'
			    : c == 't' ? '\t'
			    : c == 'r' ? '\r'
			    : c == 'b' ? '\b'
			    : c == 'f' ? '\f'
				       : c;
			if (c == 'u') {
				unsigned u;

				if (sscanf(ps->p, "%4x", &u) != 1)
					goto err;
				ps->p += 4;
				c = u < 0x80 ? (char)u : '?';
			}
		}
		if (n + 2 > cap) {
			t = realloc(s, cap * 2);
			if (!t)
				goto err;
			s = t;
			cap *= 2;
		}
		s[n++] = c;
	}
	if (*ps->p++ != '"')
		goto err;
	s[n] = '\0';
	return s;
err:
	free(s);
	ps->err = ps->err ? ps->err : "bad string";
	return NULL;
}

static struct json *container(struct parser *ps, bool object)
{
	struct json *j = calloc(1, sizeof(*j)), **tail;
	char close = object ? '}' : ']';

	if (!j || ++ps->depth > DEPTH_MAX)
		return fail(ps, "nested too deep", j);
	j->type = object ? JSON_OBJECT : JSON_ARRAY;
	tail = &j->child;
	ps->p++;
	skip(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return j;
	}
	for (;;) {
		char *key = NULL;
		struct json *v;

		skip(ps);
		if (object) {
			key = string(ps);
			skip(ps);
			if (!key || *ps->p++ != ':') {
				free(key);
				return fail(ps, "expected \"key\":", j);
			}
		}
		v = value(ps);
		if (!v) {
			free(key);
			return fail(ps, "bad value", j);
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		skip(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p++ != close)
			return fail(ps, object ? "expected , or }" : "expected , or ]", j);
		ps->depth--;
		return j;
	}
}

static struct json *value(struct parser *ps)
{
	struct json *j;
	char *end;

	skip(ps);
	if (*ps->p == '{' || *ps->p == '[')
		return container(ps, *ps->p == '{');
	j = calloc(1, sizeof(*j));
	if (!j)
		return fail(ps, "out of memory", NULL);
	if (*ps->p == '"') {
		j->type = JSON_STRING;
		j->s = string(ps);
		return j->s ? j : fail(ps, "bad string", j);
	}
	if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "false", 5)) {
		j->type = JSON_BOOL;
		j->b = *ps->p == 't';
		ps->p += j->b ? 4 : 5;
		return j;
	}
	if (!strncmp(ps->p, "null", 4)) {
		ps->p += 4;
		return j;
	}
	j->type = JSON_NUMBER;
	j->n = strtod(ps->p, &end);
	if (end == ps->p)
		return fail(ps, "unexpected character", j);
	ps->p = end;
	return j;
}

struct json *json_parse(const char *text, char *err, size_t errsize)
{
	struct parser ps = { .p = text };
	struct json *j = value(&ps);

	skip(&ps);
	if (j && *ps.p)
		j = fail(&ps, "text after the value", j);
	if (!j)
		snprintf(err, errsize, "%s at offset %ld", ps.err ? ps.err : "bad JSON",
			 (long)(ps.p - text));
	return j;
}

void json_free(struct json *j)
{
	while (j) {
		struct json *next = j->next;

		json_free(j->child);
		free(j->key);
		free(j->s);
		free(j);
		j = next;
	}
}

const struct json *json_get(const struct json *j, const char *path)
{
	const char *dot;
	size_t len;

	while (j && *path) {
		const struct json *c;

		dot = strchr(path, '.');
		len = dot ? (size_t)(dot - path) : strlen(path);
		if (j->type != JSON_OBJECT)
			return NULL;
		for (c = j->child; c; c = c->next)
			if (strlen(c->key) == len && !strncmp(c->key, path, len))
				break;
		j = c;
		path += len + (dot ? 1 : 0);
	}
	return j;
}

double json_num(const struct json *j, const char *path, double def)
{
	j = json_get(j, path);
	return j && j->type == JSON_NUMBER ? j->n : def;
}

const char *json_str(const struct json *j, const char *path, const char *def)
{
	j = json_get(j, path);
	return j && j->type == JSON_STRING ? j->s : def;
}

bool json_bool(const struct json *j, const char *path, bool def)
{
	j = json_get(j, path);
	return j && j->type == JSON_BOOL ? j->b : def;
}
