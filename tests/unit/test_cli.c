// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipeline's side of the control socket, against a canned daemon: the
 * stats and nat tables print as they always did (the expected text is what
 * the CLI printed before it read JSON with jansson); the rates between two
 * /status samples; monitor's status colour against target_pps; and a reply
 * that is not the JSON it should be (cut short, a string ending in a
 * backslash, a short \u escape, bytes that are not UTF-8) is an error, never
 * read past. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_monitor.h"
#include "cli/cli_status.h"
#include "cli/jpath.h"
#include "fakehttp.h"
#include "tap.h"

static char dir[] = "/tmp/vxp-cli.XXXXXX";

static const char stats_json[] =
	"{\"reasons\": {\"forwarded\": {\"result\": \"redirect\", \"packets\": 5, \"bytes\": 700}, "
	"\"nat_unmatched\": {\"result\": \"drop\", \"packets\": 18446744073709551615, "
	"\"bytes\": 100}, \"a_name\": {\"result\": \"pass\", \"packets\": 0, \"bytes\": 0}}, "
	"\"events\": {\"nat_hit\": 5, \"df_cleared\": 7}}\n";
static const char stats_text[] =
	"RESULT    REASON                            PACKETS                BYTES\n"
	"redirect  forwarded                               5                  700\n"
	"drop      nat_unmatched            18446744073709551616                  100\n"
	"pass      a_name                                  0                    0\n"
	"\n"
	"EVENT                                         COUNT\n"
	"nat_hit                                           5\n"
	"df_cleared                                        7\n";
static const char nat_json[] =
	"{\"table\": 0, \"entries\": [\n"
	"  {\"family\": \"ipv4\", \"proto\": \"udp\", \"match\": \"dst_port\", \"port\": 53, "
	"\"marker\": true},\n"
	"  {\"family\": \"ipv4\", \"proto\": \"udp\", \"match\": \"dst_port\", \"port\": 53, "
	"\"dst\": null, \"to\": \"10.0.0.1:5353\", \"source\": "
	"\"/etc/vxlan-pipeline/nat.conf:3\"},\n"
	"  {\"family\": \"ipv6\", \"proto\": \"tcp\", \"match\": \"src_port\", \"port\": 8080, "
	"\"dst\": \"fd00::1\", \"to\": \"[fd00::2]:80\", \"source\": \"t\\u00e9st.conf:1\"}\n"
	"]}\n";
static const char nat_text[] =
	"IP    PROTO MATCH       PORT  DST                  TO                           RULE\n"
	"ipv4  udp   dst_port      53  any                  10.0.0.1:5353                "
	"/etc/vxlan-pipeline/nat.conf:3\n"
	"ipv6  tcp   src_port    8080  fd00::1              [fd00::2]:80                 "
	"t\xc3\xa9st.conf:1\n";

/* the same with the per-rule counters a daemon since issue 15 sends */
static const char nat_rules_json[] =
	"{\"table\": 1, \"entries\": [\n"
	"  {\"family\": \"ipv4\", \"proto\": \"udp\", \"match\": \"dst_port\", \"port\": 53, "
	"\"dst\": null, \"to\": \"10.0.0.1:5353\", \"source\": \"nat.conf:3\"}\n"
	"], \"rules\": [\n"
	"  {\"source\": \"nat.conf:3\", \"to\": \"10.0.0.1:5353\", \"packets\": 123456789, "
	"\"bytes\": 1450}\n"
	"]}\n";
static const char nat_rules_text[] =
	"IP    PROTO MATCH       PORT  DST                  TO                                    "
	"PACKETS                BYTES  RULE\n"
	"ipv4  udp   dst_port      53  any                  10.0.0.1:5353                       "
	"123456789                 1450  nat.conf:3\n";

static void serve(struct fake_http *f, const char *status, const char *body)
{
	char reply[4096];
	int n = snprintf(reply, sizeof(reply),
			 "HTTP/1.0 %s\r\nContent-Type: application/json\r\n\r\n%s", status, body);
	int err = fake_http_start(f, dir, 0, reply, (size_t)n, 0, 0);

	if (err)
		tap_bail("the fake daemon: %s", strerror(-err));
}

/* What cmd printed on stdout, and its exit status. */
static char *capture(int (*cmd)(const struct cli *c), const struct cli *c, int *ret_exit)
{
	static char out[4096];
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	size_t n;

	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	*ret_exit = cmd(c);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

/* What status prints of two samples of body. */
static char *show_status(const char *body, int *ret_exit)
{
	static char out[4096];
	json_t *j = json_loads(body, JSON_DECODE_INT_AS_REAL, NULL);
	struct cli c = { 0 };
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	size_t n;

	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	*ret_exit = cli_status_show(&c, j, j);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	json_decref(j);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

/* What cmd printed on stdout for the canned body, and its exit status. */
static char *run(int (*cmd)(const struct cli *c), const char *body, int *ret_exit)
{
	struct fake_http f = { 0 };
	struct cli c = { 0 };
	char *out;

	serve(&f, "200 OK", body);
	c.socket = f.where;
	out = capture(cmd, &c, ret_exit);
	fake_http_stop(&f);
	return out;
}

/* /nat with more rules than the CLI has rotating text buffers (8), the
 * counts listed in the reverse order of the entries: each row must still
 * show its own rule's. */
#define MANY_RULES 12
static char many_body[4096];

static int nat_show_many(const struct cli *c)
{
	return cli_nat_show(c, many_body);
}

static void many_rules(void)
{
	size_t len = 0;
	char *out, *line;
	int ret, k, good = 0;

	len += (size_t)snprintf(many_body, sizeof(many_body), "{\"table\": 0, \"entries\": [");
	for (k = 1; k <= MANY_RULES; k++)
		len += (size_t)snprintf(many_body + len, sizeof(many_body) - len,
					"%s{\"family\": \"ipv4\", \"proto\": \"udp\", \"match\": "
					"\"dst_port\", \"port\": %d, \"dst\": null, \"to\": "
					"\"10.0.0.1:53\", \"source\": \"nat.conf:%d\"}",
					k > 1 ? ", " : "", 100 + k, k);
	len += (size_t)snprintf(many_body + len, sizeof(many_body) - len, "], \"rules\": [");
	for (k = MANY_RULES; k >= 1; k--)
		len += (size_t)snprintf(many_body + len, sizeof(many_body) - len,
					"%s{\"source\": \"nat.conf:%d\", \"to\": \"10.0.0.1:53\", "
					"\"packets\": %d, \"bytes\": %d}",
					k < MANY_RULES ? ", " : "", k, 1000 + k, 2000 + k);
	snprintf(many_body + len, sizeof(many_body) - len, "]}\n");
	if (len >= sizeof(many_body) - 4)
		tap_bail("the /nat body does not fit");
	out = capture(nat_show_many, &(struct cli){ 0 }, &ret);
	line = strchr(out, '\n');
	for (k = 1; line && k <= MANY_RULES; k++) {
		char want[64];
		char *end = strchr(line + 1, '\n');

		snprintf(want, sizeof(want), " %d %20d  nat.conf:%d\n", 1000 + k, 2000 + k, k);
		good += end && (size_t)(end + 1 - line) > strlen(want) &&
			!strncmp(end + 1 - strlen(want), want, strlen(want));
		line = end;
	}
	if (!tap_ok(ret == CLI_OK && good == MANY_RULES,
		    "nat: %d rules, counts in another order: each row its own rule's (%d of %d)",
		    MANY_RULES, good, MANY_RULES))
		tap_diag("got:\n%s", out);
}

static void tables(void)
{
	int ret;
	char *out = run(cli_stats, stats_json, &ret);

	if (!tap_ok(ret == CLI_OK && !strcmp(out, stats_text),
		    "stats: the table as before, reasons in the daemon's order, 2^64 - 1 as a "
		    "number"))
		tap_diag("got:\n%s", out);
	out = run(cli_nat, nat_json, &ret);
	if (!tap_ok(ret == CLI_OK && !strcmp(out, nat_text),
		    "nat: the rules as before, markers left out, null as 'any', \\u00e9 as UTF-8"))
		tap_diag("got:\n%s", out);
	out = run(cli_nat, nat_rules_json, &ret);
	if (!tap_ok(ret == CLI_OK && !strcmp(out, nat_rules_text),
		    "nat: each entry with its rule's packets and bytes"))
		tap_diag("got:\n%s", out);
	many_rules();
}

static json_t *fetch(const char *status, const char *body, int *ret_exit)
{
	struct fake_http f = { 0 };
	struct cli c = { 0 };
	json_t *j;

	serve(&f, status, body);
	c.socket = f.where;
	*ret_exit = CLI_OK;
	j = cli_fetch(&c, "/status", ret_exit);
	fake_http_stop(&f);
	return j;
}

static void hostile(void)
{
	static const struct {
		const char *body, *what;
	} bad[] = {
		{ "{\"a\": \"abc\\", "a string that ends in a backslash, at the end of the reply" },
		{ "{\"a\": \"\\u12", "a \\u escape two digits short, at the end of the reply" },
		{ "{\"a\": \"\\u12\"}", "a \\u escape two digits short" },
		{ "{\"a\": [1, 2", "an array cut short" },
		{ "{\"a\": 1} {\"b\": 2}", "text after the value" },
		{ "{\"a\": \"\xe9t\xe9\"}", "bytes that are not UTF-8" },
		{ "", "nothing" },
	};
	size_t i;
	int ret;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = fetch("200 OK", bad[i].body, &ret);

		tap_ok(!j && ret == CLI_FAILED, "%s: an error, exit status 1", bad[i].what);
		json_decref(j);
	}
}

/* Whether out holds anything a terminal takes for a command: a C0 control
 * but newline, DEL, a C1 control (as UTF-8 or a raw byte), a bidirectional
 * override, or "(null)" for a value of an unexpected type. */
static bool terminal_safe(const char *out)
{
	const unsigned char *p = (const unsigned char *)out;
	unsigned cp, n, i;

	while (*p) {
		if (*p < 0x80)
			cp = *p, n = 1;
		else if ((*p & 0xe0) == 0xc0)
			cp = *p & 0x1f, n = 2;
		else if ((*p & 0xf0) == 0xe0)
			cp = *p & 0x0f, n = 3;
		else if ((*p & 0xf8) == 0xf0)
			cp = *p & 0x07, n = 4;
		else
			return false; /* a raw C1 byte among them */
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp <= 0x9f) ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			return false;
		p += n;
	}
	return !strstr(out, "(null)");
}

/* What cmd printed with --json for the canned body. */
static char *run_json(int (*cmd)(const struct cli *c, const char *body), const char *body,
		      int *ret_exit)
{
	static char out[4096];
	struct cli c = { .json = true };
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	size_t n;

	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	*ret_exit = cmd(&c, body);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

/* What the CLI says on stderr of an error page with body. */
static char *error_page(const char *body)
{
	static char out[4096];
	struct cli c = { .socket = "/x" };
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO), ret;
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	cli_answer(&c, "/stats", 500, strdup(body), &ret);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

/* The daemon's JSON with --json, and its error pages: as they came, but for
 * what would drive a terminal. */
static void raw_escapes(void)
{
	int ret;
	char *out;

	out = run_json(cli_stats_show,
		       "{\"a\": \"x\x7f\xc2\x9b"
		       "2J\",\r\n\"b\": 1}",
		       &ret);
	tap_ok(ret == CLI_OK && !strcmp(out, "{\"a\": \"x\\u007f\\u009b2J\",\n\"b\": 1}"),
	       "--json: DEL and C1 in strings as \\u escapes (the same JSON)");
	out = run_json(cli_nat_show, "{\"a\": \"\x1b[2J\"}", &ret);
	tap_ok(ret == CLI_FAILED && !*out,
	       "--json: a raw ESC (no JSON) is an error, nothing printed");
	out = error_page("<h1>\x1b]0;pwned\x07</h1>\x9b");
	tap_ok(terminal_safe(out) &&
		       !strcmp(out,
			       "vxlan-pipelined answered 500 to /stats: <h1>?]0;pwned?</h1>?\n"),
	       "an error page: its text, its escapes as '?'");
}

/* A daemon that sends terminal commands in its strings and keys, and values
 * of unexpected types: nothing of it reaches the terminal as a command. */
static void escapes(void)
{
	static const char stats_evil[] =
		"{\"reasons\": {\"x\\u001b[31mred\": {\"result\": \"\\u001b]0;title\\u0007\", "
		"\"packets\": \"many\", \"bytes\": null}, \"csi\\u009b2J\": 5}, "
		"\"events\": {\"nat_hit\": \"x\", \"e\\u202egnp.exe\": [1]}}";
	static const char nat_evil[] =
		"{\"entries\": [1, \"a\", null, {\"family\": 4, \"proto\": null, \"match\": [], "
		"\"port\": \"p\", \"dst\": \"\\u001b[2J\", \"to\": {}, \"source\": "
		"\"f\\u007f\\r\"}]}";
	static const char status_evil[] =
		"{\"pid\": \"x\", \"version\": \"1\\u001b[8m\", \"health\": {\"ok\": false, "
		"\"reason\": \"\\u001b]52;c;cm0gLXJmIH4=\\u0007\"}, \"ingress\": {\"name\": [1]}, "
		"\"vni\": [\"a\", {}], \"reloads\": 1, \"last_reload\": {\"ok\": 1, \"message\": "
		"\"\\u009b31m\"}}";
	static const char stats_evil_text[] =
		"RESULT    REASON                            PACKETS                BYTES\n"
		"?]0;title? x?[31mred                               ?                    ?\n"
		"?         csi?2J                                  ?                    ?\n"
		"\n"
		"EVENT                                         COUNT\n"
		"nat_hit                                           ?\n"
		"e?gnp.exe                                         ?\n";
	int ret;
	char *out;

	out = run(cli_stats, stats_evil, &ret);
	if (!tap_ok(terminal_safe(out) && !strcmp(out, stats_evil_text),
		    "stats: escape sequences in keys and values are not printed; '?' for a "
		    "value of another type"))
		tap_diag("got:\n%s", out);
	out = run(cli_nat, nat_evil, &ret);
	if (!tap_ok(terminal_safe(out) &&
			    strstr(out,
				   "?  ?[2J                 ?                            f??\n"),
		    "nat: nor in a rule's fields"))
		tap_diag("got:\n%s", out);
	out = show_status(status_evil, &ret);
	if (!tap_ok(terminal_safe(out) && strstr(out, "health   UNHEALTHY: ?]52;c;cm0gLXJmIH4=?\n"),
		    "status: nor in the health reason, version or reload message"))
		tap_diag("got:\n%s", out);
}

static void answers(void)
{
	json_t *j = fetch("503 Service Unavailable", "{}", &(int){ 0 });
	struct cli c = { .socket = "/nonexistent/vxp/control.sock" };
	int ret = CLI_OK;

	tap_ok(!j, "a 503: no JSON taken from it");
	json_decref(j);
	j = cli_fetch(&c, "/status", &ret);
	tap_ok(!j && ret == CLI_NOT_RUNNING, "no daemon: exit status 3, 'not running' (%d)", ret);
	j = fetch("200 OK", "{\"health\": {\"ok\": true, \"reason\": \"fine\"}, \"n\": 42}", &ret);
	tap_ok(j && jpath_bool(j, "health.ok", false) &&
		       !strcmp(jpath_str(j, "health.reason", "?"), "fine") &&
		       jpath_num(j, "n", 0) == 42 && jpath_num(j, "health.ok", -1) == -1 &&
		       !strcmp(jpath_str(j, "health.none", "dflt"), "dflt") &&
		       jpath_get(j, "") == j && !jpath_get(j, "n.x"),
	       "values by dotted path; the default for one absent or of another type");
	json_decref(j);
}

static json_t *sample(double time, double redirect, double drop, double pass, double nat_hit)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"time\": %.3f, \"ingress_rx_packets\": %.0f, \"counters\": {\"reasons\": {"
		 "\"forwarded\": {\"result\": \"redirect\", \"packets\": %.0f}, "
		 "\"no_route\": {\"result\": \"drop\", \"packets\": %.0f}, "
		 "\"vxlan_filtered\": {\"result\": \"pass\", \"packets\": %.0f}}, "
		 "\"events\": {\"nat_hit\": %.0f}}}",
		 time, 2 * (redirect + drop + pass), redirect, drop, pass, nat_hit);
	return json_loads(text, JSON_DECODE_INT_AS_REAL, NULL);
}

static void rates(void)
{
	/* 2 s apart: 2000 forwarded, 200 dropped, 400 passed, 1100 NAT hits */
	json_t *a = sample(100, 1000, 100, 50, 900), *b = sample(102, 3000, 300, 450, 2000);
	struct cli_rates r = cli_rates(a, b);

	tap_ok(fabs(r.forwarded - 1000) < 1e-9 && fabs(r.dropped - 100) < 1e-9 &&
		       fabs(r.kernel) < 1e-9 && fabs(r.decap - 1100) < 1e-9 &&
		       fabs(r.vxlan - 1300) < 1e-9 && fabs(r.rx - 2600) < 1e-9 &&
		       fabs(r.nat_hit_pct - 50) < 1e-9,
	       "rates between two samples: 1000 forwarded, 100 dropped, 1300 VXLAN, 2600 rx, "
	       "50%% NAT hits per second");
	r = cli_rates(b, b);
	tap_ok(r.rx == -1 && r.forwarded == 0, "no time between them: no rates");
	json_decref(a);
	json_decref(b);
}

/* A /status reply at time t with rx frames on the ingress, for target_pps
 * 1000. */
static char *status_reply(double t, double rx)
{
	char *r = NULL;

	if (asprintf(&r,
		     "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n"
		     "{\"time\": %.3f, \"target_pps\": 1000, \"ingress_rx_packets\": %.0f, "
		     "\"counters\": {\"reasons\": {\"forwarded\": {\"result\": \"redirect\", "
		     "\"packets\": %.0f}}, \"events\": {\"nat_hit\": %.0f}}}",
		     t, rx, rx, rx) < 0)
		tap_bail("asprintf: %s", strerror(errno));
	return r;
}

/* monitor against a daemon whose counters say exactly how fast the traffic
 * came each second: 85% of target_pps, 69%, 100%, 70%. */
static char *monitor_rows(bool color, int *ret_exit)
{
	static const double rx[] = { 0, 850, 1540, 2540, 3240 };
	char *replies[5];
	struct fake_http f = { 0 };
	struct cli c = { .color = color, .interval = 0.01, .count = 4 };
	char *out;
	int i, err;

	for (i = 0; i < 5; i++)
		replies[i] = status_reply(100 + i, rx[i]);
	err = fake_http_start_seq(&f, dir, (const char *const *)replies, 5);
	if (err)
		tap_bail("the fake daemon: %s", strerror(-err));
	c.socket = f.where;
	out = capture(cli_monitor, &c, ret_exit);
	fake_http_stop(&f);
	for (i = 0; i < 5; i++)
		free(replies[i]);
	return out;
}

/* The status column: green from 100% of target_pps, yellow from 70%, red
 * below, as an escape sequence on a terminal, as a word otherwise. */
static void monitor(void)
{
	static const char *const colored[] = { "\033[33m\xe2\x97\x8f  85%\033[0m\n",
					       "\033[31m\xe2\x97\x8f  69%\033[0m\n",
					       "\033[32m\xe2\x97\x8f 100%\033[0m\n",
					       "\033[33m\xe2\x97\x8f  70%\033[0m\n" };
	static const char *const words[] = { " yellow  85%\n", " red  69%\n", " green 100%\n",
					     " yellow  70%\n" };
	char *out, *line;
	int ret, i, good = 0;

	out = monitor_rows(true, &ret);
	line = strstr(out, "--------\n");
	for (i = 0; line && i < 4; i++) {
		char *esc;

		line = strchr(line, '\n') + 1;
		esc = strchr(line, '\033');
		good += esc && !strncmp(esc, colored[i], strlen(colored[i]));
	}
	if (!tap_ok(ret == CLI_OK && good == 4,
		    "monitor, coloured: 85%% yellow, 69%% red, 100%% green, 70%% yellow"))
		tap_diag("got:\n%s", out);
	out = monitor_rows(false, &ret);
	line = strstr(out, "--------\n");
	for (i = 0, good = 0; line && i < 4; i++) {
		line = strchr(line, '\n') + 1;
		char *word = strstr(line, words[i]);

		good += word && word < strchr(line, '\n') && !strchr(line, '\033');
	}
	if (!tap_ok(ret == CLI_OK && good == 4,
		    "monitor, not on a terminal: the same as words, no escape sequence"))
		tap_diag("got:\n%s", out);
}

int main(void)
{
	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %s", strerror(errno));
	if (!freopen("/dev/null", "w", stderr)) /* what the CLI says of each error */
		tap_bail("/dev/null: %s", strerror(errno));
	tables();
	hostile();
	escapes();
	raw_escapes();
	answers();
	rates();
	monitor();
	rmdir(dir);
	return tap_done();
}
