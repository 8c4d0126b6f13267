/* SPDX-License-Identifier: GPL-2.0-only */
/* Shorthands for the frames the BPF tests build: the mirror source sends VXLAN
 * to in0 (10.0.0.1, fd00::1); inner frames carry their own MACs. */
#ifndef VXP_TEST_SPECS_H
#define VXP_TEST_SPECS_H

#include <netinet/in.h>
#include "dprun.h"

#define INNER_DMAC                                 \
	{                                          \
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x01 \
	}
#define INNER_SMAC                                 \
	{                                          \
		0x0a, 0x00, 0x00, 0x00, 0x00, 0x02 \
	}

#define L2_OUTER  .outer_l2 = { .dst = MAC_IN0, .src = MAC_PEER }
#define L2_INNER  .l2 = { .dst = INNER_DMAC, .src = INNER_SMAC }
#define IP_OUTER4 .outer_ip = { .family = 4, .src = "10.0.0.2", .dst = "10.0.0.1" }
#define IP_OUTER6 .outer_ip = { .family = 6, .src = "fd00::2", .dst = "fd00::1" }

/* VXLAN over IPv4 or IPv6 with VNI 42 and a plain inner Ethernet header */
#define VX4 .vxlan = true, L2_OUTER, IP_OUTER4, .vni = 42, L2_INNER
#define VX6 .vxlan = true, L2_OUTER, IP_OUTER6, .vni = 42, L2_INNER

#define UDP4(s, d)  .ip = { .family = 4, .src = s, .dst = d, .proto = IPPROTO_UDP }
#define TCP4(s, d)  .ip = { .family = 4, .src = s, .dst = d, .proto = IPPROTO_TCP }
#define UDP6(s, d)  .ip = { .family = 6, .src = s, .dst = d, .proto = IPPROTO_UDP }
#define TCP6(s, d)  .ip = { .family = 6, .src = s, .dst = d, .proto = IPPROTO_TCP }
#define PORTS(s, d) .l4 = { .sport = s, .dport = d, .payload = 32 }

/* A fragment of a UDP datagram from 10.0.5.1 to 10.2.99.7 (IPv6: fd00:5::1 to
 * fd02::99:7) with identification id_: bytes [off, off + len) of it, and
 * more after them or not. DGRAM is the whole datagram's UDP header and
 * payload, to destination port dp. */
#define FRAG4(id_, off, len, more)    \
	.ip = { .family = 4,          \
		.src = "10.0.5.1",    \
		.dst = "10.2.99.7",   \
		.proto = IPPROTO_UDP, \
		.id = id_,            \
		.frag_off = off,      \
		.frag_len = len,      \
		.mf = more }
#define FRAG6(id_, off, len, more)    \
	.ip = { .family = 6,          \
		.src = "fd00:5::1",   \
		.dst = "fd02::99:7",  \
		.proto = IPPROTO_UDP, \
		.frag_id6 = id_,      \
		.frag_off = off,      \
		.frag_len = len,      \
		.mf = more }
#define DGRAM(dp) .l4 = { .sport = 1, .dport = dp, .payload = 136 }

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* VXP_TEST_SPECS_H */
