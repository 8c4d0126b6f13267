// SPDX-License-Identifier: GPL-2.0-only
/* make bench-reload: how long installing a full NAT table takes (8192 rules,
 * each install clearing the spare table the one before filled, then swapping
 * it in), as the median and minimum of rounds. Last line: a JSON object. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "specs.h"
#include "tap.h"

#define ROUNDS 11

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	static struct nat_rule rules[VXP_NAT_ENTRIES_MAX];
	static struct nat_entry entries[VXP_NAT_ENTRIES_MAX];
	double ms[ROUNDS], t;
	size_t conflict[2], i;
	int n, outer, tables[2], r;
	struct dp_env env;

	dp_env_setup(&env);
	for (i = 0; i < VXP_NAT_ENTRIES_MAX; i++)
		rules[i] = dp_rule(IPPROTO_UDP, VXP_NAT_MATCH_DST, (uint16_t)(i + 1), NULL,
				   "10.2.0.1", (uint16_t)(i + 1));
	n = nat_table_build(rules, VXP_NAT_ENTRIES_MAX, entries, VXP_NAT_ENTRIES_MAX, conflict);
	if (n != VXP_NAT_ENTRIES_MAX)
		tap_bail("building %d rules: %d", VXP_NAT_ENTRIES_MAX, n);
	datapath_nat_fds(env.dp, &outer, tables);
	/* both tables full first: every timed install clears a full one */
	for (r = -2; r < ROUNDS; r++) {
		t = now_ms();
		if (nat_table_install(outer, tables, entries, (size_t)n) < 0)
			tap_bail("installing the table: %s", strerror(errno));
		if (r >= 0)
			ms[r] = now_ms() - t;
	}
	qsort(ms, ROUNDS, sizeof(ms[0]), cmp);
	printf("installing %d NAT entries, the spare table full before: median %.1f ms, "
	       "minimum %.1f ms (%d rounds)\n",
	       n, ms[ROUNDS / 2], ms[0], ROUNDS);
	printf("{\"entries\": %d, \"median_ms\": %.2f, \"min_ms\": %.2f, \"rounds\": %d}\n", n,
	       ms[ROUNDS / 2], ms[0], ROUNDS);
	dp_env_teardown(&env);
	return 0;
}
