// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's JSON strings, read back by an independent strict parser
 * (jansson, as the CLI reads them): quotes, backslashes and control
 * characters escaped, UTF-8 kept, and every byte that begins no UTF-8
 * sequence replaced by U+FFFD, so a name or path of any bytes never makes
 * the daemon's JSON unreadable. */
#include "config.h"

#include <string.h>
#include <jansson.h>

#include "daemon/buf.h"
#include "tap.h"

#define FFFD "\xef\xbf\xbd"

static void check(const char *in, const char *want, const char *what)
{
	struct buf b = { 0 };
	json_error_t err;
	json_t *j;

	buf_json_string(&b, in);
	j = b.p ? json_loadb(b.p, b.len, JSON_DECODE_ANY, &err) : NULL;
	if (!tap_ok(j && json_is_string(j) && !strcmp(json_string_value(j), want), "%s", what))
		tap_diag("wrote %.*s: %s", (int)b.len, b.p ? b.p : "", j ? "other text" : err.text);
	json_decref(j);
	buf_free(&b);
}

int main(void)
{
	struct buf b = { 0 };

	check("ens5", "ens5", "plain ASCII as it is");
	check("a\"b\\c", "a\"b\\c", "quote and backslash escaped");
	check("tab\there\nnl\x01\x1f", "tab\there\nnl\x01\x1f", "control characters escaped");
	check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \x7f",
	      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \x7f",
	      "UTF-8 of 2, 3 and 4 bytes, and DEL, kept");
	check("caf\xe9.conf", "caf" FFFD ".conf", "a Latin-1 byte: U+FFFD");
	check("\xe2\x82x", FFFD FFFD "x", "a sequence cut short: U+FFFD per byte");
	check("\xe2\x82", FFFD FFFD, "... also at the end of the string");
	check("\x80\xbf", FFFD FFFD, "stray continuation bytes");
	check("\xc0\xaf \xe0\x80\xaf", FFFD FFFD " " FFFD FFFD FFFD, "overlong forms");
	check("\xed\xa0\x80", FFFD FFFD FFFD, "a UTF-16 surrogate");
	check("\xf4\x90\x80\x80 \xf8\x88\x80\x80\x80",
	      FFFD FFFD FFFD FFFD " " FFFD FFFD FFFD FFFD FFFD, "past U+10FFFF, and a 5-byte form");
	check("", "", "the empty string");
	buf_json_string(&b, "x\xe9");
	tap_ok(b.len == 9 && !memcmp(b.p, "\"x\\ufffd\"", 9),
	       "written as the six characters \\ufffd");
	buf_free(&b);
	return tap_done();
}
