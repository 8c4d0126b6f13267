// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A program the verifier must reject (it reads the packet without a bounds
 * check), for the test of what the daemon logs when that happens. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int rejected(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;

	return data[100] ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
