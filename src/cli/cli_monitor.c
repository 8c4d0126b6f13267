// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipeline monitor: the seed's live table, a row every interval, its
 * status green, yellow or red against target_pps (100%, 70%), colour only on
 * a terminal; Ctrl-C ends it cleanly. */
#include "config.h"

#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "jpath.h"
#include "cli_monitor.h"

#define HEADER_EVERY 20

static void header(void)
{
	printf("%-8s %-10s %-10s %-8s %-10s %-7s %s\n", "TIME", "PPS", "VXLAN_PPS", "NAT_HIT%",
	       "REDIRECTED", "ERRORS", "STATUS");
	printf("-------- ---------- ---------- -------- ---------- ------- --------\n");
}

static void row(const struct cli *c, const struct cli_rates *r, double target)
{
	double pps = r->rx >= 0 ? r->rx : r->vxlan;
	double pct = target > 0 ? floor(100 * pps / target) : 0; /* 99.9 is not yet 100 */
	const char *color = pct >= 100 ? "\033[32m" : pct >= 70 ? "\033[33m" : "\033[31m";
	const char *word = pct >= 100 ? "green" : pct >= 70 ? "yellow" : "red";
	char when[16];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	printf("%-8s %-10.0f %-10.0f %7.1f%% %-10.0f %-7.0f %s%s %3.0f%%%s\n", when, pps, r->vxlan,
	       r->nat_hit_pct, r->forwarded, r->dropped + r->redirect_failed, cli_color(c, color),
	       c->color ? "●" : word, pct, cli_color(c, "\033[0m"));
	fflush(stdout);
}

void cli_monitor_show(const struct cli *c, const json_t *prev, const json_t *cur,
		      unsigned long rows)
{
	struct cli_rates rates = cli_rates(prev, cur);

	if (rows % HEADER_EVERY == 0 && (rows == 0 || isatty(STDOUT_FILENO)))
		header();
	row(c, &rates, jpath_num(cur, "target_pps", 0));
}

/* Waits the interval; true when Ctrl-C (or SIGTERM) came instead. */
static bool interrupted(int sigfd, double seconds)
{
	struct pollfd p = { sigfd, POLLIN, 0 };

	return poll(&p, 1, (int)(seconds * 1000)) > 0;
}

int cli_monitor(const struct cli *c)
{
	json_t *prev, *cur;
	unsigned long rows = 0;
	double interval;
	int ret = CLI_OK, sigfd;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	prev = cli_fetch(c, "/status", &ret);
	if (!prev)
		return ret;
	interval = c->interval > 0 ? c->interval : jpath_num(prev, "stats_interval", 5);
	while (!c->count || rows < c->count) {
		if (interrupted(sigfd, interval))
			break;
		cur = cli_fetch(c, "/status", &ret);
		if (!cur)
			break;
		cli_monitor_show(c, prev, cur, rows);
		json_decref(prev);
		prev = cur;
		rows++;
	}
	json_decref(prev);
	close(sigfd);
	return ret;
}
