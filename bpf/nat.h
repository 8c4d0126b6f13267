/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Contract step 4: stateless destination NAT by port, with incremental checksum
 * updates, and the fragment map that gives every fragment of a datagram the
 * first fragment's decision. */
#ifndef VXP_NAT_H
#define VXP_NAT_H

#include <stdbool.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include "csum.h"
#include "maps.h"

static __always_inline __u8 pkt_family(const struct vxp_pkt *p)
{
	return p->l3_proto == bpf_htons(ETH_P_IP) ? VXP_AF_INET : VXP_AF_INET6;
}

/* The inner source (when saddr is not NULL) and destination addresses into
 * zeroed unions; VXP_CONTINUE, or a reason. */
static __always_inline int inner_addrs(struct xdp_md *ctx, const struct vxp_pkt *p,
				       union vxp_addr *saddr, union vxp_addr *daddr)
{
	void *l3 = (void *)(long)ctx->data + ETH_HLEN;
	void *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6h = l3;
	struct iphdr *iph = l3;

	if (p->l3_proto == bpf_htons(ETH_P_IP)) {
		if ((void *)(iph + 1) > end)
			return VXP_REASON_INTERNAL;
		if (saddr)
			saddr->v4 = iph->saddr;
		daddr->v4 = iph->daddr;
		return VXP_CONTINUE;
	}
	if ((void *)(ip6h + 1) > end)
		return VXP_REASON_INTERNAL;
	if (saddr)
		__builtin_memcpy(saddr, &ip6h->saddr, sizeof(*saddr));
	__builtin_memcpy(daddr, &ip6h->daddr, sizeof(*daddr));
	return VXP_CONTINUE;
}

/* The port's zero-address entry says whether address rules exist and whether
 * it is itself a rule; see struct vxp_nat_key. The destination address is
 * read only for a port that has address rules. */
static __always_inline struct vxp_nat_value *nat_find(struct xdp_md *ctx, const struct vxp_pkt *p,
						      void *table, struct vxp_nat_key *key)
{
	struct vxp_nat_value *port, *exact;

	port = bpf_map_lookup_elem(table, key);
	if (!port)
		return NULL;
	if (port->flags & VXP_NAT_F_ADDR_RULES) {
		if (inner_addrs(ctx, p, NULL, &key->daddr) != VXP_CONTINUE)
			return NULL;
		exact = bpf_map_lookup_elem(table, key);
		__builtin_memset(&key->daddr, 0, sizeof(key->daddr));
		/* to the unspecified address the lookup finds the marker
		 * itself, which is no address rule (rules never name it) */
		if (exact && exact != port)
			return exact;
	}
	return (port->flags & VXP_NAT_F_WILDCARD) ? port : NULL;
}

/* Destination port rules before source port rules. */
static __always_inline struct vxp_nat_value *nat_lookup(struct xdp_md *ctx, const struct vxp_pkt *p)
{
	struct vxp_nat_key key = {};
	struct vxp_nat_value *v;
	__u32 zero = 0;
	void *table;

	table = bpf_map_lookup_elem(&vxp_nat, &zero);
	if (!table)
		return NULL;
	key.family = pkt_family(p);
	key.proto = p->l4_proto;
	key.match = VXP_NAT_MATCH_DST;
	key.port = p->dport;
	v = nat_find(ctx, p, table, &key);
	if (v)
		return v;
	key.match = VXP_NAT_MATCH_SRC;
	key.port = p->sport;
	return nat_find(ctx, p, table, &key);
}

/* L4 checksum and port; diff already holds the pseudo-header change. A zero
 * UDP checksum means none and stays zero; a computed zero is sent as 0xffff. */
static __always_inline void nat_rewrite_l4(struct vxp_pkt *p, void *end, __u64 diff, __be16 port)
{
	struct tcphdr *th = p->l4;
	struct udphdr *uh = p->l4;
	__sum16 check;

	if (port)
		diff = csum_diff16(diff, p->dport, port);
	else
		port = p->dport;
	if (p->l4_proto == IPPROTO_TCP) {
		if ((void *)(th + 1) > end)
			return;
		th->check = csum_apply(th->check, diff);
		th->dest = port;
		p->dport = port;
		return;
	}
	if ((void *)(uh + 1) > end)
		return;
	if (uh->check) {
		check = csum_apply(uh->check, diff);
		uh->check = check ? check : (__sum16)0xffff;
	}
	uh->dest = port;
	p->dport = port;
}

/* The rule's state: its counters, and its next hop for step_forward(). */
static __always_inline void nat_count(struct vxp_pkt *p, __u32 rule)
{
	struct vxp_rule_state *rs = bpf_map_lookup_elem(&vxp_rules, &rule);

	p->rule = rs;
	if (rs && !(vxp_cfg.flags & VXP_SETTINGS_NO_RULE_COUNTS)) {
		rs->packets++;
		rs->bytes += p->len;
	}
}

static __always_inline int nat_apply(struct xdp_md *ctx, struct vxp_pkt *p,
				     const union vxp_addr *addr, __be16 port, __u32 rule)
{
	void *l3 = (void *)(long)ctx->data + ETH_HLEN;
	void *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6h = l3;
	struct iphdr *iph = l3;
	__u64 diff = 0;
	int i;

	/* inner_ports() proved the whole L4 header inside the IP length */
	if (p->l4 && p->l4 + sizeof(struct tcphdr) > end && p->l4_proto == IPPROTO_TCP)
		return VXP_REASON_INTERNAL;
	if (p->l3_proto == bpf_htons(ETH_P_IP)) {
		if ((void *)(iph + 1) > end)
			return VXP_REASON_INTERNAL;
		diff = csum_diff32(0, iph->daddr, addr->v4);
		iph->check = csum_apply(iph->check, diff);
		iph->daddr = addr->v4;
	} else {
		if ((void *)(ip6h + 1) > end)
			return VXP_REASON_INTERNAL;
#pragma unroll
		for (i = 0; i < 4; i++)
			diff = csum_diff32(diff, ip6h->daddr.in6_u.u6_addr32[i], addr->v6[i]);
		__builtin_memcpy(&ip6h->daddr, addr, sizeof(*addr));
	}
	if (p->l4)
		nat_rewrite_l4(p, end, diff, port);
	p->events |= 1U << VXP_EVENT_NAT_HIT;
	nat_count(p, rule);
	return VXP_CONTINUE;
}

static __always_inline int frag_key(struct xdp_md *ctx, struct vxp_frag_key *key,
				    const struct vxp_pkt *p)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->family = pkt_family(p);
	/* see struct vxp_frag_key: a later IPv6 fragment's next header need
	 * not be the protocol its first fragment reveals */
	if (key->family == VXP_AF_INET)
		key->proto = p->l4_proto;
	key->id = p->frag_id;
	return inner_addrs(ctx, p, &key->saddr, &key->daddr);
}

/* No rule applies: forwarded as it is, or dropped when so configured. */
static __always_inline int nat_unmatched(void)
{
	return (vxp_cfg.flags & VXP_SETTINGS_DROP_UNMATCHED) ? VXP_REASON_NAT_UNMATCHED
							     : VXP_CONTINUE;
}

static __always_inline bool has_ports(__u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

/* Whether a datagram whose fragment says proto may carry ports: TCP, UDP, or
 * (IPv6) headers that may stand before them. */
static __always_inline bool frag_may_have_ports(const struct vxp_pkt *p)
{
	switch (p->l4_proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		return true;
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
		return p->l3_proto == bpf_htons(ETH_P_IPV6);
	default:
		return false;
	}
}

/* A later fragment has no ports: it gets what its first fragment got, found
 * before any look at its protocol. Without a first fragment, a datagram that
 * may carry ports is dropped: NAT could not have known where it goes. */
static __always_inline int nat_frag_later(struct xdp_md *ctx, struct vxp_pkt *p,
					  const struct vxp_frag_key *key)
{
	struct vxp_frag_value *fv, copy;

	fv = bpf_map_lookup_elem(&vxp_frag, key);
	if (!fv)
		return frag_may_have_ports(p) ? VXP_REASON_FRAG_ORPHAN : nat_unmatched();
	copy = *fv; /* the LRU may reuse the element under us */
	if (copy.action == VXP_FRAG_NAT)
		return nat_apply(ctx, p, &copy.addr, 0, copy.rule);
	if (copy.action == VXP_FRAG_DROP)
		return copy.reason;
	return nat_unmatched();
}

/* Every first fragment's decision is kept, whatever its protocol: a later
 * IPv6 fragment cannot tell. A failed update is counted, since the rest of
 * the datagram then ends as orphans. */
static __always_inline void frag_remember(struct vxp_pkt *p, const struct vxp_frag_key *key,
					  const struct vxp_nat_value *v, int drop)
{
	struct vxp_frag_value fval = {};

	if (drop != VXP_CONTINUE) {
		fval.action = VXP_FRAG_DROP;
		fval.reason = (__u8)drop;
	} else if (v) {
		fval.action = VXP_FRAG_NAT;
		fval.rule = (__u16)v->rule_id;
		fval.addr = v->addr;
	}
	if (bpf_map_update_elem(&vxp_frag, key, &fval, BPF_ANY))
		p->events |= 1U << VXP_EVENT_FRAG_MAP_FAILED;
}

/* IPv6 UDP without a checksum: every receiver discards it (RFC 8200 8.1; RFC
 * 6936 lets only tunnels that opt in take it), so forwarding it, NATed or
 * not, delivers nothing. Computing the sum instead would read the whole
 * payload, up to 3.5 KiB here: far beyond the whole path's budget (five
 * times a trivial program), for packets a collector could not use anyway
 * once its own stack has a say. Dropped and counted, they show. */
static __always_inline int udp6_no_csum(struct xdp_md *ctx, const struct vxp_pkt *p)
{
	struct udphdr *uh = p->l4;

	if (p->l4_proto != IPPROTO_UDP || p->l3_proto != bpf_htons(ETH_P_IPV6) || !uh)
		return VXP_CONTINUE;
	if ((void *)(uh + 1) > (void *)(long)ctx->data_end)
		return VXP_REASON_INTERNAL;
	return uh->check ? VXP_CONTINUE : VXP_REASON_INNER_UDP6_NO_CSUM;
}

/*
 * Step 4. A packet a rule matches while an IPv6 routing header has segments
 * left is dropped, with the rest of its datagram: its destination is the next
 * segment, not the host it is for, and at the collector the routing header
 * would send it on or have it discarded with ICMP toward the inner source
 * (type 0 and unknown types, RFC 8200 4.4), never to the collector's socket.
 * Its L4 checksum covers the final destination (RFC 8200 8.1), which a
 * malformed header may not even hold.
 */
static __always_inline int step_nat(struct xdp_md *ctx, struct vxp_pkt *p)
{
	struct vxp_nat_value *v = NULL;
	struct vxp_frag_key fkey;
	int drop = VXP_CONTINUE;

	if (p->frag == VXP_FRAG_NONE && !has_ports(p->l4_proto))
		return nat_unmatched();
	if (p->frag != VXP_FRAG_NONE && frag_key(ctx, &fkey, p) != VXP_CONTINUE)
		return VXP_REASON_INTERNAL;
	if (p->frag == VXP_FRAG_LATER)
		return nat_frag_later(ctx, p, &fkey);
	if (has_ports(p->l4_proto)) {
		drop = udp6_no_csum(ctx, p);
		if (drop == VXP_CONTINUE)
			v = nat_lookup(ctx, p);
		if (v && p->routed)
			drop = VXP_REASON_INNER_ROUTED;
	}
	if (p->frag == VXP_FRAG_FIRST)
		frag_remember(p, &fkey, v, drop);
	if (drop != VXP_CONTINUE)
		return drop;
	if (!v)
		return nat_unmatched();
	return nat_apply(ctx, p, &v->addr, v->port, v->rule_id);
}

#endif /* VXP_NAT_H */
