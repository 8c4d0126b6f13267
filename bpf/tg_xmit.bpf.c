// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* vxlan-trafficgen's in-kernel sender: run by BPF_PROG_TEST_RUN in live-frames
 * mode on a flow's prepared frame, it restores the frame's headers, stamps it
 * with the flow's next sequence number and the time, keeps the checksums
 * right, and transmits it with XDP_TX: no socket, no skb. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TG_FLOWS_MAX 65536
#define TG_HEAD_MAX  192 /* outer and inner headers and struct tg_payload */

/* Live frames come from recycled pages holding what the last user left, and
 * a receiver such as the pipeline rewrites headers in place (MACs, NAT, TTL):
 * each frame gets its flow's headers back from here first. */
struct head {
	__u8 b[TG_HEAD_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* the number of flows, set before loading */
	__type(key, __u32);
	__type(value, struct head);
} heads SEC(".maps");

const volatile __u32 head_len; /* bytes of the head to restore, a multiple of 8 */

/* where the frame's parts are, as tg_frame_build() laid them out */
const volatile __u32 payload_off;    /* struct tg_payload: magic, flow, seq, sent_ns */
const volatile __u32 l4_csum_off;    /* inner L4 checksum */
const volatile __u32 outer_csum_off; /* outer UDP checksum over IPv6, or 0 */
const volatile __u32 tcp_seq_off;    /* inner TCP sequence number, or 0 */
const volatile __u32 tcp_step;
const volatile __u32 is_udp;

__s64 realtime_offset;	  /* CLOCK_REALTIME - CLOCK_MONOTONIC, set by user space */
__u32 seqs[TG_FLOWS_MAX]; /* next sequence number per flow; a flow has one thread */

static __always_inline __u32 add16(__u32 sum, __u16 old, __u16 new)
{
	return sum + (__u16)~old + new;
}

static __always_inline __u16 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* RFC 1624 eqn. 3 for the words that changed; sum holds ~old + new of each.
 * A UDP checksum that computes to zero is sent as 0xffff. */
static __always_inline void csum_update(__u16 *field, __u32 sum, int udp)
{
	__u16 c = (__u16)~fold(sum + (__u16) ~*field);

	*field = c || !udp ? c : 0xffff;
}

SEC("xdp")
int tg_xmit(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u16 *pay = data + (payload_off & 0x3fff), *csum = data + (l4_csum_off & 0x3fff);
	__u16 *ocsum = data + (outer_csum_off & 0x3fff), *tseq = data + (tcp_seq_off & 0x3fff);
	__u16 new[8];
	__u32 sum = 0, seq, flow, tcp;
	__u64 ns;
	int i;

	struct head *h;

	if ((void *)(pay + 8) > end || (void *)(csum + 1) > end || (void *)(ocsum + 1) > end ||
	    (void *)(tseq + 2) > end)
		return XDP_ABORTED;
	flow = bpf_ntohs(pay[1]) & (TG_FLOWS_MAX - 1); /* receivers leave payloads alone */
	h = bpf_map_lookup_elem(&heads, &flow);
	if (!h)
		return XDP_ABORTED;
#pragma unroll
	for (i = 0; i < TG_HEAD_MAX / 8; i++) {
		if ((__u32)i * 8 >= head_len)
			break;
		if (data + (i + 1) * 8 > end)
			return XDP_ABORTED;
		((__u64 *)data)[i] = ((__u64 *)h->b)[i];
	}
	seq = seqs[flow & (TG_FLOWS_MAX - 1)]++; /* the lookup spilled flow: bound it again */
	ns = bpf_ktime_get_ns() + realtime_offset;
	new[0] = bpf_htons(seq >> 16);
	new[1] = bpf_htons(seq & 0xffff);
#pragma unroll
	for (i = 0; i < 4; i++)
		new[2 + i] = bpf_htons((ns >> (48 - 16 * i)) & 0xffff);
	tcp = 1 + seq * tcp_step;
	new[6] = bpf_htons(tcp >> 16);
	new[7] = bpf_htons(tcp & 0xffff);
#pragma unroll
	for (i = 0; i < 6; i++) { /* payload words 2..7: seq and sent_ns */
		sum = add16(sum, pay[2 + i], new[i]);
		pay[2 + i] = new[i];
	}
	if (tcp_seq_off) {
		sum = add16(sum, tseq[0], new[6]);
		sum = add16(sum, tseq[1], new[7]);
		tseq[0] = new[6];
		tseq[1] = new[7];
	}
	new[0] = *csum;
	csum_update(csum, sum, is_udp);
	/* the outer checksum covers all of the above, the inner checksum too */
	if (outer_csum_off)
		csum_update(ocsum, add16(sum, new[0], *csum), 1);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
