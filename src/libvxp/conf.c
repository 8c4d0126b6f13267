// SPDX-License-Identifier: GPL-2.0-only
/* The configuration as data: defaults, the names of settings and modes,
 * where a value came from, and the list of errors that name it. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "vxlan_pipeline.h"

static const char *const key_names[CONF__COUNT] = {
	[CONF_INGRESS] = "ingress",
	[CONF_EGRESS] = "egress",
	[CONF_XDP_MODE] = "xdp_mode",
	[CONF_VXLAN_PORT] = "vxlan_port",
	[CONF_VNI] = "vni",
	[CONF_DF_THRESHOLD] = "df_threshold",
	[CONF_UNMATCHED] = "unmatched",
	[CONF_STATS_INTERVAL] = "stats_interval",
	[CONF_TARGET_PPS] = "target_pps",
	[CONF_METRICS_LISTEN] = "metrics_listen",
	[CONF_CONTROL_SOCKET] = "control_socket",
	[CONF_FEATURE_SAMPLING] = "feature_sampling",
	[CONF_ALLOW_DEFAULT_ROUTE] = "allow_default_route",
	[CONF_ENA_FIX] = "ena_fix",
	[CONF_USER] = "user",
	[CONF_NAT] = "nat",
};

const char *conf_key_name(enum conf_key key)
{
	return key < CONF__COUNT ? key_names[key] : "?";
}

const char *conf_xdp_mode_name(enum xdp_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_GENERIC:
		return "generic";
	default:
		return "auto";
	}
}

void conf_init(struct pipeline_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->xdp_mode = XDP_MODE_AUTO;
	cfg->vxlan_port = VXP_VXLAN_PORT_DEFAULT;
	cfg->any_vni = true;
	cfg->df_threshold = VXP_DF_THRESHOLD_DEFAULT;
	cfg->stats_interval = 5;
	cfg->target_pps = 85000;
	snprintf(cfg->metrics_listen, sizeof(cfg->metrics_listen), "%s", CONF_METRICS_DEFAULT);
	snprintf(cfg->control_socket, sizeof(cfg->control_socket), "%s", CONF_CONTROL_DEFAULT);
}

void conf_free(struct pipeline_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_files; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg->vnis);
	free(cfg->rules);
	memset(cfg, 0, sizeof(*cfg));
}

void conf_src_format(const struct conf_src *src, char *buf, size_t size)
{
	if (src->file && src->line)
		snprintf(buf, size, "%s:%d", src->file, src->line);
	else if (src->file)
		snprintf(buf, size, "%s", src->file);
	else
		snprintf(buf, size, "command line");
}

void conf_error(struct conf_errors *errs, const struct conf_src *src, const char *fmt, ...)
{
	char where[CONF_MSG_MAX / 2], *msg;
	va_list ap;
	int n;

	if (errs->n++ >= CONF_ERRORS_MAX)
		return;
	msg = errs->msg[errs->n - 1];
	conf_src_format(src, where, sizeof(where));
	n = snprintf(msg, CONF_MSG_MAX, "%s: ", where);
	va_start(ap, fmt);
	vsnprintf(msg + n, CONF_MSG_MAX - n, fmt, ap);
	va_end(ap);
}
