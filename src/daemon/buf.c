// SPDX-License-Identifier: GPL-2.0-only
/* A growable text buffer for rendered pages: printf onto the end, and one
 * sticky error so callers check once. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

static bool buf_reserve(struct buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->len + more + 1 <= b->cap)
		return true;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The length of the UTF-8 sequence at s (1 to 4), or 0 when none starts
 * there: a stray or missing continuation byte, an overlong form, a surrogate
 * or a code point past U+10FFFF. A NUL ends any sequence. */
static size_t utf8_len(const unsigned char *s)
{
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n = s[0] < 0x80 ? 1 : s[0] < 0xc0 ? 0 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	uint32_t cp = s[0] & (0x7f >> n);
	size_t i;

	if (n == 1 || !n || s[0] >= 0xf8)
		return n == 1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Names and paths come from the system and may hold any bytes; a JSON text
 * must be UTF-8, so a byte that begins no sequence becomes U+FFFD. */
void buf_json_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, run;

	buf_printf(b, "\"");
	while (*p) {
		/* what needs no escape goes in one piece */
		for (run = 0; p[run] >= 0x20 && p[run] != '"' && p[run] != '\\'; run += n)
			if (!(n = utf8_len(p + run)))
				break;
		if (run)
			buf_printf(b, "%.*s", (int)run, (const char *)p);
		else if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_printf(b, "\\ufffd");
		p += run ? run : 1;
	}
	buf_printf(b, "\"");
}

void buf_free(struct buf *b)
{
	free(b->p);
	*b = (struct buf){ 0 };
}
