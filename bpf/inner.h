/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Contract step 3: the inner packet must be whole IPv4 or IPv6. Its length field
 * is checked against what arrived (AWS truncates mirrored packets to the target
 * MTU), and its ports and fragment position are read for NAT. */
#ifndef VXP_INNER_H
#define VXP_INNER_H

#include <linux/tcp.h>
#include <linux/udp.h>
#include "parse.h"
#include "maps.h"

/* Hop-by-hop, destination options and routing headers: 8 bytes at least;
 * the routing header's own fields open it. */
struct ipv6_ext_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 routing_type;
	__u8 segments_left;
	__u32 data;
};

struct ipv6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset << 3 | M flag */
	__be32 id;
};

#define IPV6_FRAG_OFFSET 0xfff8
#define IPV6_FRAG_MF	 0x0001

/* Ports of a TCP or UDP header that lies inside both the frame and the IP
 * length (limit); a header cut short by the IP length is malformed. */
static __always_inline int inner_ports(struct vxp_pkt *p, void *l4, void *limit, void *end)
{
	__u32 need;

	if (p->l4_proto == IPPROTO_TCP)
		need = sizeof(struct tcphdr);
	else if (p->l4_proto == IPPROTO_UDP)
		need = sizeof(struct udphdr);
	else
		return VXP_CONTINUE;
	if (l4 + need > limit)
		return VXP_REASON_INNER_MALFORMED;
	/* implied by limit <= end; the verifier needs it spelled out */
	if (l4 + sizeof(struct udphdr) > end)
		return VXP_REASON_INNER_TRUNCATED;
	/* source and destination port open both headers */
	p->sport = ((struct udphdr *)l4)->source;
	p->dport = ((struct udphdr *)l4)->dest;
	p->l4 = l4;
	return VXP_CONTINUE;
}

static __always_inline int inner_ipv4(struct vxp_pkt *p, void *l3, void *end)
{
	struct iphdr *iph = l3;
	__u32 hlen, tot;

	if ((void *)(iph + 1) > end)
		return VXP_REASON_INNER_TRUNCATED;
	if (iph->version != 4 || iph->ihl < 5)
		return VXP_REASON_INNER_MALFORMED;
	hlen = iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	if (tot < hlen)
		return VXP_REASON_INNER_MALFORMED;
	if (l3 + tot > end)
		return VXP_REASON_INNER_TRUNCATED;
	p->l4_proto = iph->protocol;
	if (iph->frag_off & bpf_htons(IP_OFFSET)) {
		p->frag = VXP_FRAG_LATER;
		p->frag_id = iph->id;
		p->events |= 1U << VXP_EVENT_FRAG_LATER;
		return VXP_CONTINUE;
	}
	if (iph->frag_off & bpf_htons(IP_MF)) {
		p->frag = VXP_FRAG_FIRST;
		p->frag_id = iph->id;
		p->events |= 1U << VXP_EVENT_FRAG_FIRST;
	}
	return inner_ports(p, l3 + hlen, l3 + tot, end);
}

/* Walks extension headers to the L4 header or a fragment header; returns the
 * offset of what follows from l3, or a negative reason. */
static __always_inline int inner_ipv6_exts(struct vxp_pkt *p, void *l3, __u32 tot, void *end)
{
	struct ipv6_frag_hdr *fh;
	struct ipv6_ext_hdr *eh;
	__u32 off = sizeof(struct ipv6hdr);
	int i;

#pragma unroll
	for (i = 0; i < VXP_IPV6_EXT_MAX; i++) {
		switch (p->l4_proto) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			/* inside the payload length, which lies inside the frame */
			if (off + sizeof(*eh) > tot)
				return -VXP_REASON_INNER_MALFORMED;
			eh = l3 + (off & 0xffff);
			if ((void *)(eh + 1) > end)
				return -VXP_REASON_INNER_TRUNCATED;
			if (p->l4_proto == IPPROTO_ROUTING && eh->segments_left)
				p->routed = 1;
			p->l4_proto = eh->nexthdr;
			off += (eh->hdrlen + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			if (off + sizeof(*fh) > tot)
				return -VXP_REASON_INNER_MALFORMED;
			fh = l3 + (off & 0xffff);
			if ((void *)(fh + 1) > end)
				return -VXP_REASON_INNER_TRUNCATED;
			p->l4_proto = fh->nexthdr;
			p->frag_id = fh->id;
			off += sizeof(*fh);
			/* what follows a later fragment's header is the middle
			 * of the datagram, not headers (RFC 8200 4.5) */
			if (fh->frag_off & bpf_htons(IPV6_FRAG_OFFSET)) {
				p->frag = VXP_FRAG_LATER;
				return (int)off; /* inside tot: checked above */
			}
			if (fh->frag_off & bpf_htons(IPV6_FRAG_MF))
				p->frag = VXP_FRAG_FIRST;
			break;
		default:
			return off > tot ? -VXP_REASON_INNER_MALFORMED : (int)off;
		}
	}
	return off > tot ? -VXP_REASON_INNER_MALFORMED : (int)off;
}

static __always_inline int inner_ipv6(struct vxp_pkt *p, void *l3, void *end)
{
	struct ipv6hdr *ip6h = l3;
	__u32 tot;
	int off;

	if ((void *)(ip6h + 1) > end)
		return VXP_REASON_INNER_TRUNCATED;
	if (ip6h->version != 6)
		return VXP_REASON_INNER_MALFORMED;
	tot = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	if (l3 + tot > end)
		return VXP_REASON_INNER_TRUNCATED;
	p->l4_proto = ip6h->nexthdr;
	off = inner_ipv6_exts(p, l3, tot, end);
	if (off < 0)
		return -off;
	if (p->frag == VXP_FRAG_LATER) {
		p->events |= 1U << VXP_EVENT_FRAG_LATER;
		return VXP_CONTINUE;
	}
	if (p->frag == VXP_FRAG_FIRST)
		p->events |= 1U << VXP_EVENT_FRAG_FIRST;
	return inner_ports(p, l3 + (off & 0xffff), l3 + tot, end);
}

/* Step 3. */
static __always_inline int step_check_inner(struct xdp_md *ctx, struct vxp_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (p->l3_proto == bpf_htons(ETH_P_IP))
		return inner_ipv4(p, data + ETH_HLEN, end);
	return inner_ipv6(p, data + ETH_HLEN, end);
}

#endif /* VXP_INNER_H */
