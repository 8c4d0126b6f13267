/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Contract steps 1 and 2: recognise our VXLAN traffic (to one of the ingress
 * interface's own addresses) without touching anything else, then strip the
 * outer headers. */
#ifndef VXP_DECAP_H
#define VXP_DECAP_H

#include <stdbool.h>
#include <linux/udp.h>
#include "parse.h"
#include "maps.h"

static __always_inline int vni_allowed(__u32 vni)
{
	__u32 word = vni >> 6;
	__u64 *bits;

	if (vxp_cfg.flags & VXP_SETTINGS_ANY_VNI)
		return 1;
	bits = bpf_map_lookup_elem(&vxp_vni, &word);
	return bits && (*bits >> (vni & 63)) & 1;
}

/* Outer IPv4 or IPv6 carrying UDP; IPv4 fragments are not ours. Returns the
 * family (0: neither) and where the destination address is. */
static __always_inline int outer_l3_is_udp(struct vxp_cursor *c, int proto, void **ret_daddr)
{
	struct ipv6hdr *ip6h;
	struct iphdr *iph;

	if (proto == bpf_htons(ETH_P_IP)) {
		if (parse_iphdr(c, &iph) != IPPROTO_UDP)
			return 0;
		if (iph->frag_off & bpf_htons(VXP_IP_MF | VXP_IP_OFFSET))
			return 0;
		*ret_daddr = &iph->daddr;
		return VXP_AF_INET;
	}
	if (proto == bpf_htons(ETH_P_IPV6) && parse_ipv6hdr(c, &ip6h) == IPPROTO_UDP) {
		*ret_daddr = &ip6h->daddr;
		return VXP_AF_INET6;
	}
	return 0;
}

/* One of the ingress interface's own addresses: a few, compared in turn.
 * daddr lies in the outer IP header, which the parser found inside the
 * frame. */
static __always_inline bool daddr_is_local(int family, const void *daddr)
{
	__u32 n, i;
	__u64 hi, lo;
	__be32 v4;

	if (family == VXP_AF_INET) {
		v4 = *(const __be32 *)daddr;
		n = vxp_in.n4;
		for (i = 0; i < VXP_LOCAL_ADDRS_MAX && i < n; i++)
			if (vxp_in.v4[i] == v4)
				return true;
		return false;
	}
	hi = *(const __u64 *)daddr;
	lo = *(const __u64 *)(daddr + 8);
	n = vxp_in.n6;
	for (i = 0; i < VXP_LOCAL_ADDRS_MAX && i < n; i++)
		if (vxp_in.v6[i][0] == hi && vxp_in.v6[i][1] == lo)
			return true;
	return false;
}

/* Step 1. Reads only: whatever is not ours leaves byte for byte unchanged.
 * The port before the address: traffic to the host's other ports pays for
 * the least. */
static __always_inline int step_recognise(struct xdp_md *ctx, struct vxp_pkt *p)
{
	struct vxp_cursor c = { (void *)(long)ctx->data, (void *)(long)ctx->data_end };
	__u32 len = ctx->data_end - ctx->data;
	struct vxp_vxlan_hdr *vxh;
	struct udphdr *udph;
	struct ethhdr *eth;
	void *daddr = NULL;
	int proto, family;

	proto = parse_ethhdr(&c, &eth);
	if (proto < 0)
		return VXP_NOT_OURS;
	family = outer_l3_is_udp(&c, proto, &daddr);
	if (!family)
		return VXP_NOT_OURS;
	udph = c.pos;
	vxh = (void *)(udph + 1);
	if ((void *)(vxh + 1) > c.end)
		return VXP_NOT_OURS;
	if (udph->dest != bpf_htons(vxlan_port))
		return VXP_NOT_OURS;
	if (!daddr_is_local(family, daddr))
		return VXP_NOT_OURS;
	/* Ours by address and port from here: the packet state starts now, so
	 * that traffic that is not ours does not pay for it. */
	__builtin_memset(p, 0, sizeof(*p));
	p->len = len;
	/* to our port but not for us: counted, since a VNI list that misses the
	 * mirror session's VNI shows up here */
	if (!(vxh->flags & bpf_htonl(VXP_VXLAN_FLAG_I)))
		return VXP_REASON_VXLAN_FILTERED;
	p->vni = bpf_ntohl(vxh->vni) >> 8;
	if (!vni_allowed(p->vni))
		return VXP_REASON_VXLAN_FILTERED;
	p->inner = vxh + 1;
	return VXP_CONTINUE;
}

/* Step 2. Inner Ethernet with up to two VLAN tags; the new data start leaves
 * exactly one Ethernet header before the inner L3 header, so inner tags go. */
static __always_inline int step_decap(struct xdp_md *ctx, struct vxp_pkt *p)
{
	struct vxp_cursor c = { p->inner, (void *)(long)ctx->data_end };
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth;
	int proto;

	proto = parse_ethhdr(&c, &eth);
	if (proto < 0)
		return VXP_REASON_INNER_TRUNCATED;
	if (proto != bpf_htons(ETH_P_IP) && proto != bpf_htons(ETH_P_IPV6))
		return VXP_REASON_INNER_NOT_IP;
	__builtin_memcpy(p->inner_smac, eth->h_source, ETH_ALEN);
	p->l3_proto = proto;
	if (bpf_xdp_adjust_head(ctx, (int)(c.pos - data) - ETH_HLEN))
		return VXP_REASON_INTERNAL;
	return VXP_CONTINUE;
}

#endif /* VXP_DECAP_H */
