// SPDX-License-Identifier: GPL-2.0-only
/* XDP attachment through a bpf_link, so that a process that dies, however it
 * dies, leaves no program behind: native, generic, or native falling back. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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

/* 0 when fd is a BPF link, else -EINVAL (or -errno): the kernel names a
 * link's file "bpf_link", a map's "bpf-map", as bpftool tells them apart.
 * The info alone cannot: a per-CPU array's reads as an XDP link's. */
static int is_link(int fd)
{
	char path[64], target[64];
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	return strcmp(target, "anon_inode:bpf_link") ? -EINVAL : 0;
}

int attach_link_ifindex(int link_fd)
{
	struct bpf_link_info info = { 0 };
	__u32 len = sizeof(info);
	int err = is_link(link_fd);

	if (err)
		return err;
	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return -errno;
	if (info.type != BPF_LINK_TYPE_XDP)
		return -EINVAL;
	return (int)info.xdp.ifindex;
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
