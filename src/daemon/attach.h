/* SPDX-License-Identifier: GPL-2.0-only */
/* XDP attachment through a bpf_link, so that a process that dies, however it
 * dies, leaves no program behind: native, generic, or native falling back. */
#ifndef VXP_ATTACH_H
#define VXP_ATTACH_H

#include "libvxp/conf.h"

/* Attaches prog_fd to ifindex in mode. Returns the link's fd (closing it
 * detaches), or -errno of the attempt that decided. With XDP_MODE_AUTO a
 * native failure falls back to generic: *ret_used says which mode holds and
 * *ret_native_err why native failed (0 if it did not). */
int attach_xdp(int prog_fd, int ifindex, enum xdp_mode mode, enum xdp_mode *ret_used,
	       int *ret_native_err);

/* The interface an XDP link is on: its index, 0 once the interface is gone
 * (the kernel keeps the link, detached), or -errno: -EINVAL for an fd that
 * is no XDP link. */
int attach_link_ifindex(int link_fd);

/* A hint for an attach error: what usually causes it. */
const char *attach_hint(int err);

#endif /* VXP_ATTACH_H */
