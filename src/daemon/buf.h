/* SPDX-License-Identifier: GPL-2.0-only */
/* A growable text buffer for rendered pages: printf onto the end, and one
 * sticky error so callers check once. */
#ifndef VXP_BUF_H
#define VXP_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *p;
	size_t len, cap;
	bool failed; /* out of memory at some point: p holds what fitted */
};

__attribute__((format(printf, 2, 3))) void buf_printf(struct buf *b, const char *fmt, ...);
/* A JSON string literal of s, quotes included; always UTF-8: each byte of s
 * that begins no UTF-8 sequence becomes U+FFFD. */
void buf_json_string(struct buf *b, const char *s);
void buf_free(struct buf *b);

#endif /* VXP_BUF_H */
