// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The bench's sink: counts and drops every frame, the fastest receiver there
 * is, on the collector's interface or (for the ceiling) on the ingress. With
 * udp_port set, it counts only IPv4 UDP to that port (what the pipeline
 * forwarded, not the neighbours' chatter). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

const volatile __u16 udp_port; /* host order; 0 counts everything */

static __always_inline int counted(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if (!udp_port)
		return 1;
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return 0;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return 0;
	return udp->dest == bpf_htons(udp_port);
}

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
	if (c && counted(ctx)) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
