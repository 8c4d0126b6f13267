/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-trafficgen's in-kernel sender: BPF_PROG_TEST_RUN in live-frames mode
 * transmits a flow's frame n times, stamped by bpf/tg_xmit.bpf.c. */
#ifndef VXP_TG_XDP_H
#define VXP_TG_XDP_H

#include "tg.h"

struct tg_xdp;

/* Loads the sender for nflows flows of frames laid out as frames[0], to leave
 * through ifindex; frames are the nframes flows this sender transmits. NULL
 * with errno when the kernel cannot (no live-frames mode before 5.18). */
struct tg_xdp *tg_xdp_open(const struct tg_frame *frames, unsigned nframes, unsigned nflows,
			   bool udp, int ifindex);
void tg_xdp_close(struct tg_xdp *x);
/* Transmits n copies of f. Returns 0 or -errno. */
int tg_xdp_send(struct tg_xdp *x, const struct tg_frame *f, unsigned n);

#endif /* VXP_TG_XDP_H */
