// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Benchmark harness: BPF_PROG_TEST_RUN's repeat hands each run the frame the
 * previous run left (decapsulated, rewritten). This puts the frame back, then
 * tail-calls the program under test. Its own cost is measured on its own. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define BENCH_RESTORE_MAX 128

const volatile __u32 frame_len;	  /* length of the original frame */
const volatile __u32 restore_len; /* leading bytes the program may change */

__u8 frame_head[BENCH_RESTORE_MAX];

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} bench_target SEC(".maps");

SEC("xdp")
int bench_restore(struct xdp_md *ctx)
{
	int delta = (int)bpf_xdp_get_buff_len(ctx) - (int)frame_len;
	__u32 len = restore_len;

	if (delta && bpf_xdp_adjust_head(ctx, delta))
		return XDP_ABORTED;
	if (len > BENCH_RESTORE_MAX)
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, frame_head, len))
		return XDP_ABORTED;
	bpf_tail_call(ctx, &bench_target, 0);
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
