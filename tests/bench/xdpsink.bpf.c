// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The bench's sink: counts and drops every frame, the fastest receiver there
 * is, on the collector's interface or (for the ceiling) on the ingress. With
 * udp_port set, it counts only IPv4 UDP to that port (what the pipeline
 * forwarded, not the neighbours' chatter). And the bench's floor, xdp_strip:
 * strips the outer headers of VXLAN over IPv4 without options and redirects
 * the inner frame to a fixed egress and next hop: no checks, no NAT, no FIB,
 * the least any XDP forwarder of this traffic does. */
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

/* xdp_strip's egress and next hop, set before load */
const volatile __u32 strip_ifindex;
const volatile __u8 strip_dmac[ETH_ALEN];
const volatile __u8 strip_smac[ETH_ALEN];

#define OUTER_LEN (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr) + 8)

SEC("xdp")
int xdp_strip(struct xdp_md *ctx)
{
	struct ethhdr *eth;
	int i;

	if (bpf_xdp_adjust_head(ctx, (int)OUTER_LEN))
		return XDP_DROP;
	eth = (void *)(long)ctx->data;
	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return XDP_DROP;
	for (i = 0; i < ETH_ALEN; i++) {
		eth->h_dest[i] = strip_dmac[i];
		eth->h_source[i] = strip_smac[i];
	}
	return bpf_redirect(strip_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
