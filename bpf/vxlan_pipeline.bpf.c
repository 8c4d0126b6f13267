// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The XDP programs: vxp_pipeline runs the data plane contract (DESIGN.md §3) on
 * the ingress interface; vxp_egress lets a driver accept redirected frames. */
#include "parse.h"
#include "maps.h"
#include "decap.h"
#include "inner.h"
#include "nat.h"
#include "forward.h"
#include "sample.h"

/* Step 7, and the one exit: count the reason and the events, hand on a
 * sampled packet's record, then turn the reason into a verdict. */
static __always_inline int step_account(struct xdp_md *ctx, struct vxp_pkt *p, int reason,
					struct vxp_feature *feat)
{
	enum vxp_outcome outcome;
	struct vxp_stats *st;
	__u32 zero = 0;
	int i;

	if (reason == VXP_NOT_OURS)
		return XDP_PASS;
	if ((__u32)reason >= VXP_REASON__COUNT) /* a step let the packet through */
		reason = VXP_REASON_INTERNAL;
	outcome = vxp_reason_outcome(reason);
	if (outcome == VXP_OUTCOME_KERNEL && vxp_kernel_handover(ctx, p) != VXP_CONTINUE) {
		reason = VXP_REASON_INTERNAL;
		outcome = VXP_OUTCOME_DROP;
	}
	if (feat)
		sample_emit(p, feat, reason);
	st = bpf_map_lookup_elem(&vxp_stats, &zero);
	if (st) {
		st->reason[reason].packets++;
		st->reason[reason].bytes += p->len;
#pragma unroll
		for (i = 0; i < VXP_EVENT__COUNT && p->events; i++)
			if (p->events & (1U << i))
				st->event[i]++;
	}
	switch (outcome) {
	case VXP_OUTCOME_REDIRECT:
		return XDP_REDIRECT;
	case VXP_OUTCOME_DROP:
		return XDP_DROP;
	default:
		return XDP_PASS;
	}
}

SEC("xdp")
int vxp_pipeline(struct xdp_md *ctx)
{
	struct vxp_pkt p; /* step_recognise() fills it in for what is ours */
	struct vxp_feature feat;
	bool sampled = false;
	int reason;

	reason = step_recognise(ctx, &p);
	if (reason == VXP_CONTINUE)
		reason = step_decap(ctx, &p);
	if (reason == VXP_CONTINUE)
		reason = step_check_inner(ctx, &p);
	if (reason == VXP_CONTINUE) /* step 8: the inner packet known, not yet changed */
		sampled = step_sample(ctx, &p, &feat);
	if (reason == VXP_CONTINUE)
		reason = step_nat(ctx, &p);
	if (reason == VXP_CONTINUE)
		reason = step_clear_df(ctx, &p);
	if (reason == VXP_CONTINUE)
		reason = step_forward(ctx, &p);
	return step_account(ctx, &p, reason, sampled ? &feat : NULL);
}

SEC("xdp")
int vxp_egress(struct xdp_md *ctx __attribute__((unused)))
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
