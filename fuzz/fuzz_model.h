/* SPDX-License-Identifier: GPL-2.0-only */
/* The fuzzer's own model of the data plane contract (DESIGN.md §3, README's
 * "What the data plane does"), written from the text and never from bpf/: what
 * a frame is, which reason it must end in up to the FIB lookup, and what NAT,
 * DF and forwarding may change in it. */
#ifndef VXP_FUZZ_MODEL_H
#define VXP_FUZZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "libvxp/nat_table.h"

/* What step 1 makes of a frame. */
enum model_kind {
	MODEL_NOT_OURS, /* XDP_PASS, unchanged, not counted */
	MODEL_FILTERED, /* our port but no I flag or a VNI not allowed */
	MODEL_DECAP,	/* ours: decapsulated, counted by reason */
};

enum model_frag {
	MODEL_FRAG_NONE,
	MODEL_FRAG_FIRST,
	MODEL_FRAG_LATER,
};

/* Reasons the model predicts; MODEL_STEP6 means "one of the FIB lookup's". */
#define MODEL_STEP6 (-10)

struct model_nat {
	bool hit;
	uint8_t addr[16]; /* new destination (4 bytes used for IPv4) */
	uint16_t port;	  /* new destination port, 0 keeps it */
	int rule;	  /* index in the rule list, -1 for a fragment's remembered decision */
};

struct model_frame {
	enum model_kind kind;
	int outer_family; /* 4 or 6; 0 when not IP */
	int outer_vlans;
	uint32_t vni;
	/* from step 2 on */
	int inner_vlans;
	size_t l3;	    /* offset of the inner L3 header in the input */
	uint16_t ethertype; /* inner, after its tags */
	uint8_t inner_smac[6];
	/* step 3 */
	int family;   /* 4 or 6 when the inner packet is IP */
	uint32_t tot; /* IP length, header included */
	uint32_t ihl; /* IPv4 header bytes */
	uint8_t proto;
	int n_ext;   /* IPv6 extension headers walked */
	bool routed; /* IPv6: a routing header with segments left on the way */
	enum model_frag frag;
	uint32_t frag_id;
	uint8_t frag_nh; /* IPv4 protocol, or the IPv6 fragment header's next header */
	size_t l4;	 /* offset of TCP/UDP from l3; 0 without ports */
	uint16_t sport, dport;
	bool df;
	uint8_t ttl;
	uint8_t saddr[16], daddr[16];
	/* steps 4 and 5 */
	struct model_nat nat;
	bool df_clear;
	/* what the program must count: a reason, VXP_NOT_OURS, or MODEL_STEP6 */
	int reason;
	uint32_t events; /* bits of enum vxp_event besides sampling */
	bool sampled;	 /* the feature record is due (sampling 1 in 1) */
	/* a case the contract leaves open: the model checks less */
	const char *unsure;
};

struct model_settings {
	/* the ingress interface's own addresses: only VXLAN to them is ours */
	const uint8_t (*local4)[4];
	size_t n_local4;
	const uint8_t (*local6)[16];
	size_t n_local6;
	const uint32_t *vnis;
	size_t n_vnis;
	uint16_t vxlan_port;
	uint32_t df_threshold;
	bool drop_unmatched;
	const struct nat_rule *rules;
	size_t n_rules;
};

/* Forgets every remembered first fragment (one fuzz input starts clean). */
void model_frag_reset(void);

/* Classifies a frame and predicts its reason and events; remembers a first
 * fragment's NAT decision for the fragments after it, as the data plane must. */
void model_frame(const struct model_settings *set, const uint8_t *f, size_t len,
		 struct model_frame *m);

/* Step 6's outcome (a reason of the FIB lookup's group), which depends on
 * routes the model does not read: fills in what the contract says follows
 * from it (DF cleared on what the kernel fragments). Returns NULL, or what in
 * the frame contradicts the outcome. */
const char *model_step6(struct model_frame *m, int reason);

/* The NAT rule for a packet (DESIGN.md §3 step 4: destination port before
 * source port; a rule naming the destination address before one that does not). */
int model_nat_lookup(const struct model_settings *set, int family, uint8_t proto, uint16_t sport,
		     uint16_t dport, const uint8_t *daddr);

uint16_t model_get16(const uint8_t *p);

#endif /* VXP_FUZZ_MODEL_H */
