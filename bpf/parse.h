/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Header parsing helpers: each advances a cursor over one header and returns the
 * next protocol, or -1 when the header is not all there or not what it claims. */
#ifndef VXP_PARSE_H
#define VXP_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define VXP_VLAN_MAX 2
/* IPv6 extension headers walked to find the transport header: RFC 8200's
 * recommended order has six before it (hop-by-hop, destination options,
 * routing, fragment, AH, destination options), with room for two more. */
#define VXP_IPV6_EXT_MAX 8

struct vxp_cursor {
	void *pos;
	void *end;
};

struct vxp_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct vxp_vxlan_hdr {
	__be32 flags;
	__be32 vni; /* upper 24 bits */
};

#define VXP_VXLAN_FLAG_I 0x08000000U

/* IPv4 frag_off bits (the kernel keeps these out of its UAPI) */
#define VXP_IP_DF     0x4000
#define VXP_IP_MF     0x2000
#define VXP_IP_OFFSET 0x1fff

static __always_inline int proto_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

/* Ethernet and up to VXP_VLAN_MAX tags; returns the ethertype that follows them
 * (network order), which is still a VLAN type when there were more tags. */
static __always_inline int parse_ethhdr(struct vxp_cursor *c, struct ethhdr **ret_eth)
{
	struct ethhdr *eth = c->pos;
	struct vxp_vlan_hdr *vlh;
	__be16 proto;
	int i;

	if ((void *)(eth + 1) > c->end)
		return -1;
	c->pos = eth + 1;
	proto = eth->h_proto;
#pragma unroll
	for (i = 0; i < VXP_VLAN_MAX; i++) {
		if (!proto_is_vlan(proto))
			break;
		vlh = c->pos;
		if ((void *)(vlh + 1) > c->end)
			return -1;
		proto = vlh->proto;
		c->pos = vlh + 1;
	}
	*ret_eth = eth;
	return proto;
}

/* IPv4 header of any IHL; returns the L4 protocol. */
static __always_inline int parse_iphdr(struct vxp_cursor *c, struct iphdr **ret_iph)
{
	struct iphdr *iph = c->pos;
	int hlen;

	if ((void *)(iph + 1) > c->end)
		return -1;
	if (iph->version != 4)
		return -1;
	hlen = iph->ihl * 4;
	if (hlen < (int)sizeof(*iph))
		return -1;
	if (c->pos + hlen > c->end)
		return -1;
	c->pos += hlen;
	*ret_iph = iph;
	return iph->protocol;
}

/* Fixed IPv6 header only; returns its next header. */
static __always_inline int parse_ipv6hdr(struct vxp_cursor *c, struct ipv6hdr **ret_ip6h)
{
	struct ipv6hdr *ip6h = c->pos;

	if ((void *)(ip6h + 1) > c->end)
		return -1;
	if (ip6h->version != 6)
		return -1;
	c->pos = ip6h + 1;
	*ret_ip6h = ip6h;
	return ip6h->nexthdr;
}

#endif /* VXP_PARSE_H */
