// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Redirects that did not leave: bpf_redirect_map() succeeds when the frame is
 * queued, and the egress driver may still refuse it (a veth without GRO or an
 * XDP program on its peer, an ENA without its own program, a full ring). Two
 * tracepoints say so; these programs count, into the data plane's own
 * vxp_stats (the daemon hands them its fd), the frames our ingress sent.
 *
 * An object of its own, loaded after the data plane: BTF-typed tracepoints
 * (tp_btf, attached without tracefs) need the kernel's BTF and CAP_PERFMON,
 * and where either is missing only this count is lost. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "vxlan_pipeline.h"

/* Set before load: the ingress interface whose redirects count. */
const volatile int ingress_ifindex;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vxp_stats);
} vxp_stats SEC(".maps");

/* The field we read, found in the running kernel's BTF (CO-RE). */
struct net_device___vxp {
	int ifindex;
} __attribute__((preserve_access_index));

static __always_inline void count_failed(const struct net_device___vxp *dev, long frames)
{
	struct vxp_stats *st;
	__u32 zero = 0;

	if (frames <= 0 || !dev || dev->ifindex != ingress_ifindex)
		return;
	st = bpf_map_lookup_elem(&vxp_stats, &zero);
	if (st)
		st->event[VXP_EVENT_REDIRECT_FAILED] += (__u64)frames;
}

/* A device map's bulk transmit, (from_dev, to_dev, sent, drops, err): drops
 * are the frames ndo_xdp_xmit refused. */
SEC("tp_btf/xdp_devmap_xmit")
int vxp_xmit(__u64 *ctx)
{
	count_failed((const struct net_device___vxp *)ctx[0], (int)ctx[3]);
	return 0;
}

/* The redirect itself failed, (dev, prog, target, err, ...): an egress that
 * cannot take XDP frames, or one too small for the frame. */
SEC("tp_btf/xdp_redirect_err")
int vxp_redirect_err(__u64 *ctx)
{
	count_failed((const struct net_device___vxp *)ctx[0], 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
