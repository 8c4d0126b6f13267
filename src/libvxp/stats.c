// SPDX-License-Identifier: GPL-2.0-only
/* The data plane's counters as user space sees them: summed over CPUs, with
 * the labels the shared header gives each reason, outcome and event. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "stats.h"

static const char *const reason_labels[] = {
#define REASON_LABEL(name, outcome, label) [VXP_REASON_##name] = label,
	VXP_REASONS(REASON_LABEL)
#undef REASON_LABEL
};

static const char *const event_labels[] = {
#define EVENT_LABEL(name, label) [VXP_EVENT_##name] = label,
	VXP_EVENTS(EVENT_LABEL)
#undef EVENT_LABEL
};

static const char *const outcome_labels[] = {
	[VXP_OUTCOME_PASS] = "pass",
	[VXP_OUTCOME_DROP] = "drop",
	[VXP_OUTCOME_KERNEL] = "kernel",
	[VXP_OUTCOME_REDIRECT] = "redirect",
};

const char *stats_reason_label(int reason)
{
	if (reason < 0 || reason >= VXP_REASON__COUNT)
		return "unknown";
	return reason_labels[reason];
}

const char *stats_outcome_label(int outcome)
{
	if (outcome < 0 || outcome >= VXP_OUTCOME__COUNT)
		return "unknown";
	return outcome_labels[outcome];
}

const char *stats_event_label(int event)
{
	if (event < 0 || event >= VXP_EVENT__COUNT)
		return "unknown";
	return event_labels[event];
}

int stats_read(int stats_fd, struct vxp_stats *ret_sum)
{
	struct vxp_stats *percpu;
	uint32_t zero = 0;
	int ncpus, cpu, i, err = 0;

	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(stats_fd, &zero, percpu)) {
		err = -errno;
		goto out;
	}
	memset(ret_sum, 0, sizeof(*ret_sum));
	for (cpu = 0; cpu < ncpus; cpu++) {
		for (i = 0; i < VXP_REASON__COUNT; i++) {
			ret_sum->reason[i].packets += percpu[cpu].reason[i].packets;
			ret_sum->reason[i].bytes += percpu[cpu].reason[i].bytes;
		}
		for (i = 0; i < VXP_EVENT__COUNT; i++)
			ret_sum->event[i] += percpu[cpu].event[i];
	}
out:
	free(percpu);
	return err;
}

struct vxp_counter stats_outcome_total(const struct vxp_stats *st, int outcome)
{
	struct vxp_counter sum = {};
	int i;

	for (i = 0; i < VXP_REASON__COUNT; i++) {
		if ((int)vxp_reason_outcome(i) != outcome)
			continue;
		sum.packets += st->reason[i].packets;
		sum.bytes += st->reason[i].bytes;
	}
	return sum;
}
