// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-trafficgen's in-kernel sender: BPF_PROG_TEST_RUN in live-frames mode
 * transmits a flow's frame n times, stamped by bpf/tg_xmit.bpf.c. */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tg_xdp.h"

#define TG_HEAD_MAX 192 /* as bpf/tg_xmit.bpf.c has it */
#include "tg_xmit.skel.h"

struct tg_xdp {
	struct tg_xmit_bpf *skel;
	int prog_fd;
	int ifindex;
};

static int64_t ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One frame through live-frames mode on loopback, which cannot transmit XDP
 * frames and so drops it: does this kernel have the mode? (5.18 and later) */
static int probe(struct tg_xdp *x, const struct tg_frame *layout)
{
	int ifindex = x->ifindex, err;

	x->ifindex = (int)if_nametoindex("lo");
	err = tg_xdp_send(x, layout, 1);
	x->ifindex = ifindex;
	return err;
}

/* Each flow's headers, as tg_frame_build() made them, for the program to
 * restore on every frame. */
static int load_heads(struct tg_xdp *x, const struct tg_frame *frames, unsigned n)
{
	int fd = bpf_map__fd(x->skel->maps.heads);
	uint8_t head[TG_HEAD_MAX] = { 0 };
	unsigned i;

	for (i = 0; i < n; i++) {
		__u32 flow = frames[i].flow;

		memcpy(head, frames[i].buf, x->skel->rodata->head_len);
		if (bpf_map_update_elem(fd, &flow, head, BPF_ANY))
			return -errno;
	}
	return 0;
}

struct tg_xdp *tg_xdp_open(const struct tg_frame *frames, unsigned nframes, unsigned nflows,
			   bool udp, int ifindex)
{
	const struct tg_frame *layout = &frames[0];
	size_t head = (layout->payload_off + sizeof(struct tg_payload) + 7) / 8 * 8;
	struct tg_xdp *x = calloc(1, sizeof(*x));
	int err;

	if (!x)
		return NULL;
	if (head > TG_HEAD_MAX || head > layout->len) {
		errno = EMSGSIZE; /* headers too long to restore: AF_PACKET will do */
		goto err_free;
	}
	x->skel = tg_xmit_bpf__open();
	if (!x->skel)
		goto err_free;
	bpf_map__set_max_entries(x->skel->maps.heads, nflows);
	x->skel->rodata->head_len = (uint32_t)head;
	x->skel->rodata->payload_off = (uint32_t)layout->payload_off;
	x->skel->rodata->l4_csum_off = (uint32_t)layout->l4_csum_off;
	x->skel->rodata->outer_csum_off = (uint32_t)layout->outer_csum_off;
	x->skel->rodata->tcp_seq_off = (uint32_t)layout->tcp_seq_off;
	x->skel->rodata->tcp_step = layout->tcp_step;
	x->skel->rodata->is_udp = udp;
	if (tg_xmit_bpf__load(x->skel))
		goto err_destroy;
	err = load_heads(x, frames, nframes);
	if (err) {
		errno = -err;
		goto err_destroy;
	}
	/* bpf_ktime_get_ns() is CLOCK_MONOTONIC; receivers read CLOCK_REALTIME */
	x->skel->bss->realtime_offset = ns(CLOCK_REALTIME) - ns(CLOCK_MONOTONIC);
	x->prog_fd = bpf_program__fd(x->skel->progs.tg_xmit);
	x->ifindex = ifindex;
	err = probe(x, layout);
	if (err) {
		errno = -err;
		goto err_destroy;
	}
	x->skel->bss->seqs[layout->flow] = 0; /* the dropped probe took seq 0 */
	return x;

err_destroy:
	err = errno;
	tg_xmit_bpf__destroy(x->skel);
	errno = err;
err_free:
	free(x);
	return NULL;
}

void tg_xdp_close(struct tg_xdp *x)
{
	if (!x)
		return;
	tg_xmit_bpf__destroy(x->skel);
	free(x);
}

int tg_xdp_send(struct tg_xdp *x, const struct tg_frame *f, unsigned n)
{
	struct xdp_md ctx = { .data_end = (uint32_t)f->len,
			      .ingress_ifindex = (uint32_t)x->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->buf, .data_size_in = (uint32_t)f->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = n,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	return bpf_prog_test_run_opts(x->prog_fd, &opts) ? -errno : 0;
}
