/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The data plane's maps, its load-time and run-time settings, and the state one
 * packet carries from step to step. */
#ifndef VXP_MAPS_H
#define VXP_MAPS_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "vxlan_pipeline.h"

/* Fixed at load (skeleton rodata): changing them needs a restart. */
const volatile __u16 vxlan_port = VXP_VXLAN_PORT_DEFAULT;

/* Changed by reload through the skeleton's mmap'ed .data: plain loads here. */
struct vxp_settings vxp_cfg = {
	.df_threshold = VXP_DF_THRESHOLD_DEFAULT,
};

/* The ingress interface (struct vxp_ingress), written by the daemon through
 * the mmap'ed .bss (all zero at load). */
struct vxp_ingress vxp_in;

/* The generation of next hops in force (struct vxp_nexthop), in .bss too:
 * the daemon sets it after load and moves it on, never to 0. */
__u32 vxp_nh_gen;

/* VNI allow-list, one bit per VNI: word vni / 64, bit vni % 64. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VXP_VNI_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} vxp_vni SEC(".maps");

/* Two NAT tables, filled one at a time and installed whole in vxp_nat[0].
 * User space fills the slot: a daemon that takes the maps over from its
 * predecessor must find the table in force there, not one libbpf put. */
struct vxp_nat_table {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VXP_NAT_ENTRIES_MAX);
	__type(key, struct vxp_nat_key);
	__type(value, struct vxp_nat_value);
} vxp_nat_a SEC(".maps"), vxp_nat_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct vxp_nat_table);
} vxp_nat SEC(".maps");

/* Common (not per-CPU) LRU: the fragments of one datagram may arrive on
 * different queues, since their outer source ports need not agree. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VXP_FRAG_ENTRIES_MAX);
	__type(key, struct vxp_frag_key);
	__type(value, struct vxp_frag_value);
} vxp_frag SEC(".maps");

/* Next hops without a neighbour entry, for the daemon to have the kernel
 * resolve (netlink, NTF_USE): the program never hands such a packet to the
 * kernel, whose failed resolution answers the inner source with ICMP. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, VXP_NEIGH_ENTRIES_MAX);
	__type(key, struct vxp_neigh_key);
	__type(value, __u64);
} vxp_neigh SEC(".maps");

/* Egress interfaces the program may redirect to, keyed by ifindex. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, VXP_TX_PORTS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} vxp_tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vxp_stats);
} vxp_stats SEC(".maps");

/* Per rule slot (the NAT value's rule_id): counters and the next hop to its
 * target, per CPU, so that the program alone writes what it reads. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VXP_RULE_SLOTS);
	__type(key, __u32);
	__type(value, struct vxp_rule_state);
} vxp_rules SEC(".maps");

/* Sampled feature records (contract step 8), for the daemon to hand on. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, VXP_FEATURES_RING);
} vxp_features SEC(".maps");

/* A step returns a reason (enum vxp_reason) that ends the packet's way,
 * VXP_NOT_OURS, or this to let the next one run: never a negative number,
 * never an offset. */
#define VXP_CONTINUE VXP_REASON__COUNT

enum vxp_frag_kind {
	VXP_FRAG_NONE,
	VXP_FRAG_FIRST,
	VXP_FRAG_LATER, /* no L4 header: takes the first fragment's decision */
};

struct vxp_pkt {
	__u32 len; /* frame length as received */
	__u32 vni;
	__u32 events; /* bit per enum vxp_event */
	void *inner;  /* inner Ethernet header, before decapsulation */
	__u8 inner_smac[ETH_ALEN];
	__be16 l3_proto; /* inner ETH_P_IP or ETH_P_IPV6 */
	__u8 l4_proto;
	__u8 frag; /* enum vxp_frag_kind */
	__be32 frag_id;
	__be16 sport; /* valid for TCP and UDP unless frag is LATER */
	__be16 dport;
	/* an IPv6 routing header with segments left: NAT cannot deliver it
	 * (step_nat) */
	__u8 routed;
	__u8 ttl;		     /* inner TTL or hop limit, as received: step_forward's */
	__u16 ip_len;		     /* inner IP length, header included */
	void *l4;		     /* after decapsulation; NULL when no ports */
	struct vxp_rule_state *rule; /* the NAT rule applied, if any */
};

#endif /* VXP_MAPS_H */
