// SPDX-License-Identifier: GPL-2.0-only
/* What the CLI prints that came from the daemon, made safe for a terminal:
 * control characters (C0 but newline where text has lines, DEL, C1), the
 * bidirectional overrides and bytes that are not UTF-8 become '?', so that a
 * daemon's bytes cannot drive the operator's terminal; a value that is absent
 * or of another type than expected is printed as a placeholder. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cli_text.h"
#include "jpath.h"

#define SLOTS	 8
#define SLOT_MAX 1024

/* The code point at s (at most len bytes), its length in *ret_n; -1 for
 * bytes that are not UTF-8 (one byte is then taken). */
static int32_t utf8_next(const unsigned char *s, size_t len, size_t *ret_n)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n, i;
	uint32_t cp;

	*ret_n = 1;
	if (s[0] < 0x80)
		return s[0];
	n = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
	    : s[0] >= 0xe0 && s[0] <= 0xef ? 3
	    : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
					   : 0;
	if (!n || n > len)
		return -1;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*ret_n = n;
	return (int32_t)cp;
}

/* What a terminal may take for a command, or a line that lies about its
 * direction. */
static bool is_control(int32_t cp, bool lines)
{
	if (cp == '\n')
		return !lines;
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

char *cli_text_clean(const char *s, size_t len, bool lines, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n;
	int32_t cp;

	while (i < len && p[i]) {
		cp = utf8_next(p + i, len - i, &n);
		if (cp < 0 || is_control(cp, lines)) {
			if (o + 1 >= size)
				break;
			out[o++] = '?';
		} else {
			if (o + n >= size)
				break;
			memcpy(out + o, p + i, n);
			o += n;
		}
		i += n;
	}
	if (size)
		out[o] = '\0';
	return out;
}

static char *slot(void)
{
	static char buf[SLOTS][SLOT_MAX];
	static unsigned next;

	return buf[next++ % SLOTS];
}

const char *cli_key(const char *key)
{
	return cli_text_clean(key, strlen(key), false, slot(), SLOT_MAX);
}

const char *cli_str(const json_t *j, const char *path, const char *def)
{
	const json_t *v = jpath_get(j, path);

	if (!json_is_string(v))
		return def;
	return cli_text_clean(json_string_value(v), json_string_length(v), false, slot(), SLOT_MAX);
}

const char *cli_num(const json_t *j, const char *path, int decimals)
{
	const json_t *v = jpath_get(j, path);
	char *out;

	if (!json_is_number(v))
		return "?";
	out = slot();
	snprintf(out, SLOT_MAX, "%.*f", decimals, json_number_value(v));
	return out;
}

void cli_put_text(FILE *f, const char *s, size_t max)
{
	char buf[4096];
	size_t len = strlen(s);

	fputs(cli_text_clean(s, len < max ? len : max, true, buf, sizeof(buf)), f);
}

void cli_put_json(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n, len = strlen(s);
	int32_t cp;

	for (i = 0; i < len; i += n) {
		cp = utf8_next(p + i, len - i, &n);
		if (cp == '\r')
			continue; /* whitespace between values, in valid JSON */
		if (cp < 0 || (cp != '\n' && cp != '\t' && is_control(cp, true)))
			fprintf(f, "\\u%04x", cp < 0 ? 0xfffd : (unsigned)cp);
		else
			fwrite(p + i, 1, n, f);
	}
}
