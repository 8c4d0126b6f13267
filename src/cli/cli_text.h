/* SPDX-License-Identifier: GPL-2.0-only */
/* What the CLI prints that came from the daemon, made safe for a terminal:
 * control characters (C0 but newline where text has lines, DEL, C1), the
 * bidirectional overrides and bytes that are not UTF-8 become '?', so that a
 * daemon's bytes cannot drive the operator's terminal; a value that is absent
 * or of another type than expected is printed as a placeholder. */
#ifndef VXP_CLI_TEXT_H
#define VXP_CLI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

/* The first len bytes of s made safe into out (NUL-terminated, cut to fit);
 * newlines kept when lines is true. Returns out. */
char *cli_text_clean(const char *s, size_t len, bool lines, char *out, size_t size);
/* The string at path in j, made safe, or def; in one of a few buffers that
 * take turns (enough for the strings of one printf). */
const char *cli_str(const json_t *j, const char *path, const char *def);
/* The number at path in j with decimals, or "?"; in the same buffers. */
const char *cli_num(const json_t *j, const char *path, int decimals);
/* A key of the daemon's JSON, made safe; in the same buffers. */
const char *cli_key(const char *key);
/* Text of the daemon's (an error page), lines kept, at most max bytes. */
void cli_put_text(FILE *f, const char *s, size_t max);
/* JSON text of the daemon's, already parsed: as it came but for DEL, C1 and
 * the bidirectional overrides inside strings, written as \u escapes (the
 * same JSON), and carriage returns between values, left out. */
void cli_put_json(FILE *f, const char *s);

#endif /* VXP_CLI_TEXT_H */
