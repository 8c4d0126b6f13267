// SPDX-License-Identifier: GPL-2.0-only
/* XDP attachment through a bpf_link, so that a process that dies, however it
 * dies, leaves no program behind: native, generic, or native falling back. */
#include "config.h"

#include <errno.h>
#include <bpf/bpf.h>
#include <linux/if_link.h>

#include "attach.h"

static int link_create(int prog_fd, int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);

	return fd < 0 ? -errno : fd;
}

int attach_xdp(int prog_fd, int ifindex, enum xdp_mode mode, enum xdp_mode *ret_used,
	       int *ret_native_err)
{
	int fd;

	*ret_native_err = 0;
	if (mode != XDP_MODE_GENERIC) {
		fd = link_create(prog_fd, ifindex, XDP_FLAGS_DRV_MODE);
		if (fd >= 0 || mode == XDP_MODE_NATIVE) {
			*ret_used = XDP_MODE_NATIVE;
			return fd;
		}
		*ret_native_err = -fd;
		/* another program there fails generic mode the same way */
		if (fd == -EBUSY || fd == -EEXIST)
			return fd;
	}
	*ret_used = XDP_MODE_GENERIC;
	return link_create(prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
}

const char *attach_hint(int err)
{
	switch (err) {
	case EBUSY:
	case EEXIST:
		return "another XDP program is attached: see ip -details link show";
	case EOPNOTSUPP:
		return "the driver has no native XDP: use xdp_mode \"generic\" or \"auto\"";
	case EINVAL:
		return "the driver refused the program: its MTU or queue setup may not allow XDP";
	case EPERM:
		return "CAP_NET_ADMIN and CAP_BPF are needed";
	default:
		return "";
	}
}
