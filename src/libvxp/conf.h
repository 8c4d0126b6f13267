/* SPDX-License-Identifier: GPL-2.0-only */
/* The pipeline's configuration: libconfig files read in C-locale name order and
 * merged, the seed's command-line flags on top, and checks whose every error
 * names the file, the line and what was expected. */
#ifndef VXP_CONF_H
#define VXP_CONF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "nat_table.h"

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

/* Reads every *.conf in dir in C-locale name order into cfg. A missing dir is
 * an error only when must_exist. Returns 0, or -EINVAL with errs filled. */
int conf_load_dir(struct pipeline_config *cfg, const char *dir, bool must_exist,
		  struct conf_errors *errs);
/* Reads one file; settings given before in another file are errors. */
int conf_load_file(struct pipeline_config *cfg, const char *path, struct conf_errors *errs);
/* Applies the command-line flags; -a, -p and -s replace the files' NAT rules
 * with one rule: inner UDP source port -s to -a:-p (the seed's defaults fill
 * whichever is missing). */
int conf_apply_overrides(struct pipeline_config *cfg, const struct conf_overrides *o,
			 struct conf_errors *errs);
/* What needs the whole configuration: required settings, interfaces and the
 * user that must exist, overlapping rules, the NAT table's capacity. */
int conf_check(const struct pipeline_config *cfg, struct conf_errors *errs);

/* The NAT rules as nat_table_build() takes them, one per matched port;
 * ret_origin[i] is the index of the configuration rule entry i came from. */
int conf_nat_rules(const struct pipeline_config *cfg, struct nat_rule **ret_rules,
		   size_t **ret_origin, size_t *ret_n);

const char *conf_key_name(enum conf_key key);
const char *conf_xdp_mode_name(enum xdp_mode mode);
/* "file:line", "file" or "command line" */
void conf_src_format(const struct conf_src *src, char *buf, size_t size);

#endif /* VXP_CONF_H */
