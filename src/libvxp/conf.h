/* SPDX-License-Identifier: GPL-2.0-only */
/* The pipeline's configuration as data: every setting, where each was given,
 * and the errors found, each naming the file, the line and what was expected.
 * Reading it: conf_load.h; the flags on top and the checks: conf_check.h. */
#ifndef VXP_CONF_H
#define VXP_CONF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vxlan_pipeline.h"

/* configure's sysconfdir: /etc for the packages */
#define CONF_DIR_DEFAULT     VXP_SYSCONFDIR "/vxlan-pipeline"
#define CONF_ERRORS_MAX	     16
#define CONF_MSG_MAX	     512
#define CONF_LISTEN_MAX	     64
#define CONF_USER_MAX	     64
#define CONF_METRICS_DEFAULT "127.0.0.1:9464"
#define CONF_CONTROL_DEFAULT "/run/vxlan-pipeline/control.sock"
#define CONF_PATH_MAX	     108 /* sun_path */

enum xdp_mode {
	XDP_MODE_AUTO, /* native, falling back to generic with a warning */
	XDP_MODE_NATIVE,
	XDP_MODE_GENERIC,
};

/* Where a value came from: a file and line (0: the file as a whole), or the
 * command line (file NULL). */
struct conf_src {
	const char *file;
	int line;
};

struct conf_rule {
	uint8_t family; /* VXP_AF_INET or VXP_AF_INET6, from 'to' */
	uint8_t proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t match;	/* VXP_NAT_MATCH_DST or VXP_NAT_MATCH_SRC */
	bool has_daddr;
	uint16_t port_first; /* the matched port, or a range of them */
	uint16_t port_last;
	uint16_t to_port; /* 0 keeps the destination port */
	union vxp_addr daddr;
	union vxp_addr to_addr;
	struct conf_src src;
};

enum conf_key {
	CONF_INGRESS,
	CONF_EGRESS,
	CONF_XDP_MODE,
	CONF_VXLAN_PORT,
	CONF_VNI,
	CONF_DF_THRESHOLD,
	CONF_UNMATCHED,
	CONF_STATS_INTERVAL,
	CONF_TARGET_PPS,
	CONF_METRICS_LISTEN,
	CONF_CONTROL_SOCKET,
	CONF_FEATURE_SAMPLING,
	CONF_ALLOW_DEFAULT_ROUTE,
	CONF_ENA_FIX,
	CONF_USER,
	CONF_NAT,
	CONF__COUNT
};

struct pipeline_config {
	char ingress[IF_NAMESIZE];
	char egress[IF_NAMESIZE];
	enum xdp_mode xdp_mode;
	uint16_t vxlan_port;
	bool any_vni;
	uint32_t *vnis;
	size_t n_vnis;
	uint32_t df_threshold;
	bool drop_unmatched;
	unsigned stats_interval; /* seconds */
	uint64_t target_pps;
	char metrics_listen[CONF_LISTEN_MAX]; /* "" is off */
	char control_socket[CONF_PATH_MAX];   /* the CLI's unix socket; "" is off */
	uint32_t feature_sampling;	      /* 1 in N, 0 off */
	bool allow_default_route;
	bool ena_fix;
	char user[CONF_USER_MAX]; /* "" stays root */
	struct conf_rule *rules;
	size_t n_rules;
	/* where each setting was given; file NULL and line 0 if it was not */
	struct conf_src set_at[CONF__COUNT];
	bool is_set[CONF__COUNT];
	const char *dir; /* where the files were looked for */
	char **files;	 /* the files read, which config_src points into */
	size_t n_files;
};

struct conf_errors {
	unsigned n; /* errors found; the first CONF_ERRORS_MAX are kept */
	char msg[CONF_ERRORS_MAX][CONF_MSG_MAX];
};

/* The seed's loader flags, which override the files. */
struct conf_overrides {
	const char *ingress;  /* -i */
	const char *egress;   /* -t */
	const char *nat_addr; /* -a */
	int nat_port;	      /* -p, -1 unset */
	int source_port;      /* -s, -1 unset */
	int interval;	      /* -I, -1 unset */
};

/* Defaults for everything. */
void conf_init(struct pipeline_config *cfg);
void conf_free(struct pipeline_config *cfg);

const char *conf_key_name(enum conf_key key);
const char *conf_xdp_mode_name(enum xdp_mode mode);
/* "file:line", "file" or "command line" */
void conf_src_format(const struct conf_src *src, char *buf, size_t size);
/* Adds "where: message" to errs (the first CONF_ERRORS_MAX are kept). */
__attribute__((format(printf, 3, 4))) void
conf_error(struct conf_errors *errs, const struct conf_src *src, const char *fmt, ...);

#endif /* VXP_CONF_H */
