/* SPDX-License-Identifier: GPL-2.0-only */
/* Next hops the data plane found without a neighbour entry, resolved by the
 * kernel at the daemon's request: a child process keeps CAP_NET_ADMIN alone
 * for it (RTM_NEWNEIGH with NTF_USE), since the daemon keeps no capability. */
#ifndef VXP_RESOLVER_H
#define VXP_RESOLVER_H

#define RESOLVER_DRAIN_MS 100 /* how often the daemon reads the program's requests */

struct resolver;

/* Forks the child, which drops every privilege but CAP_NET_ADMIN (switching
 * to user when it is not NULL or "") and exits when the daemon does. Call it
 * before anything worth hiding is open: the child keeps what is. NULL with
 * errno on failure. */
struct resolver *resolver_start(const char *user);
/* Closes the daemon's end, which ends the child, and reaps it. */
void resolver_stop(struct resolver *r);

/* Hands every next hop waiting in the data plane's vxp_neigh map to the child
 * and removes it from the map (the program notes it again while packets
 * still find no neighbour). Never waits: what the child has no room for
 * waits for the next time. Returns how many went, or -errno (-EPIPE: the
 * child is gone). */
int resolver_drain(struct resolver *r, int neigh_map_fd);

#endif /* VXP_RESOLVER_H */
