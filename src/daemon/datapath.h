/* SPDX-License-Identifier: GPL-2.0-only */
/* The loaded data plane: the embedded BPF skeleton and the run-time settings
 * user space may change under traffic (VNI filter, DF threshold, egress ports). */
#ifndef VXP_DATAPATH_H
#define VXP_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vxlan_pipeline.h"

struct fdstore;

struct datapath_opts {
	uint16_t vxlan_port; /* 0: VXP_VXLAN_PORT_DEFAULT */
	/* maps a previous daemon left in systemd's fd store, reused where their
	 * layout fits; NULL for none */
	struct fdstore *store;
};

struct datapath;

/* Opens and loads the programs and creates every map (needs CAP_BPF and
 * CAP_NET_ADMIN or root). NULL with errno on failure; libbpf has logged why. */
struct datapath *datapath_open(const struct datapath_opts *opts);
void datapath_close(struct datapath *dp);
/* Puts every map in systemd's fd store for the next daemon (fdstore_put()
 * with store). Returns how many went in, or -errno. */
int datapath_store(const struct datapath *dp, struct fdstore *store);

int datapath_pipeline_fd(const struct datapath *dp);
int datapath_egress_fd(const struct datapath *dp);
int datapath_stats_fd(const struct datapath *dp);
/* The outer NAT map and its two tables, for nat_table_install(). */
int datapath_nat_fds(const struct datapath *dp, int *ret_outer, int ret_tables[2]);

/* vnis == NULL accepts every VNI. Never narrows below both the old and the new
 * list while changing: additions land before removals. */
int datapath_set_vni_filter(struct datapath *dp, const uint32_t *vnis, size_t n);
void datapath_set_df_threshold(struct datapath *dp, uint32_t threshold);
/* Contract step 8: 1 in rate decapsulated packets into the feature ring; 0 off. */
void datapath_set_sample_rate(struct datapath *dp, uint32_t rate);
int datapath_features_fd(const struct datapath *dp);
/* The LRU map of first fragments' NAT decisions (tests clear it). */
int datapath_frag_fd(const struct datapath *dp);
/* Next hops without a neighbour entry the program noted (struct
 * vxp_neigh_key), for the kernel to resolve. */
int datapath_neigh_fd(const struct datapath *dp);
/* Drop what no NAT rule matches (VXP_SETTINGS_DROP_UNMATCHED), or forward it. */
void datapath_set_drop_unmatched(struct datapath *dp, bool drop);
/* Count packets and bytes per NAT rule (the default), or not: make bench-prog
 * measures what counting costs. */
void datapath_set_rule_counters(struct datapath *dp, bool on);
/* The per-CPU array of struct vxp_rule_state, by rule slot. */
int datapath_rules_fd(const struct datapath *dp);
/* Moves the next-hop generation on: every NAT rule's next hop is looked up
 * again by its next packet. Returns the generation now in force. */
uint32_t datapath_nexthop_bump(struct datapath *dp);
/* Loads and attaches the programs that count, into the data plane's
 * counters, redirects the egress driver refused (BTF-typed tracepoints
 * xdp_devmap_xmit and xdp_redirect_err) for frames from ifindex, the
 * ingress. Needs the kernel's BTF and CAP_PERFMON. Returns 0 or -errno. */
int datapath_count_redirect_failures(struct datapath *dp, int ifindex);
/* The ingress interface's own MAC: where the kernel hand-over sends a frame. */
void datapath_set_ingress_mac(struct datapath *dp, const uint8_t mac[6]);
/* Contract step 1: only VXLAN to one of the ingress interface's own addresses
 * is ours. family is VXP_AF_INET or VXP_AF_INET6, addr 4 or 16 bytes. Adding
 * an address already there returns 0, a new one 1; -ENOSPC beyond
 * VXP_LOCAL_ADDRS_MAX. */
int datapath_add_local_addr(struct datapath *dp, int family, const void *addr);
/* -ENOENT when it was not there. */
int datapath_del_local_addr(struct datapath *dp, int family, const void *addr);
/* The addresses of family in use, up to max of them into out (may be NULL);
 * returns how many there are. */
int datapath_local_addrs(const struct datapath *dp, int family, union vxp_addr *out, size_t max);
int datapath_add_tx_port(struct datapath *dp, int ifindex);
int datapath_del_tx_port(struct datapath *dp, int ifindex);
/* Removes every transmit port but the n in keep (a device map taken over from
 * the previous daemon may hold another egress). Returns how many went. */
int datapath_prune_tx_ports(struct datapath *dp, const int *keep, size_t n);

#endif /* VXP_DATAPATH_H */
