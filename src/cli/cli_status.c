// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipeline status, stats and nat: what the daemon is doing, every
 * counter, and the NAT rules as the data plane holds them. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_status.h"
#include "cli_text.h"
#include "jpath.h"

static void uptime(double secs, char *buf, size_t size)
{
	long s = secs >= 0 && secs < 1e12 ? (long)secs : -1;

	if (s < 0)
		snprintf(buf, size, "?");
	else if (s >= 86400)
		snprintf(buf, size, "%ld d %ld h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%ld h %02ld min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, size, "%ld min %02ld s", s / 60, s % 60);
}

static void clock_of(double t, char *buf, size_t size)
{
	time_t tt = t >= 0 && t < 1e12 ? (time_t)t : -1;
	struct tm tm;

	if (tt < 0 || !localtime_r(&tt, &tm))
		snprintf(buf, size, "?");
	else
		strftime(buf, size, "%H:%M:%S", &tm);
}

/* Whether the daemon's j has what this CLI reads at path, of type; else an
 * error that says so. */
static bool shaped(const json_t *j, const char *path, json_type type, const char *page,
		   int *ret_exit)
{
	const json_t *v = jpath_get(j, path);

	if (v && json_typeof(v) == type)
		return true;
	fprintf(stderr,
		"vxlan-pipelined sent %s without the %s%s%s this vxlan-pipeline reads (a daemon "
		"of another version?)\n",
		page, *path ? "'" : "", *path ? path : "object", *path ? "'" : "");
	*ret_exit = CLI_FAILED;
	return false;
}

static void print_traffic(const struct cli *c, const json_t *s, const struct cli_rates *r)
{
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
}

static void print_nat_line(const json_t *s)
{
	json_t *v = jpath_get(s, "vni"), *x;
	size_t i;

	printf("  NAT      %s rules; VNIs ", cli_num(s, "nat_rules", 0));
	if (json_is_array(v))
		json_array_foreach (v, i, x)
			printf("%s%s", i ? ", " : "", cli_num(x, "", 0));
	else
		printf("any");
	printf("; DF cleared above %s bytes; unmatched packets: %s\n",
	       cli_num(s, "df_threshold", 0), cli_str(s, "unmatched", "?"));
}

static void print_reload(const struct cli *c, const json_t *s)
{
	bool reload_ok = jpath_bool(s, "last_reload.ok", true);
	char when[16];

	if (!jpath_num(s, "reloads", 0)) {
		printf("  reload   none since start\n");
		return;
	}
	clock_of(jpath_num(s, "last_reload.time", -1), when, sizeof(when));
	printf("  reload   %s%s%s at %s (%s reloads, %s failed): %s\n",
	       cli_color(c, reload_ok ? "" : "\033[1;31m"), reload_ok ? "ok" : "FAILED",
	       cli_color(c, "\033[0m"), when, cli_num(s, "reloads", 0),
	       cli_num(s, "reload_failures", 0), cli_str(s, "last_reload.message", ""));
}

static void print_status(const struct cli *c, const json_t *s, const struct cli_rates *r)
{
	bool ok = jpath_bool(s, "health.ok", false);
	char up[32];

	uptime(jpath_num(s, "time", NAN) - jpath_num(s, "started", NAN), up, sizeof(up));
	printf("%s●%s vxlan-pipelined is running (pid %s, version %s), up %s\n",
	       cli_color(c, ok ? "\033[32m" : "\033[31m"), cli_color(c, "\033[0m"),
	       cli_num(s, "pid", 0), cli_str(s, "version", "?"), up);
	printf("  health   %s%s%s: %s\n", cli_color(c, ok ? "\033[32m" : "\033[1;31m"),
	       ok ? "healthy" : "UNHEALTHY", cli_color(c, "\033[0m"),
	       cli_str(s, "health.reason", ""));
	printf("  ingress  %-15s %s XDP, driver %s\n", cli_str(s, "ingress.name", "?"),
	       cli_str(s, "ingress.mode", "?"), cli_str(s, "ingress.driver", "?"));
	printf("  egress   %-15s %s, driver %s\n", cli_str(s, "egress.name", "?"),
	       jpath_bool(s, "egress.attached", false) ? "pass-through XDP" : "no XDP program",
	       cli_str(s, "egress.driver", "?"));
	print_traffic(c, s, r);
	print_nat_line(s);
	print_reload(c, s);
}

int cli_status_show(const struct cli *c, const json_t *before, const json_t *after)
{
	struct cli_rates r;
	int ret = CLI_OK;

	if (!shaped(after, "", JSON_OBJECT, "/status", &ret))
		return ret;
	r = cli_rates(before, after);
	print_status(c, after, &r);
	return jpath_bool(after, "health.ok", false) ? CLI_OK : CLI_FAILED;
}

int cli_status(const struct cli *c)
{
	json_t *a, *b;
	int ret = CLI_OK;

	a = cli_fetch(c, "/status", &ret);
	if (!a)
		return ret;
	usleep(1000000); /* the rate over one second */
	b = cli_fetch(c, "/status", &ret);
	if (b)
		ret = cli_status_show(c, a, b);
	json_decref(a);
	json_decref(b);
	return ret;
}

/* --json: the daemon's JSON as it came, once it parses. */
static int print_json(const char *path, const char *body)
{
	int ret = CLI_OK;
	json_t *j = cli_parse(path, body, &ret);

	if (j)
		cli_put_json(stdout, body);
	json_decref(j);
	return ret;
}

static void print_stats(const json_t *s)
{
	const char *key;
	json_t *x;

	printf("%-9s %-24s %16s %20s\n", "RESULT", "REASON", "PACKETS", "BYTES");
	json_object_foreach (jpath_get(s, "reasons"), key, x)
		printf("%-9s %-24s %16s %20s\n", cli_str(x, "result", "?"), cli_key(key),
		       cli_num(x, "packets", 0), cli_num(x, "bytes", 0));
	printf("\n%-34s %16s\n", "EVENT", "COUNT");
	json_object_foreach (jpath_get(s, "events"), key, x)
		printf("%-34s %16s\n", cli_key(key), cli_num(x, "", 0));
}

int cli_stats_show(const struct cli *c, const char *body)
{
	int ret = CLI_OK;
	json_t *s;

	if (c->json)
		return print_json("/stats", body);
	s = cli_parse("/stats", body, &ret);
	if (s && shaped(s, "reasons", JSON_OBJECT, "/stats", &ret) &&
	    shaped(s, "events", JSON_OBJECT, "/stats", &ret))
		print_stats(s);
	json_decref(s);
	return ret;
}

/* Where the rule of an entry or a count was written, as the daemon sent it
 * ("" without one). */
static const char *raw_source(const json_t *j)
{
	const char *s = json_string_value(jpath_get(j, "source"));

	return s ? s : "";
}

/* The daemon's count of each rule by where it was written, for one look-up
 * a row (the first of a source wins); NULL without counts (a daemon from
 * before per-rule counters sends none). Raw sources, not cli_str()'s: its
 * few rotating buffers would not outlive a walk over the rules. */
static json_t *counts_by_source(const json_t *n)
{
	const json_t *rules = jpath_get(n, "rules"), *r;
	json_t *by = json_array_size(rules) ? json_object() : NULL;
	size_t i;

	json_array_foreach (rules, i, r)
		if (by && !json_object_get(by, raw_source(r)))
			json_object_set(by, raw_source(r), (json_t *)r);
	return by;
}

/* A row per entry; with the daemon's per-rule counts, each row also shows
 * its rule's packets and bytes (every row of a port range the rule's). */
static void print_nat(const json_t *n)
{
	json_t *by = counts_by_source(n);
	const json_t *c;
	json_t *e;
	size_t i;

	printf("%-5s %-5s %-9s %6s  %-20s %-28s ", "IP", "PROTO", "MATCH", "PORT", "DST", "TO");
	if (by)
		printf("%16s %20s  ", "PACKETS", "BYTES");
	printf("RULE\n");
	json_array_foreach (jpath_get(n, "entries"), i, e) {
		if (jpath_bool(e, "marker", false))
			continue; /* the data plane's bookkeeping, not a rule */
		printf("%-5s %-5s %-9s %6s  %-20s %-28s ", cli_str(e, "family", "?"),
		       cli_str(e, "proto", "?"), cli_str(e, "match", "?"), cli_num(e, "port", 0),
		       cli_str(e, "dst", "any"), cli_str(e, "to", "?"));
		c = by ? json_object_get(by, raw_source(e)) : NULL;
		if (by)
			printf("%16s %20s  ", c ? cli_num(c, "packets", 0) : "?",
			       c ? cli_num(c, "bytes", 0) : "?");
		printf("%s\n", cli_str(e, "source", ""));
	}
	json_decref(by);
}

int cli_nat_show(const struct cli *c, const char *body)
{
	int ret = CLI_OK;
	json_t *n;

	if (c->json)
		return print_json("/nat", body);
	n = cli_parse("/nat", body, &ret);
	if (n && shaped(n, "entries", JSON_ARRAY, "/nat", &ret))
		print_nat(n);
	json_decref(n);
	return ret;
}

/* A page's body to show. */
static int fetch_show(const struct cli *c, const char *path,
		      int (*show)(const struct cli *c, const char *body))
{
	int ret = CLI_OK;
	char *body = cli_get(c, path, &ret);

	if (body)
		ret = show(c, body);
	free(body);
	return ret;
}

int cli_stats(const struct cli *c)
{
	return fetch_show(c, "/stats", cli_stats_show);
}

int cli_nat(const struct cli *c)
{
	return fetch_show(c, "/nat", cli_nat_show);
}
