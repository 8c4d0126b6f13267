/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-trafficgen's frames: one prepared frame per flow (outer Ethernet, IP,
 * UDP and VXLAN around an inner Ethernet, IP and UDP or TCP packet), and the
 * per-packet stamp of sequence number and time with incremental checksums. */
#ifndef VXP_TG_FRAME_H
#define VXP_TG_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "tg.h"

/* Builds flow number flow's frame with seq 0 and time 0. Returns 0, or -EINVAL
 * with a reason in err when the configuration cannot make such a frame. */
int tg_frame_build(const struct tg_config *cfg, unsigned flow, struct tg_frame *f, char *err,
		   size_t errsize);
/* Writes seq and time into buf, a copy of f's frame as built, and keeps its
 * checksums right. */
void tg_frame_stamp(const struct tg_frame *f, uint8_t *buf, uint32_t seq, uint64_t sent_ns);
/* The payload byte at offset i of a flow's payload (past struct tg_payload);
 * fixed per flow, so stamping a packet changes only seq and time. */
static inline uint8_t tg_pattern(uint16_t flow, size_t i)
{
	return (uint8_t)(flow * 131 + i * 7 + 1);
}
/* The inner source port of a flow. */
uint16_t tg_flow_sport(const struct tg_config *cfg, unsigned flow);
/* The outer UDP source port AWS would choose: a hash of the inner 5-tuple
 * into 49152-65535, as RFC 7348 recommends. */
uint16_t tg_outer_sport(const struct tg_config *cfg, unsigned flow);

#endif /* VXP_TG_FRAME_H */
