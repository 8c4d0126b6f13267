// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-trafficgen --metrics: the pipeline's counters from its /metrics before
 * and after a run, so one report says what was sent, what the pipeline did
 * with it, and what arrived. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tg_metrics.h"
#include "libvxp/httpc.h"
#include "libvxp/stats.h"

#define SERIES "vxlan_pipeline_packets_total{"

static int reason_of(const char *label)
{
	int i;

	for (i = 0; i < VXP_REASON__COUNT; i++)
		if (!strcmp(label, stats_reason_label(i)))
			return i;
	return -1;
}

/* vxlan_pipeline_packets_total{result="drop",reason="blackhole"} 12 */
static void parse_line(const char *line, struct tg_pipeline *p)
{
	const char *r = strstr(line, "reason=\""), *end;
	char label[64];
	int i;

	if (strncmp(line, SERIES, strlen(SERIES)) || !r)
		return;
	r += strlen("reason=\"");
	end = strchr(r, '"');
	if (!end || (size_t)(end - r) >= sizeof(label))
		return;
	memcpy(label, r, end - r);
	label[end - r] = '\0';
	i = reason_of(label);
	end = strchr(end, '}');
	if (i >= 0 && end)
		p->packets[i] = strtoull(end + 1, NULL, 10);
}

int tg_metrics_read(const char *where, struct tg_pipeline *ret)
{
	char *body = NULL, *line, *save = NULL;
	int status = httpc_get(where, "/metrics", &body);

	memset(ret, 0, sizeof(*ret));
	if (status < 0)
		return status;
	if (status != 200) {
		free(body);
		return -EPROTO;
	}
	for (line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		parse_line(line, ret);
	free(body);
	return 0;
}

void tg_metrics_delta(const struct tg_pipeline *before, const struct tg_pipeline *after,
		      struct tg_pipeline *ret)
{
	int i;

	for (i = 0; i < VXP_REASON__COUNT; i++)
		ret->packets[i] = after->packets[i] - before->packets[i];
}

static uint64_t outcome(const struct tg_pipeline *p, int o)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < VXP_REASON__COUNT; i++)
		if ((int)vxp_reason_outcome(i) == o)
			n += p->packets[i];
	return n;
}

void tg_metrics_report(FILE *f, const struct tg_pipeline *d, bool json)
{
	uint64_t total = 0;
	bool first = true;
	int i;

	for (i = 0; i < VXP_REASON__COUNT; i++)
		total += d->packets[i];
	if (json) {
		fprintf(f,
			"\"pipeline\": {\"processed\": %llu, \"forwarded\": %llu, "
			"\"kernel\": %llu, \"dropped\": %llu, \"passed\": %llu, \"reasons\": {",
			(unsigned long long)total,
			(unsigned long long)outcome(d, VXP_OUTCOME_REDIRECT),
			(unsigned long long)outcome(d, VXP_OUTCOME_KERNEL),
			(unsigned long long)outcome(d, VXP_OUTCOME_DROP),
			(unsigned long long)outcome(d, VXP_OUTCOME_PASS));
		for (i = 0; i < VXP_REASON__COUNT; i++)
			if (d->packets[i]) {
				fprintf(f, "%s\"%s\": %llu", first ? "" : ", ",
					stats_reason_label(i), (unsigned long long)d->packets[i]);
				first = false;
			}
		fprintf(f, "}}");
		return;
	}
	fprintf(f,
		"pipeline: processed %llu: forwarded %llu, to the kernel %llu, dropped %llu, "
		"passed on %llu\n",
		(unsigned long long)total, (unsigned long long)outcome(d, VXP_OUTCOME_REDIRECT),
		(unsigned long long)outcome(d, VXP_OUTCOME_KERNEL),
		(unsigned long long)outcome(d, VXP_OUTCOME_DROP),
		(unsigned long long)outcome(d, VXP_OUTCOME_PASS));
	for (i = 0; i < VXP_REASON__COUNT; i++)
		if (d->packets[i] && vxp_reason_outcome(i) != VXP_OUTCOME_REDIRECT)
			fprintf(f, "  %-24s %llu (%s)\n", stats_reason_label(i),
				(unsigned long long)d->packets[i],
				stats_outcome_label(vxp_reason_outcome(i)));
}
