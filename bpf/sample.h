/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Contract step 8: 1 in vxp_cfg.sample_rate decapsulated packets is kept as a
 * feature record, its tuple read before NAT changes it; the record leaves at
 * the one exit, with the packet's reason. Off (rate 0) it costs one load. */
#ifndef VXP_SAMPLE_H
#define VXP_SAMPLE_H

#include <stdbool.h>
#include "maps.h"

/* Returns whether this packet is sampled, with its tuple in feat. */
static __always_inline bool step_sample(struct xdp_md *ctx, const struct vxp_pkt *p,
					struct vxp_feature *feat)
{
	void *l3 = (void *)(long)ctx->data + ETH_HLEN;
	void *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6h = l3;
	struct iphdr *iph = l3;
	__u32 rate = vxp_cfg.sample_rate;

	if (!rate || bpf_get_prandom_u32() % rate)
		return false;
	__builtin_memset(feat, 0, sizeof(*feat));
	feat->ts_ns = bpf_ktime_get_ns();
	feat->vni = p->vni;
	feat->proto = p->l4_proto;
	feat->sport = p->l4 ? p->sport : 0;
	feat->dport = p->l4 ? p->dport : 0;
	if (p->l3_proto == bpf_htons(ETH_P_IP)) {
		if ((void *)(iph + 1) > end)
			return false;
		feat->family = VXP_AF_INET;
		feat->saddr.v4 = iph->saddr;
		feat->daddr.v4 = iph->daddr;
		feat->len = bpf_ntohs(iph->tot_len);
		return true;
	}
	if ((void *)(ip6h + 1) > end)
		return false;
	feat->family = VXP_AF_INET6;
	__builtin_memcpy(&feat->saddr, &ip6h->saddr, sizeof(feat->saddr));
	__builtin_memcpy(&feat->daddr, &ip6h->daddr, sizeof(feat->daddr));
	feat->len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	return true;
}

/* At the exit: the reason is known now. A full ring drops the record, and
 * counts it. The reader is woken only once an eighth of the ring waits; it
 * drains the ring on a timer too. */
static __always_inline void sample_emit(struct vxp_pkt *p, struct vxp_feature *feat, int reason)
{
	__u64 wake = bpf_ringbuf_query(&vxp_features, BPF_RB_AVAIL_DATA) >= VXP_FEATURES_WAKEUP
			     ? BPF_RB_FORCE_WAKEUP
			     : BPF_RB_NO_WAKEUP;

	feat->reason = (__u8)reason;
	if (bpf_ringbuf_output(&vxp_features, feat, sizeof(*feat), wake))
		p->events |= 1U << VXP_EVENT_SAMPLE_LOST;
	else
		p->events |= 1U << VXP_EVENT_SAMPLED;
}

#endif /* VXP_SAMPLE_H */
