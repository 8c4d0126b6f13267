/* SPDX-License-Identifier: GPL-2.0-only */
/* The ingress interface as the data plane must know it, kept current from
 * rtnetlink events: its MAC (where the kernel hand-over sends frames) and its
 * addresses (contract step 1: only VXLAN to one of them is ours); and the
 * next-hop generation, moved on by every route, neighbour, link or address
 * event. */
#ifndef VXP_DAEMON_INGRESS_H
#define VXP_DAEMON_INGRESS_H

struct daemon;

/* The ingress interface's MAC and addresses into the data plane, read from
 * netlink now and followed from then on (daemon_ingress_fd() in the loop,
 * daemon_ingress_run() when it is readable). Logs why it fails; 0 or -errno. */
int daemon_ingress_start(struct daemon *d);
int daemon_ingress_fd(const struct daemon *d);
void daemon_ingress_run(struct daemon *d);
void daemon_ingress_stop(struct daemon *d);
/* Moves the next-hop generation on: each NAT rule's next packet looks its
 * next hop up again. */
void daemon_nexthop_move(struct daemon *d);
/* At each statistics tick: moves it on when it has not moved for
 * DAEMON_NH_MAX_AGE_NS. */
void daemon_nexthop_age(struct daemon *d);

#endif /* VXP_DAEMON_INGRESS_H */
