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

static void print_status(const struct cli *c, const struct json *s, const struct cli_rates *r)
{
	bool ok = json_bool(s, "health.ok", false),
	     reload_ok = json_bool(s, "last_reload.ok", true);
	char up[32], when[16];
	const struct json *v = json_get(s, "vni"), *x;

	uptime(json_num(s, "time", 0) - json_num(s, "started", 0), up, sizeof(up));
	printf("%s●%s vxlan-pipelined is running (pid %.0f, version %s), up %s\n",
	       cli_color(c, ok ? "\033[32m" : "\033[31m"), cli_color(c, "\033[0m"),
	       json_num(s, "pid", 0), json_str(s, "version", "?"), up);
	printf("  health   %s%s%s: %s\n", cli_color(c, ok ? "\033[32m" : "\033[1;31m"),
	       ok ? "healthy" : "UNHEALTHY", cli_color(c, "\033[0m"),
	       json_str(s, "health.reason", ""));
	printf("  ingress  %-15s %s XDP, driver %s\n", json_str(s, "ingress.name", "?"),
	       json_str(s, "ingress.mode", "?"), json_str(s, "ingress.driver", "?"));
	printf("  egress   %-15s %s, driver %s\n", json_str(s, "egress.name", "?"),
	       json_bool(s, "egress.attached", false) ? "pass-through XDP" : "no XDP program",
	       json_str(s, "egress.driver", "?"));
	printf("  traffic  %.0f pps forwarded, %.0f to the kernel, %.0f dropped; %.0f pps VXLAN",
	       r->forwarded, r->kernel, r->dropped, r->vxlan);
	if (r->rx >= 0)
		printf(" of %.0f pps on the interface", r->rx);
	printf("; NAT hits %.1f%%\n", r->nat_hit_pct);
	printf("  NAT      %.0f rules; VNIs ", json_num(s, "nat_rules", 0));
	if (v && v->type == JSON_ARRAY)
		for (x = v->child; x; x = x->next)
			printf("%s%.0f", x == v->child ? "" : ", ", x->n);
	else
		printf("any");
	printf("; DF cleared above %.0f bytes; unmatched packets: %s\n",
	       json_num(s, "df_threshold", 0), json_str(s, "unmatched", "?"));
	if (!json_num(s, "reloads", 0)) {
		printf("  reload   none since start\n");
		return;
	}
	clock_of(json_num(s, "last_reload.time", 0), when, sizeof(when));
	printf("  reload   %s%s%s at %s (%.0f reloads, %.0f failed): %s\n",
	       cli_color(c, reload_ok ? "" : "\033[1;31m"), reload_ok ? "ok" : "FAILED",
	       cli_color(c, "\033[0m"), when, json_num(s, "reloads", 0),
	       json_num(s, "reload_failures", 0), json_str(s, "last_reload.message", ""));
}

int cli_status(const struct cli *c)
{
	struct json *a, *b;
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
		ret = json_bool(b, "health.ok", false) ? CLI_OK : CLI_FAILED;
	}
	json_free(a);
	json_free(b);
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
	const struct json *x;
	struct json *s;
	int ret = CLI_OK;

	if (c->json)
		return print_raw(c, "/stats");
	s = cli_fetch(c, "/stats", &ret);
	if (!s)
		return ret;
	printf("%-9s %-24s %16s %20s\n", "RESULT", "REASON", "PACKETS", "BYTES");
	for (x = json_get(s, "reasons") ? json_get(s, "reasons")->child : NULL; x; x = x->next)
		printf("%-9s %-24s %16.0f %20.0f\n", json_str(x, "result", "?"), x->key,
		       json_num(x, "packets", 0), json_num(x, "bytes", 0));
	printf("\n%-34s %16s\n", "EVENT", "COUNT");
	for (x = json_get(s, "events") ? json_get(s, "events")->child : NULL; x; x = x->next)
		printf("%-34s %16.0f\n", x->key, x->n);
	json_free(s);
	return ret;
}

int cli_nat(const struct cli *c)
{
	const struct json *e;
	struct json *n;
	int ret = CLI_OK;

	if (c->json)
		return print_raw(c, "/nat");
	n = cli_fetch(c, "/nat", &ret);
	if (!n)
		return ret;
	printf("%-5s %-5s %-9s %6s  %-20s %-28s %s\n", "IP", "PROTO", "MATCH", "PORT", "DST", "TO",
	       "RULE");
	for (e = json_get(n, "entries") ? json_get(n, "entries")->child : NULL; e; e = e->next) {
		if (json_bool(e, "marker", false))
			continue; /* the data plane's bookkeeping, not a rule */
		printf("%-5s %-5s %-9s %6.0f  %-20s %-28s %s\n", json_str(e, "family", "?"),
		       json_str(e, "proto", "?"), json_str(e, "match", "?"), json_num(e, "port", 0),
		       json_str(e, "dst", "any"), json_str(e, "to", "?"),
		       json_str(e, "source", ""));
	}
	json_free(n);
	return ret;
}
