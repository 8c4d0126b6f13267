/* SPDX-License-Identifier: GPL-2.0-only */
/* The IPv6 settings the ingress interface needs for inner IPv6 to forward:
 * bpf_fib_lookup forwards it only where IPv6 forwarding is on for the
 * ingress, and forwarding there stops the kernel taking routes from router
 * advertisements (EC2's IPv6 default route) unless accept_ra is 2. */
#ifndef VXP_INGRESS_SYSCTL_H
#define VXP_INGRESS_SYSCTL_H

#include <stdbool.h>

/* accept_ra 1 becomes 2 (0 is left alone: RA off, or taken by a network
 * manager in user space, which forwarding does not stop), then forwarding
 * 1, for ifname; an interface without IPv6 is left alone. Logs what it
 * changes and why it fails. Needs to write /proc/sys (root, outside the
 * unit's ProtectKernelTunables: ExecStartPre=+). Returns 0 or -errno. */
int ingress_sysctl_prepare(const char *ifname);

/* Whether IPv6 forwarding is on for ifname (false without IPv6). */
bool ingress_sysctl_ipv6_forwarding(const char *ifname);

#endif /* VXP_INGRESS_SYSCTL_H */
