/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Contract steps 5 and 6: clear DF on large inner IPv4 packets, then forward by
 * a NAT rule's next hop or the kernel's FIB; the kernel helps only to
 * fragment, and nothing that would make it answer an inner source with ICMP
 * reaches it. */
#ifndef VXP_FORWARD_H
#define VXP_FORWARD_H

#include "csum.h"
#include "maps.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

#define VXP_IPV6_FLOWINFO_MASK 0x0fffffff

/* Clears DF and fixes the header checksum; counted once per packet. The
 * caller has the header inside the frame. */
static __always_inline void clear_df(struct vxp_pkt *p, struct iphdr *iph)
{
	__be16 old = iph->frag_off;

	if (!(old & bpf_htons(VXP_IP_DF)))
		return;
	iph->frag_off = old & ~bpf_htons(VXP_IP_DF);
	iph->check = csum_apply(iph->check, csum_diff16(0, old, iph->frag_off));
	p->events |= 1U << VXP_EVENT_DF_CLEARED;
}

/* Step 5. XDP cannot fragment; the kernel can once DF is gone. */
static __always_inline int step_clear_df(struct xdp_md *ctx, struct vxp_pkt *p)
{
	struct iphdr *iph = (void *)(long)ctx->data + ETH_HLEN;

	if (p->l3_proto != bpf_htons(ETH_P_IP))
		return VXP_CONTINUE;
	if ((void *)(iph + 1) > (void *)(long)ctx->data_end)
		return VXP_REASON_INTERNAL;
	if (bpf_ntohs(iph->tot_len) <= vxp_cfg.df_threshold)
		return VXP_CONTINUE;
	clear_df(p, iph);
	return VXP_CONTINUE;
}

static __always_inline int fib_reason(int rc)
{
	switch (rc) {
	case BPF_FIB_LKUP_RET_BLACKHOLE:
		return VXP_REASON_BLACKHOLE;
	case BPF_FIB_LKUP_RET_UNREACHABLE:
		return VXP_REASON_UNREACHABLE;
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return VXP_REASON_PROHIBITED;
	case BPF_FIB_LKUP_RET_NOT_FWDED: /* no route; local, broadcast, multicast */
		return VXP_REASON_NOT_FORWARDED;
	case BPF_FIB_LKUP_RET_FWD_DISABLED:
		return VXP_REASON_FWD_DISABLED;
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		return VXP_REASON_NO_NEIGH;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		return VXP_REASON_FRAG_NEEDED;
	default: /* lightweight tunnels and whatever later kernels add */
		return VXP_REASON_ROUTE_UNSUPPORTED;
	}
}

/* The next hop a lookup found without a neighbour entry (the kernel fills in
 * the egress and the gateway before it looks for the neighbour): noted once
 * for the daemon, which has the kernel resolve it. */
static __always_inline void neigh_request(const struct bpf_fib_lookup *fib)
{
	struct vxp_neigh_key key = { .ifindex = fib->ifindex };
	__u64 now = bpf_ktime_get_ns();

	if (fib->family == AF_INET) {
		key.family = VXP_AF_INET;
		key.addr.v4 = fib->ipv4_dst;
	} else {
		key.family = VXP_AF_INET6;
		__builtin_memcpy(&key.addr, fib->ipv6_dst, sizeof(key.addr));
	}
	bpf_map_update_elem(&vxp_neigh, &key, &now, BPF_NOEXIST);
}

/* A failed lookup, with what a missing neighbour needs. */
static __always_inline int fib_failed(const struct bpf_fib_lookup *fib, int rc)
{
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		neigh_request(fib);
	return fib_reason(rc);
}

/* Lookup keys from the (post-NAT) header. */
static __always_inline int fib_prepare(struct xdp_md *ctx, struct vxp_pkt *p,
				       struct bpf_fib_lookup *fib)
{
	void *l3 = (void *)(long)ctx->data + ETH_HLEN;
	void *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6h = l3;
	struct iphdr *iph = l3;

	fib->ifindex = ctx->ingress_ifindex;
	fib->l4_protocol = p->l4_proto;
	fib->sport = p->sport;
	fib->dport = p->dport;
	if (p->l3_proto == bpf_htons(ETH_P_IP)) {
		if ((void *)(iph + 1) > end)
			return VXP_REASON_INTERNAL;
		fib->family = AF_INET;
		fib->tos = iph->tos;
		fib->tot_len = bpf_ntohs(iph->tot_len);
		fib->ipv4_src = iph->saddr;
		fib->ipv4_dst = iph->daddr;
		return VXP_CONTINUE;
	}
	if ((void *)(ip6h + 1) > end)
		return VXP_REASON_INTERNAL;
	fib->family = AF_INET6;
	fib->flowinfo = *(__be32 *)ip6h & bpf_htonl(VXP_IPV6_FLOWINFO_MASK);
	fib->tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	__builtin_memcpy(fib->ipv6_src, &ip6h->saddr, sizeof(fib->ipv6_src));
	__builtin_memcpy(fib->ipv6_dst, &ip6h->daddr, sizeof(fib->ipv6_dst));
	return VXP_CONTINUE;
}

/* TTL or hop limit (more than 1: step_forward) down by one, the IPv4
 * checksum with it. */
static __always_inline int decrement_ttl(struct xdp_md *ctx, struct vxp_pkt *p)
{
	void *l3 = (void *)(long)ctx->data + ETH_HLEN;
	void *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6h = l3;
	struct iphdr *iph = l3;
	__be16 *ttl_proto = (__be16 *)&iph->ttl, old, new;

	if (p->l3_proto == bpf_htons(ETH_P_IP)) {
		if ((void *)(iph + 1) > end)
			return VXP_REASON_INTERNAL;
		/* one 16-bit read and write of TTL and protocol: a byte store
		 * followed by a wider load of it would stall forwarding */
		old = *ttl_proto;
		new = bpf_htons(bpf_ntohs(old) - 0x0100);
		*ttl_proto = new;
		iph->check = csum_apply(iph->check, csum_diff16(0, old, new));
		return VXP_CONTINUE;
	}
	if ((void *)(ip6h + 1) > end)
		return VXP_REASON_INTERNAL;
	ip6h->hop_limit--;
	return VXP_CONTINUE;
}

static __always_inline int set_macs(struct xdp_md *ctx, const __u8 *dst, const __u8 *src)
{
	struct ethhdr *eth = (void *)(long)ctx->data;

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return VXP_REASON_INTERNAL;
	__builtin_memcpy(eth->h_dest, dst, ETH_ALEN);
	__builtin_memcpy(eth->h_source, src, ETH_ALEN);
	return VXP_CONTINUE;
}

/* Out of ifindex with these MACs, TTL down by one. */
static __always_inline int fwd_redirect(struct xdp_md *ctx, struct vxp_pkt *p, __u32 ifindex,
					const __u8 *dmac, const __u8 *smac)
{
	int rc = decrement_ttl(ctx, p);

	if (rc != VXP_CONTINUE)
		return rc;
	if (bpf_redirect_map(&vxp_tx_ports, ifindex, XDP_PASS) != XDP_REDIRECT)
		return VXP_REASON_NO_TX_PORT;
	rc = set_macs(ctx, dmac, smac);
	return rc == VXP_CONTINUE ? VXP_REASON_FORWARDED : rc;
}

/*
 * Larger than the egress MTU: only the kernel can fragment, and only IPv4.
 * It gets the packet with DF cleared (else it answers "fragmentation needed",
 * lowering a real host's path MTU), and only when nothing else would make it
 * answer: no IPv4 options (it answers bad ones with ICMP), a neighbour known
 * (it answers a failed resolution), an egress it may use. The first lookup
 * stopped at the MTU check; a second without a length goes past it.
 */
static __always_inline int fwd_too_big(struct xdp_md *ctx, struct vxp_pkt *p,
				       struct bpf_fib_lookup *fib)
{
	struct iphdr *iph = (void *)(long)ctx->data + ETH_HLEN;
	int rc;

	if (p->l3_proto != bpf_htons(ETH_P_IP))
		return VXP_REASON_TOO_BIG; /* routers never fragment IPv6 */
	if ((void *)(iph + 1) > (void *)(long)ctx->data_end)
		return VXP_REASON_INTERNAL;
	if (iph->ihl != 5)
		return VXP_REASON_TOO_BIG;
	fib->tot_len = 0;
	rc = bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return fib_failed(fib, rc);
	if (!bpf_map_lookup_elem(&vxp_tx_ports, &fib->ifindex))
		return VXP_REASON_NO_TX_PORT;
	clear_df(p, iph); /* before the kernel's own fragmentation */
	return VXP_REASON_FRAG_NEEDED;
}

/*
 * A rule's next hop as the lookup that just succeeded found it, for the
 * rule's next packets on this CPU, under the generation read before that
 * lookup: a change the daemon saw after it makes the entry stale at once.
 * The lookup said the packet fits the route's MTU, not what the MTU is: a
 * second lookup of the same keys, as long as an IP packet may be, stops at
 * the MTU check and tells it (once per rule, CPU and generation).
 */
static __always_inline void nexthop_keep(struct xdp_md *ctx, struct vxp_nexthop *nh, __u32 gen,
					 const struct bpf_fib_lookup *found,
					 struct bpf_fib_lookup *again)
{
	int rc;

	again->tot_len = 0xffff;
	rc = bpf_fib_lookup(ctx, again, sizeof(*again), 0);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		nh->mtu = again->mtu_result;
	else if (rc == BPF_FIB_LKUP_RET_SUCCESS && again->ifindex == found->ifindex)
		nh->mtu = 0xffff;
	else
		return; /* the route changed under us: the next packet looks again */
	nh->ifindex = found->ifindex;
	__builtin_memcpy(nh->dmac, found->dmac, ETH_ALEN);
	__builtin_memcpy(nh->smac, found->smac, ETH_ALEN);
	nh->gen = gen;
}

/* By the kernel's FIB, and a NAT rule's next hop (nh) kept for later. */
static __always_inline int fwd_lookup(struct xdp_md *ctx, struct vxp_pkt *p, struct vxp_nexthop *nh)
{
	struct bpf_fib_lookup fib = {}, again;
	__u32 gen = vxp_nh_gen;
	int rc;

	rc = fib_prepare(ctx, p, &fib);
	if (rc != VXP_CONTINUE)
		return rc;
	if (nh)
		again = fib;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return fwd_too_big(ctx, p, &fib);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return fib_failed(&fib, rc);
	if (nh)
		nexthop_keep(ctx, nh, gen, &fib, &again);
	return fwd_redirect(ctx, p, fib.ifindex, fib.dmac, fib.smac);
}

/*
 * Step 6. A TTL about to expire is dropped first, whichever way the packet
 * would go: the kernel would answer it with ICMP. A NAT rule's packets go by
 * the next hop its earlier packets found, while the generation it was found
 * in is in force and the packet fits its MTU: no FIB lookup. Anything else
 * (unmatched traffic, a new generation, an oversize packet) asks the FIB.
 */
static __always_inline int step_forward(struct xdp_md *ctx, struct vxp_pkt *p)
{
	struct vxp_rule_state *rs = p->rule;

	if (p->ttl <= 1)
		return VXP_REASON_TTL_EXPIRING;
	if (!rs)
		return fwd_lookup(ctx, p, NULL);
	if (rs->nh.gen == vxp_nh_gen && p->ip_len <= rs->nh.mtu)
		return fwd_redirect(ctx, p, rs->nh.ifindex, rs->nh.dmac, rs->nh.smac);
	return fwd_lookup(ctx, p, &rs->nh);
}

/* Whatever the kernel takes over must be addressed to the ingress interface's
 * own MAC, or the stack drops it as another host's (the outer frame's may be
 * multicast). A MAC not known yet (all zero) is no address at all. */
static __always_inline int vxp_kernel_handover(struct xdp_md *ctx, const struct vxp_pkt *p)
{
	const __u8 *mac = vxp_in.mac;

	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return VXP_REASON_INTERNAL;
	return set_macs(ctx, mac, p->inner_smac);
}

#endif /* VXP_FORWARD_H */
