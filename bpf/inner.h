/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Contract step 3: the inner packet must be whole IPv4 or IPv6. Its length field
 * is checked against what arrived (AWS truncates mirrored packets to the target
 * MTU), and its ports and fragment position are read for NAT. */
#ifndef VXP_INNER_H
#define VXP_INNER_H

#include <stdbool.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include "parse.h"
#include "maps.h"

/* Hop-by-hop, destination options, routing and AH headers: 8 bytes at
 * least; the routing header's own fields open it. */
struct vxp_ipv6_ext_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 routing_type;
	__u8 segments_left;
	__u32 data;
};

struct vxp_ipv6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset << 3 | M flag */
	__be32 id;
};

/* No single-buffer XDP frame is longer: a bound for offsets the verifier
 * cannot follow. */
#define VXP_PKT_OFF_MAX 0x3fff

/* The least of an extension header, and all of a fragment header. */
#define VXP_IPV6_EXT_MIN 8
_Static_assert(sizeof(struct vxp_ipv6_ext_hdr) == VXP_IPV6_EXT_MIN &&
		       sizeof(struct vxp_ipv6_frag_hdr) == VXP_IPV6_EXT_MIN,
	       "the walk checks one length for both headers");

#define VXP_IPV6_FRAG_OFFSET 0xfff8
#define VXP_IPV6_FRAG_MF     0x0001

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
	p->ip_len = (__u16)tot;
	p->ttl = iph->ttl;
	p->l4_proto = iph->protocol;
	if (iph->frag_off & bpf_htons(VXP_IP_OFFSET)) {
		p->frag = VXP_FRAG_LATER;
		p->frag_id = iph->id;
		p->events |= 1U << VXP_EVENT_FRAG_LATER;
		return VXP_CONTINUE;
	}
	if (iph->frag_off & bpf_htons(VXP_IP_MF)) {
		p->frag = VXP_FRAG_FIRST;
		p->frag_id = iph->id;
		p->events |= 1U << VXP_EVENT_FRAG_FIRST;
	}
	return inner_ports(p, l3 + hlen, l3 + tot, end);
}

static __always_inline bool ipv6_is_ext(__u8 nexthdr)
{
	switch (nexthdr) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case IPPROTO_FRAGMENT:
		return true;
	default:
		return false;
	}
}

/* What the walk over IPv6 extension headers found. */
struct vxp_ext_walk {
	__u32 tot;   /* in: the IP length */
	__u32 off;   /* out: where what follows the chain starts, from the IP header */
	__u8 proto;  /* in: the fixed header's next header; out: what follows */
	__u8 frag;   /* out: enum vxp_frag_kind */
	__u8 routed; /* out: a routing header with segments left */
	__u8 pad;
	__be32 frag_id;
};

/* One header of the chain (not a fragment header): w->off moves past it.
 * AH counts 4-byte units less two (RFC 4302), the others 8-byte units less
 * one. */
static __always_inline void ipv6_ext_next(struct vxp_ext_walk *w, const struct vxp_ipv6_ext_hdr *eh)
{
	__u8 type = w->proto;

	w->proto = eh->nexthdr;
	if (type == IPPROTO_ROUTING && eh->segments_left)
		w->routed = 1;
	w->off += type == IPPROTO_AH ? (eh->hdrlen + 2) * 4 : (eh->hdrlen + 1) * 8;
}

/* A fragment header: w->off moves past it. What follows a later fragment's
 * header is the middle of the datagram, not headers (RFC 8200 4.5): the walk
 * ends there. */
static __always_inline void ipv6_frag_next(struct vxp_ext_walk *w,
					   const struct vxp_ipv6_frag_hdr *fh)
{
	w->proto = fh->nexthdr;
	w->frag_id = fh->id;
	if (fh->frag_off & bpf_htons(VXP_IPV6_FRAG_OFFSET))
		w->frag = VXP_FRAG_LATER;
	else if (fh->frag_off & bpf_htons(VXP_IPV6_FRAG_MF))
		w->frag = VXP_FRAG_FIRST;
	w->off += sizeof(*fh);
}

/*
 * Walks extension headers to the L4 header or a later fragment's data, whose
 * offset from the inner L3 header it leaves in w->off; returns VXP_CONTINUE
 * or a reason. A chain longer than VXP_IPV6_EXT_MAX fails closed: without its
 * transport header, NAT cannot know where the packet should go.
 *
 * A global function: the verifier checks it once, on its own, and the
 * branches of eight headers do not multiply the paths of the whole program
 * (inlined, they took it past the verifier's million instructions). Its
 * results go through memory the verifier does not follow, for the same
 * reason.
 */
__attribute__((noinline)) int vxp_ipv6_exts(struct xdp_md *ctx, struct vxp_ext_walk *w)
{
	void *l3 = (void *)(long)ctx->data + ETH_HLEN;
	void *end = (void *)(long)ctx->data_end;
	void *h;
	int i;

	if (!w || w->tot > sizeof(struct ipv6hdr) + 0xffff)
		return VXP_REASON_INTERNAL;
	w->off = sizeof(struct ipv6hdr);
	for (i = 0; i < VXP_IPV6_EXT_MAX; i++) {
		if (!ipv6_is_ext(w->proto))
			break;
		/* every header of the chain opens with 8 bytes, inside the
		 * payload length, which lies inside the frame */
		if (w->off + VXP_IPV6_EXT_MIN > w->tot)
			return VXP_REASON_INNER_MALFORMED;
		h = l3 + (w->off & 0xffff);
		if (h + VXP_IPV6_EXT_MIN > end)
			return VXP_REASON_INNER_TRUNCATED;
		if (w->proto == IPPROTO_FRAGMENT)
			ipv6_frag_next(w, h);
		else
			ipv6_ext_next(w, h);
		if (w->off > w->tot)
			return VXP_REASON_INNER_MALFORMED;
		if (w->frag == VXP_FRAG_LATER)
			return VXP_CONTINUE;
	}
	return ipv6_is_ext(w->proto) ? VXP_REASON_INNER_TOO_DEEP : VXP_CONTINUE;
}

static __always_inline int inner_ipv6(struct xdp_md *ctx, struct vxp_pkt *p, void *l3, void *end)
{
	struct ipv6hdr *ip6h = l3;
	struct vxp_ext_walk w = {};
	__u32 off;
	int rc;

	if ((void *)(ip6h + 1) > end)
		return VXP_REASON_INNER_TRUNCATED;
	if (ip6h->version != 6)
		return VXP_REASON_INNER_MALFORMED;
	w.tot = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
	if (l3 + w.tot > end)
		return VXP_REASON_INNER_TRUNCATED;
	w.proto = ip6h->nexthdr;
	p->ip_len = (__u16)w.tot; /* the frame holds it: no more than 16 bits */
	p->ttl = ip6h->hop_limit;
	rc = vxp_ipv6_exts(ctx, &w);
	if (rc != VXP_CONTINUE)
		return rc;
	off = w.off;
	p->l4_proto = w.proto;
	p->frag = w.frag;
	p->frag_id = w.frag_id;
	p->routed = w.routed;
	if (p->frag == VXP_FRAG_LATER) {
		p->events |= 1U << VXP_EVENT_FRAG_LATER;
		return VXP_CONTINUE;
	}
	if (p->frag == VXP_FRAG_FIRST)
		p->events |= 1U << VXP_EVENT_FRAG_FIRST;
	/* the packet pointers again, after the call; an offset the verifier
	 * can bound (no XDP frame without fragments comes near it) */
	l3 = (void *)(long)ctx->data + ETH_HLEN;
	end = (void *)(long)ctx->data_end;
	if (off > VXP_PKT_OFF_MAX || l3 + w.tot > end)
		return VXP_REASON_INTERNAL;
	return inner_ports(p, l3 + (off & VXP_PKT_OFF_MAX), l3 + w.tot, end);
}

/* Step 3. */
static __always_inline int step_check_inner(struct xdp_md *ctx, struct vxp_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (p->l3_proto == bpf_htons(ETH_P_IP))
		return inner_ipv4(p, data + ETH_HLEN, end);
	return inner_ipv6(ctx, p, data + ETH_HLEN, end);
}

#endif /* VXP_INNER_H */
