// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The bench's sink: counts and drops every frame, the fastest receiver there
 * is, on the collector's interface or (for the ceiling) on the ingress. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sink_count {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sink_count);
} sink_stats SEC(".maps");

SEC("xdp")
int xdp_sink(struct xdp_md *ctx)
{
	struct sink_count *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&sink_stats, &zero);
	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
