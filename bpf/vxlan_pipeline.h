/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The kernel/user ABI of the data plane: map keys and values, settings, and the
 * one enum of counter reasons. Included by bpf/ and src/ alike. */
#ifndef VXLAN_PIPELINE_H
#define VXLAN_PIPELINE_H

#include <linux/types.h>

#define VXP_VXLAN_PORT_DEFAULT 4789
/* The maps' layout: bump it with any change to a map's key, value or meaning,
 * so that a restarted daemon never reuses a map from systemd's fd store that
 * it would misread (src/daemon/datapath.c). */
#define VXP_ABI_VERSION		 3
#define VXP_DF_THRESHOLD_DEFAULT 1400
/* A DF threshold at or above this never clears DF: no IPv4 packet is longer. */
#define VXP_DF_THRESHOLD_OFF 65535

#define VXP_VNI_BITS	      24
#define VXP_VNI_WORDS	      (1U << (VXP_VNI_BITS - 6)) /* one bit per VNI */
#define VXP_NAT_ENTRIES_MAX   8192			 /* per table, rules plus port markers */
#define VXP_FRAG_ENTRIES_MAX  16384
#define VXP_TX_PORTS_MAX      64
#define VXP_NEIGH_ENTRIES_MAX 256  /* next hops waiting for resolution */
#define VXP_RULES_MAX	      8192 /* NAT rules as configured */
/* Slots of vxp_rules: a reload that replaces every rule needs as many slots
 * that no rule in force holds as there are rules. */
#define VXP_RULE_SLOTS	  (2 * VXP_RULES_MAX)
#define VXP_FEATURES_RING (256 * 1024) /* bytes: about 4600 records */
/* The program wakes the ring's reader only once this much waits in it; the
 * reader also drains it every VXP_FEATURES_DRAIN_MS. A wake-up per record
 * costs the sending CPU microseconds (an irq_work and a cross-CPU wake). */
#define VXP_FEATURES_WAKEUP   (VXP_FEATURES_RING / 8)
#define VXP_FEATURES_DRAIN_MS 100

/*
 * Every packet that reaches the VXLAN port ends in exactly one counted reason.
 * Reasons are grouped by the outcome they imply; X(name, outcome, "label")
 * keeps enum, outcome and the label user space prints in one place.
 *
 *   PASS      ours by port, rejected: returned with XDP_PASS, unchanged
 *   DROP      decapsulated and dropped
 *   KERNEL    decapsulated, handed to the kernel stack with XDP_PASS
 *   REDIRECT  decapsulated and forwarded with bpf_redirect_map
 *
 * The packets are copies whose sources are real hosts that never sent them to
 * us: the kernel gets one only to fragment it (frag_needed, DF cleared, its
 * next hop known, no IPv4 options); whatever it would answer with ICMP (TTL
 * expiring, no route, a local, broadcast or multicast destination, a missing
 * neighbour, IPv6 too big) is dropped.
 */
#define VXP_REASONS(X)                                          \
	X(VXLAN_FILTERED, PASS, "vxlan_filtered")               \
	X(INNER_TRUNCATED, DROP, "inner_truncated")             \
	X(INNER_MALFORMED, DROP, "inner_malformed")             \
	X(INNER_NOT_IP, DROP, "inner_not_ip")                   \
	X(INNER_TOO_DEEP, DROP, "inner_headers_too_deep")       \
	X(INNER_UDP6_NO_CSUM, DROP, "inner_udp6_zero_checksum") \
	X(INNER_ROUTED, DROP, "inner_routing_header")           \
	X(FRAG_ORPHAN, DROP, "frag_orphan")                     \
	X(NAT_UNMATCHED, DROP, "nat_unmatched")                 \
	X(BLACKHOLE, DROP, "blackhole")                         \
	X(UNREACHABLE, DROP, "unreachable")                     \
	X(PROHIBITED, DROP, "prohibited")                       \
	X(FWD_DISABLED, DROP, "forwarding_disabled")            \
	X(INTERNAL, DROP, "internal_error")                     \
	X(NO_NEIGH, DROP, "no_neighbour")                       \
	X(TTL_EXPIRING, DROP, "ttl_expiring")                   \
	X(NOT_FORWARDED, DROP, "not_forwarded")                 \
	X(NO_TX_PORT, DROP, "egress_not_in_tx_ports")           \
	X(ROUTE_UNSUPPORTED, DROP, "route_unsupported")         \
	X(TOO_BIG, DROP, "too_big")                             \
	X(FRAG_NEEDED, KERNEL, "frag_needed")                   \
	X(FORWARDED, REDIRECT, "forwarded")

enum vxp_outcome {
	VXP_OUTCOME_PASS,
	VXP_OUTCOME_DROP,
	VXP_OUTCOME_KERNEL,
	VXP_OUTCOME_REDIRECT,
	VXP_OUTCOME__COUNT
};

enum vxp_reason {
#define VXP_REASON_ENUM(name, outcome, label) VXP_REASON_##name,
	VXP_REASONS(VXP_REASON_ENUM)
#undef VXP_REASON_ENUM
		VXP_REASON__COUNT
};

/* Everything else is not ours: returned with XDP_PASS, unchanged and not
 * counted, so that traffic pays nothing for a counter nobody needs (the
 * interface's own counters have it). Like every value the program's steps
 * return, it is no negative number; it lies beyond the counted reasons. */
#define VXP_NOT_OURS (VXP_REASON__COUNT + 1)

static inline enum vxp_outcome vxp_reason_outcome(int reason)
{
	switch (reason) {
	case VXP_NOT_OURS:
		return VXP_OUTCOME_PASS;
#define VXP_REASON_CASE(name, outcome, label) \
	case VXP_REASON_##name:               \
		return VXP_OUTCOME_##outcome;
		VXP_REASONS(VXP_REASON_CASE)
#undef VXP_REASON_CASE
	default:
		return VXP_OUTCOME_DROP;
	}
}

/* Things that happen to a packet on its way, besides its one reason. */
#define VXP_EVENTS(X)                                                                       \
	X(NAT_HIT, "nat_hit")                                                               \
	X(DF_CLEARED, "df_cleared")                                                         \
	X(FRAG_FIRST, "fragment_first")                                                     \
	X(FRAG_LATER, "fragment_later")                                                     \
	X(SAMPLED, "sampled")                                                               \
	X(SAMPLE_LOST, "sample_lost")		 /* the feature ring was full */            \
	X(FRAG_MAP_FAILED, "fragment_map_error") /* a first fragment's decision not kept */ \
	X(REDIRECT_FAILED, "redirect_failed")	 /* forwarded, then refused by the egress */

enum vxp_event {
#define VXP_EVENT_ENUM(name, label) VXP_EVENT_##name,
	VXP_EVENTS(VXP_EVENT_ENUM)
#undef VXP_EVENT_ENUM
		VXP_EVENT__COUNT
};

struct vxp_counter {
	__u64 packets;
	__u64 bytes; /* frame length as received, outer headers included */
};

/* The one value of the per-CPU map vxp_stats. */
struct vxp_stats {
	struct vxp_counter reason[VXP_REASON__COUNT];
	__u64 event[VXP_EVENT__COUNT];
};

/* Settings reload may change; they live in the program's .data (vxp_cfg). */
#define VXP_SETTINGS_ANY_VNI (1U << 0) /* accept every VNI, ignore vxp_vni */
/* Leave the per-rule counters alone: what make bench-prog compares them with. */
#define VXP_SETTINGS_NO_RULE_COUNTS (1U << 2)
/* Drop inner packets no NAT rule matched, instead of forwarding them to their
 * original destination: a mirror target that forwards them replays mirrored
 * traffic onto the network it came from. */
#define VXP_SETTINGS_DROP_UNMATCHED (1U << 1)

struct vxp_settings {
	__u32 flags;
	__u32 df_threshold; /* clear DF on inner IPv4 longer than this */
	__u32 sample_rate;  /* contract step 8, feature sampling: 1 in N, 0 off */
	__u32 reserved;
};

/* The ingress interface as the program sees it, in its .bss (vxp_in), kept
 * current by the daemon from netlink: its MAC, the destination of whatever
 * the kernel takes over (the outer frame's may be multicast, or another
 * host's); its addresses, the only outer destinations whose VXLAN is ours
 * (contract step 1). A few, compared in turn: cheaper than a hash lookup. */
#define VXP_LOCAL_ADDRS_MAX 16 /* per family */

struct vxp_ingress {
	__u8 mac[6];
	__u8 n4; /* addresses in v4[], then in v6[] */
	__u8 n6;
	__be32 v4[VXP_LOCAL_ADDRS_MAX];
	__u64 v6[VXP_LOCAL_ADDRS_MAX][2]; /* the 16 bytes as two words */
};

#define VXP_AF_INET  4
#define VXP_AF_INET6 6

union vxp_addr {
	__be32 v4;
	__be32 v6[4];
	__u8 bytes[16];
};

enum vxp_nat_match {
	VXP_NAT_MATCH_DST = 1, /* destination port */
	VXP_NAT_MATCH_SRC = 2, /* source port */
};

/*
 * A NAT table maps (family, protocol, match, port[, inner destination]) to a
 * target. The program looks up the destination port first, then the source
 * port; for each it first reads the entry with an all-zero address, which
 * carries the port's flags, and only when VXP_NAT_F_ADDR_RULES is set looks up
 * the exact destination address. So a port has one entry with address zero
 * whenever it has any rule: the wildcard rule itself (VXP_NAT_F_WILDCARD), or
 * a marker without it.
 */
struct vxp_nat_key {
	__u8 family; /* VXP_AF_INET or VXP_AF_INET6 */
	__u8 proto;  /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 match;  /* enum vxp_nat_match */
	__u8 pad;
	__be16 port;
	__u16 pad2;
	union vxp_addr daddr; /* zero: any inner destination */
};

#define VXP_NAT_F_WILDCARD   (1U << 0) /* this zero-address entry is a rule */
#define VXP_NAT_F_ADDR_RULES (1U << 1) /* rules with an address exist for this port */

struct vxp_nat_value {
	union vxp_addr addr; /* new inner destination address */
	__be16 port;	     /* new destination port, 0 keeps it */
	__u16 flags;
	/* the rule's slot in vxp_rules: the daemon keeps a rule's slot while
	 * the rule stays, across reloads and restarts */
	__u32 rule_id;
};

/*
 * The next hop to a rule's target as bpf_fib_lookup found it for the rule's
 * last packet on this CPU, valid while gen is the generation now in force
 * (vxp_nh_gen in the program's .bss): the daemon moves it on at every
 * route, neighbour, link or address event, and once a second.
 */
struct vxp_nexthop {
	__u32 gen; /* never 0, which the generation skips */
	__u32 ifindex;
	__u16 mtu; /* the route's: longer packets go the kernel's way */
	__u8 dmac[6];
	__u8 smac[6];
	__u16 pad;
};

/* A NAT rule's state, per CPU, by its slot: what it matched (frames as
 * received, like the reason counters) and its next hop. */
struct vxp_rule_state {
	__u64 packets;
	__u64 bytes;
	struct vxp_nexthop nh;
};

/* Contract step 8: one sampled decapsulated packet, as it arrived (before
 * NAT), with what became of it. */
struct vxp_feature {
	__u64 ts_ns;	      /* bpf_ktime_get_ns() when seen: CLOCK_MONOTONIC */
	union vxp_addr saddr; /* inner, before NAT */
	union vxp_addr daddr;
	__be16 sport; /* 0 without ports */
	__be16 dport;
	__u32 vni;
	__u16 len;   /* inner IP total length */
	__u8 family; /* VXP_AF_INET or VXP_AF_INET6 */
	__u8 proto;
	__u8 reason; /* enum vxp_reason */
	__u8 pad[7];
};

/* The first fragment's decision, for the fragments that follow it, keyed by
 * the datagram's identity: (source, destination, identification) for IPv6 as
 * RFC 8200 4.5 defines it, where every fragment's header may name another
 * next header than the protocol the first one reveals; IPv4 adds the protocol
 * (RFC 791), which every fragment carries alike. */
struct vxp_frag_key {
	__u8 family;
	__u8 proto; /* IPv4 protocol; 0 for IPv6 */
	__u16 pad;
	__u32 id; /* IPv4 identification or IPv6 fragment identification */
	union vxp_addr saddr;
	union vxp_addr daddr; /* as the fragments carry it: before NAT */
};

enum vxp_frag_action {
	VXP_FRAG_KEEP, /* no rule: as unmatched packets go */
	VXP_FRAG_NAT,  /* rewrite the destination to addr */
	VXP_FRAG_DROP, /* dropped for reason, and so is the rest */
};

/* A next hop bpf_fib_lookup found without a neighbour entry: for the daemon
 * to have the kernel resolve (vxp_neigh; the value is when it was seen). */
struct vxp_neigh_key {
	__u32 ifindex;
	__u8 family; /* VXP_AF_INET or VXP_AF_INET6 */
	__u8 pad[3];
	union vxp_addr addr;
};

struct vxp_frag_value {
	__u8 action; /* enum vxp_frag_action */
	__u8 reason; /* VXP_FRAG_DROP: the first fragment's reason */
	__u16 rule;  /* VXP_FRAG_NAT: the rule's slot */
	union vxp_addr addr;
};
_Static_assert(VXP_REASON__COUNT <= 0xff && VXP_RULE_SLOTS <= 0x10000,
	       "struct vxp_frag_value holds every reason and every rule slot");

#endif /* VXLAN_PIPELINE_H */
