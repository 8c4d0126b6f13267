/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipelined's state, which every part of the daemon reads and writes,
 * and the journal's message ids; no functions: each part has its own module
 * (daemon_start, daemon_loop, daemon_reload, daemon_health, daemon_takeover). */
#ifndef VXP_DAEMON_H
#define VXP_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "libvxp/conf.h"
#include "libvxp/netdev.h"
#include "libvxp/privs.h"
#include "vxlan_pipeline.h"

/* journald MESSAGE_IDs, one per kind of event */
#define MESSAGE_ID_START  "5a0f8e3c1b7d4c2e9f6a8b1c3d5e7f90"
#define MESSAGE_ID_STOP	  "6b1a9f4d2c8e4d3f8a7b9c2d4e6f8a01"
#define MESSAGE_ID_RELOAD "7c2b8a5e3d9f4e408b6c8d3e5f7a9b12"
#define MESSAGE_ID_STATS  "8d3c9b6f4e8a4f519c7d9e4f6a8b0c23"
#define MESSAGE_ID_ATTACH "9e4d8c7a5f9b40628d8e8f5a7b9c1d34"
#define MESSAGE_ID_DETACH "af5e9d8b6a8c41739e9f9a6b8c0d2e45"

struct daemon_opts {
	const char *config_dir;
	bool config_dir_given;
	struct conf_overrides overrides;
};

struct daemon_rates {
	double vxlan;	  /* to the VXLAN port: everything counted */
	double decap;	  /* decapsulated */
	double forwarded; /* redirected by the program */
	double kernel;	  /* handed to the kernel */
	double dropped;
	double unmatched; /* of dropped: no NAT rule, with unmatched = "drop" */
	double filtered;  /* VNI or flag not accepted */
	double nat_hit_pct;
	double redirect_failed; /* forwarded, then refused by the egress driver */
};

/* The rtnetlink events that move the next-hop generation on. */
enum daemon_nh_event {
	DAEMON_NH_EVENT_ROUTE,
	DAEMON_NH_EVENT_NEIGH,
	DAEMON_NH_EVENT_LINK,
	DAEMON_NH_EVENT_ADDR,
	DAEMON_NH_EVENT__COUNT
};
/* The next hops are looked up again at least this often, events or not: a
 * safety net (checked at each statistics tick) for a change netlink did not
 * tell. */
#define DAEMON_NH_MAX_AGE_NS (5ULL * 1000000000ULL)

struct daemon_ingress;
struct daemon_rules;
struct datapath;
struct resolver;
struct features;
struct http;

struct daemon {
	struct daemon_opts opts;
	struct pipeline_config cfg; /* in force */
	struct datapath *dp;
	struct netdev_info in, out;
	int link_in, link_out; /* -1: not attached */
	bool stored;	       /* links and maps in systemd's fd store */
	enum xdp_mode mode_in, mode_out;
	enum privs_need privs;
	struct http *http;
	struct features *features;
	struct daemon_ingress *ingress; /* the ingress's MAC and addresses, from netlink */
	struct resolver *resolver;	/* has the kernel resolve next hops; NULL: none */
	struct daemon_rules *rules;	/* the NAT rules' slots in the per-rule state */
	/* rtnetlink events that moved the next-hop generation on, by kind
	 * (enum daemon_nh_event), and the moves, timer included */
	uint64_t nh_events[DAEMON_NH_EVENT__COUNT];
	uint64_t nh_moves;
	uint64_t nh_moved_ns; /* CLOCK_MONOTONIC of the last move */
	int epfd, sigfd, statfd, wdfd, neighfd;
	struct vxp_stats prev;
	uint64_t prev_ns;
	struct daemon_rates rates;
	int unhealthy;		/* what was wrong at the last statistics tick: 0 nothing */
	bool redirects_counted; /* the tracepoint programs count failed redirects */
	unsigned reloads, reload_failures;
	bool reload_ok;
	time_t reload_time;
	char reload_msg[256];
	time_t started;
	bool stop;
};

#endif /* VXP_DAEMON_H */
