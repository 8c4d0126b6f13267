// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipeline status, stats and nat: what the daemon is doing, every
 * counter, and the NAT rules as the data plane holds them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_status.h"
#include "jpath.h"

static void uptime(double secs, char *buf, size_t size)
{
	long s = (long)secs;

	if (s >= 86400)
		snprintf(buf, size, "%ld d %ld h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%ld h %02ld min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, size, "%ld min %02ld s", s / 60, s % 60);
}

static void clock_of(double t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

static void print_status(const struct cli *c, const json_t *s, const struct cli_rates *r)
{
	bool ok = jpath_bool(s, "health.ok", false),
	     reload_ok = jpath_bool(s, "last_reload.ok", true);
	char up[32], when[16];
	json_t *v = jpath_get(s, "vni");
	json_t *x;
	size_t i;

	uptime(jpath_num(s, "time", 0) - jpath_num(s, "started", 0), up, sizeof(up));
	printf("%s●%s vxlan-pipelined is running (pid %.0f, version %s), up %s\n",
	       cli_color(c, ok ? "\033[32m" : "\033[31m"), cli_color(c, "\033[0m"),
	       jpath_num(s, "pid", 0), jpath_str(s, "version", "?"), up);
	printf("  health   %s%s%s: %s\n", cli_color(c, ok ? "\033[32m" : "\033[1;31m"),
	       ok ? "healthy" : "UNHEALTHY", cli_color(c, "\033[0m"),
	       jpath_str(s, "health.reason", ""));
	printf("  ingress  %-15s %s XDP, driver %s\n", jpath_str(s, "ingress.name", "?"),
	       jpath_str(s, "ingress.mode", "?"), jpath_str(s, "ingress.driver", "?"));
	printf("  egress   %-15s %s, driver %s\n", jpath_str(s, "egress.name", "?"),
	       jpath_bool(s, "egress.attached", false) ? "pass-through XDP" : "no XDP program",
	       jpath_str(s, "egress.driver", "?"));
	printf("  traffic  %.0f pps forwarded, %.0f to the kernel, %.0f dropped; %.0f pps VXLAN",
	       r->forwarded, r->kernel, r->dropped, r->vxlan);
	if (r->rx >= 0)
		printf(" of %.0f pps on the interface", r->rx);
	printf("; NAT hits %.1f%%\n", r->nat_hit_pct);
	if (!jpath_bool(s, "redirect_failures_counted", false))
		printf("  redirect failures not counted (no kernel BTF or CAP_PERFMON at start)\n");
	else
		printf("  redirect %s%.0f pps refused by the egress driver%s\n",
		       cli_color(c, r->redirect_failed > 0 ? "\033[1;31m" : ""), r->redirect_failed,
		       cli_color(c, "\033[0m"));
	printf("  NAT      %.0f rules; VNIs ", jpath_num(s, "nat_rules", 0));
	if (json_is_array(v))
		json_array_foreach (v, i, x)
			printf("%s%.0f", i ? ", " : "", json_number_value(x));
	else
		printf("any");
	printf("; DF cleared above %.0f bytes; unmatched packets: %s\n",
	       jpath_num(s, "df_threshold", 0), jpath_str(s, "unmatched", "?"));
	if (!jpath_num(s, "reloads", 0)) {
		printf("  reload   none since start\n");
		return;
	}
	clock_of(jpath_num(s, "last_reload.time", 0), when, sizeof(when));
	printf("  reload   %s%s%s at %s (%.0f reloads, %.0f failed): %s\n",
	       cli_color(c, reload_ok ? "" : "\033[1;31m"), reload_ok ? "ok" : "FAILED",
	       cli_color(c, "\033[0m"), when, jpath_num(s, "reloads", 0),
	       jpath_num(s, "reload_failures", 0), jpath_str(s, "last_reload.message", ""));
}

int cli_status(const struct cli *c)
{
	json_t *a, *b;
	struct cli_rates r;
	int ret = CLI_OK;

	a = cli_fetch(c, "/status", &ret);
	if (!a)
		return ret;
	usleep(1000000); /* the rate over one second */
	b = cli_fetch(c, "/status", &ret);
	if (b) {
		r = cli_rates(a, b);
		print_status(c, b, &r);
		ret = jpath_bool(b, "health.ok", false) ? CLI_OK : CLI_FAILED;
	}
	json_decref(a);
	json_decref(b);
	return ret;
}

static int print_raw(const struct cli *c, const char *path)
{
	int ret = CLI_OK;
	char *body = cli_get(c, path, &ret);

	if (body)
		fputs(body, stdout);
	free(body);
	return ret;
}

int cli_stats(const struct cli *c)
{
	const char *key;
	json_t *s, *x;
	int ret = CLI_OK;

	if (c->json)
		return print_raw(c, "/stats");
	s = cli_fetch(c, "/stats", &ret);
	if (!s)
		return ret;
	printf("%-9s %-24s %16s %20s\n", "RESULT", "REASON", "PACKETS", "BYTES");
	json_object_foreach (jpath_get(s, "reasons"), key, x)
		printf("%-9s %-24s %16.0f %20.0f\n", jpath_str(x, "result", "?"), key,
		       jpath_num(x, "packets", 0), jpath_num(x, "bytes", 0));
	printf("\n%-34s %16s\n", "EVENT", "COUNT");
	json_object_foreach (jpath_get(s, "events"), key, x)
		printf("%-34s %16.0f\n", key, json_number_value(x));
	json_decref(s);
	return ret;
}

int cli_nat(const struct cli *c)
{
	json_t *n, *e;
	size_t i;
	int ret = CLI_OK;

	if (c->json)
		return print_raw(c, "/nat");
	n = cli_fetch(c, "/nat", &ret);
	if (!n)
		return ret;
	printf("%-5s %-5s %-9s %6s  %-20s %-28s %s\n", "IP", "PROTO", "MATCH", "PORT", "DST", "TO",
	       "RULE");
	json_array_foreach (jpath_get(n, "entries"), i, e) {
		if (jpath_bool(e, "marker", false))
			continue; /* the data plane's bookkeeping, not a rule */
		printf("%-5s %-5s %-9s %6.0f  %-20s %-28s %s\n", jpath_str(e, "family", "?"),
		       jpath_str(e, "proto", "?"), jpath_str(e, "match", "?"),
		       jpath_num(e, "port", 0), jpath_str(e, "dst", "any"), jpath_str(e, "to", "?"),
		       jpath_str(e, "source", ""));
	}
	json_decref(n);
	return ret;
}
