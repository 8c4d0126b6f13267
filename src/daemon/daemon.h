/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipelined's state and its life: start (load, configure, check the
 * interfaces, attach, drop privileges), the event loop, reload, shutdown. */
#ifndef VXP_DAEMON_H
#define VXP_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "libvxp/conf.h"
#include "datapath.h"
#include "libvxp/netdev.h"
#include "libvxp/privs.h"

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
};

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
	int epfd, sigfd, statfd, wdfd;
	struct vxp_stats prev;
	uint64_t prev_ns;
	struct daemon_rates rates;
	bool unhealthy; /* as the last statistics tick found it */
	unsigned reloads, reload_failures;
	bool reload_ok;
	time_t reload_time;
	char reload_msg[256];
	time_t started;
	bool stop;
};

/* Reads the configuration directory, applies the overrides and checks the
 * whole; every error is logged. Returns 0 or -EINVAL. */
int daemon_load_config(const struct daemon_opts *o, struct pipeline_config *cfg);

/* d->opts and d->cfg filled in; everything else is set up here. Logs the
 * cause of a failure; returns 0 or -errno. */
int daemon_start(struct daemon *d);
/* Runs until SIGTERM or SIGINT. */
int daemon_run(struct daemon *d);
/* Detaches and frees everything daemon_start() set up. */
void daemon_shutdown(struct daemon *d);

/* NAT table, VNI filter, DF threshold and the unmatched policy from cfg into
 * the data plane; the NAT table first, so a failure changes nothing. */
int daemon_apply(struct daemon *d, const struct pipeline_config *cfg);
/* SIGHUP: a new configuration in force, or the old one kept and why said. */
void daemon_reload(struct daemon *d);
/* The status line systemd shows. */
void daemon_status(struct daemon *d);

/* Whether a link of ours still holds its program on an interface. */
bool daemon_link_attached(int link_fd);
/* Whether the data path works, and in a sentence why (not). */
bool daemon_health(struct daemon *d, char *reason, size_t size);
/* Puts an egress interface that came back under a new index back into the
 * transmit ports. */
void daemon_check_egress(struct daemon *d);
/* Logs the health when it changes: once when the data path fails, with the
 * reason, and once when it works again. */
void daemon_watch_health(struct daemon *d);

struct fdstore;
/* The link the previous daemon stored under name, carrying prog_fd now; -1
 * when there is none or it cannot be taken over (then it is closed). */
int daemon_take_link(struct daemon *d, struct fdstore *s, const char *name, int prog_fd,
		     const struct netdev_info *nd, const char *role, enum xdp_mode *ret_mode);
/* Leaves the links and maps in systemd's fd store for the next daemon. */
void daemon_store(struct daemon *d);

#endif /* VXP_DAEMON_H */
