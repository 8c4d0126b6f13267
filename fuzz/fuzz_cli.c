// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness for the CLI's side of the control socket: what each
 * command prints of what the daemon answers. The first byte picks the
 * command (status, stats, nat, each with --json where it has one, a monitor
 * row, a feature record in each format), the second the HTTP status ('O' is
 * 200, anything else a status from -640 to 635), the rest is the body (two
 * /status samples joined by FUZZ_CLI_SEP, or a feature record's bytes).
 * Whatever the daemon sends, the CLI's output (stdout and stderr) holds
 * nothing a terminal takes for a command (no C0 control but newline and
 * tab, no DEL, no C1, no bidirectional override, only UTF-8) and no
 * "(null)" the daemon did not send; its exit status is 0, 1 or 3; what
 * --json prints parses. ASan and UBSan make any
 * out-of-bounds access, leak or undefined behaviour a crash. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli/cli.h"
#include "cli/cli_features.h"
#include "cli/cli_monitor.h"
#include "cli/cli_status.h"

#define FUZZ_CLI_SEP "\n#--8<--\n"

enum { STATUS, STATS, STATS_JSON, NAT, NAT_JSON, MONITOR, FEATURES, COMMANDS };

static const uint8_t *cur_data;
static size_t cur_size;

__attribute__((format(printf, 2, 3), noreturn)) static void broken(const char *out, const char *fmt,
								   ...)
{
	va_list ap;

	fprintf(stderr, "\n=== CLI invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\noutput:\n%s\ninput (%zu bytes):\n%.*s\n", out ? out : "", cur_size,
		(int)cur_size, (const char *)cur_data);
	abort();
}

/* Where out first holds what a terminal takes for a command, or -1. Its own
 * UTF-8 reading, not the CLI's. */
static long unsafe_at(const char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)out;
	size_t i = 0, n, k;
	unsigned cp;

	while (i < len) {
		if (p[i] < 0x80)
			cp = p[i], n = 1;
		else if (p[i] >= 0xc2 && p[i] <= 0xdf)
			cp = p[i] & 0x1f, n = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			cp = p[i] & 0x0f, n = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			cp = p[i] & 0x07, n = 4;
		else
			return (long)i;
		if (i + n > len)
			return (long)i;
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (long)i;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f) ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			return (long)i;
		i += n;
	}
	return -1;
}

static int show_status(const struct cli *c, const char *body, bool monitor)
{
	const char *sep = strstr(body, FUZZ_CLI_SEP);
	char *first = strndup(body, sep ? (size_t)(sep - body) : strlen(body));
	const char *second = sep ? sep + strlen(FUZZ_CLI_SEP) : body;
	int ret = CLI_OK;
	json_t *a = cli_parse("/status", first, &ret),
	       *b = a ? cli_parse("/status", second, &ret) : NULL;

	if (a && b && monitor)
		cli_monitor_show(c, a, b, 0);
	else if (a && b)
		ret = cli_status_show(c, a, b);
	json_decref(a);
	json_decref(b);
	free(first);
	return ret;
}

static int show_features(struct cli *c, const char *body, size_t len)
{
	struct feature_msg m = { 0 };

	memcpy(&m, body, len < sizeof(m) ? len : sizeof(m));
	for (c->format = CLI_FORMAT_TEXT; c->format <= CLI_FORMAT_JSON; c->format++)
		cli_features_show(c, &m);
	return CLI_OK;
}

/* The command's exit status; what it printed goes to stdout and stderr. */
static int command(int cmd, int status, char *body, size_t len)
{
	static const char *const paths[] = { "/status", "/stats",  "/stats",   "/nat",
					     "/nat",	"/status", "/features" };
	struct cli c = { .socket = "/run/vxlan-pipeline/control.sock" };
	int ret = CLI_OK;

	c.json = cmd == STATS_JSON || cmd == NAT_JSON;
	if (cmd == FEATURES) {
		ret = show_features(&c, body, len);
		free(body);
		return ret;
	}
	body = cli_answer(&c, paths[cmd], status, body, &ret);
	if (!body)
		return ret;
	if (cmd == STATUS || cmd == MONITOR)
		ret = show_status(&c, body, cmd == MONITOR);
	else if (cmd == STATS || cmd == STATS_JSON)
		ret = cli_stats_show(&c, body);
	else
		ret = cli_nat_show(&c, body);
	free(body);
	return ret;
}

static void check(int cmd, int ret, const char *out, size_t len)
{
	long at = unsafe_at(out, len);
	json_t *j;

	if (ret != CLI_OK && ret != CLI_FAILED && ret != CLI_NOT_RUNNING)
		broken(out, "exit status %d", ret);
	if (at >= 0)
		broken(out, "a byte a terminal takes for a command, at %ld: 0x%02x", at,
		       (unsigned char)out[at]);
	if (memmem(out, len, "(null)", 6) && !memmem(cur_data, cur_size, "(null)", 6))
		broken(out, "(null) printed, and the daemon did not send it");
	if ((cmd == STATS_JSON || cmd == NAT_JSON) && ret == CLI_OK) {
		j = json_loadb(out, len, JSON_DECODE_INT_AS_REAL, NULL);
		if (!j)
			broken(out, "--json printed what does not parse");
		json_decref(j);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *saved_out = stdout, *saved_err = stderr, *mem;
	int cmd, status, ret;
	char *out = NULL, *body;
	size_t len = 0;

	if (size < 2)
		return 0;
	cur_data = data;
	cur_size = size;
	cmd = data[0] % COMMANDS;
	status = data[1] == 'O' ? 200 : (int)(signed char)data[1] * 5;
	body = malloc(size - 2 + 1);
	mem = open_memstream(&out, &len);
	if (!body || !mem)
		abort();
	memcpy(body, data + 2, size - 2);
	body[size - 2] = '\0';
	stdout = stderr = mem;
	ret = command(cmd, status, body, size - 2);
	fflush(mem);
	stdout = saved_out;
	stderr = saved_err;
	fclose(mem);
	check(cmd, ret, out, len);
	free(out);
	return 0;
}
