// SPDX-License-Identifier: GPL-2.0-only
/* One setting of the configuration: its libconfig value into struct
 * pipeline_config, or an error naming file, line and what was expected. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "conf_parse.h"
#include "conf_rules.h"
#include "conf_value.h"

#define VNI_MAX ((1LL << VXP_VNI_BITS) - 1)

static int get_ifname(const config_setting_t *s, const char *what, char *out,
		      const struct conf_src *src, struct conf_errors *errs)
{
	const char *v;

	if (conf_get_string(s, what, &v, src, errs))
		return -EINVAL;
	if (!*v || strlen(v) >= IF_NAMESIZE || strchr(v, '/') || strchr(v, ' ')) {
		conf_error(errs, src,
			   "'%s' is '%s'; expected an interface name of 1 to %d characters", what,
			   v, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	snprintf(out, IF_NAMESIZE, "%s", v);
	return 0;
}

/* "any", or a list or array of VNIs */
static int get_vnis(struct pipeline_config *cfg, const config_setting_t *s,
		    const struct conf_src *src, struct conf_errors *errs)
{
	int type = config_setting_type(s), i, n;
	long long v;

	if (type == CONFIG_TYPE_STRING && !strcasecmp(config_setting_get_string(s), "any")) {
		cfg->any_vni = true;
		return 0;
	}
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) {
		conf_error(errs, src,
			   "'vni' must be a list of VNIs like [ 1, 42 ] or \"any\", not %s",
			   conf_type_name(s));
		return -EINVAL;
	}
	n = config_setting_length(s);
	if (!n) {
		conf_error(errs, src, "'vni' is empty; expected VNIs like [ 1, 42 ] or \"any\"");
		return -EINVAL;
	}
	free(cfg->vnis);
	cfg->vnis = calloc(n, sizeof(*cfg->vnis));
	if (!cfg->vnis)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		/* the element's own line: a list may span many */
		struct conf_src at = { src->file, config_setting_source_line(e) };

		if (!at.line)
			at.line = src->line;
		if (conf_get_int(e, "vni", 0, VNI_MAX, &v, &at, errs))
			return -EINVAL;
		cfg->vnis[i] = (uint32_t)v;
	}
	cfg->n_vnis = n;
	cfg->any_vni = false;
	return 0;
}

static int get_listen(struct pipeline_config *cfg, const config_setting_t *s,
		      const struct conf_src *src, struct conf_errors *errs)
{
	union vxp_addr a;
	const char *v;
	uint16_t port;

	if (conf_get_string(s, "metrics_listen", &v, src, errs))
		return -EINVAL;
	if (*v && (addr_parse_port(v, &a, &port) < 0 || !port)) {
		conf_error(errs, src,
			   "'metrics_listen' is '%s'; expected \"address:port\" "
			   "(\"[address]:port\" for IPv6), or \"\" for off",
			   v);
		return -EINVAL;
	}
	snprintf(cfg->metrics_listen, sizeof(cfg->metrics_listen), "%s", v);
	return 0;
}

static int get_number(struct pipeline_config *cfg, int key, const config_setting_t *s,
		      const struct conf_src *src, struct conf_errors *errs)
{
	static const struct {
		long long lo, hi;
	} range[CONF__COUNT] = {
		[CONF_VXLAN_PORT] = { 1, 65535 },	  [CONF_DF_THRESHOLD] = { 0, 65535 },
		[CONF_STATS_INTERVAL] = { 1, 3600 },	  [CONF_TARGET_PPS] = { 1, 1000000000 },
		[CONF_FEATURE_SAMPLING] = { 0, 1 << 30 },
	};
	long long v;

	if (conf_get_int(s, conf_key_name(key), range[key].lo, range[key].hi, &v, src, errs))
		return -EINVAL;
	switch (key) {
	case CONF_VXLAN_PORT:
		cfg->vxlan_port = (uint16_t)v;
		break;
	case CONF_DF_THRESHOLD:
		cfg->df_threshold = (uint32_t)v;
		break;
	case CONF_STATS_INTERVAL:
		cfg->stats_interval = (unsigned)v;
		break;
	case CONF_TARGET_PPS:
		cfg->target_pps = (uint64_t)v;
		break;
	default:
		cfg->feature_sampling = (uint32_t)v;
		break;
	}
	return 0;
}

int conf_parse_value(struct pipeline_config *cfg, int key, const config_setting_t *s,
		     const struct conf_src *src, struct conf_errors *errs)
{
	static const char *const modes[] = { "auto", "native", "generic", NULL };
	static const char *const unmatched[] = { "forward", "drop", NULL };
	const char *name = conf_key_name(key), *v;
	int i;

	switch (key) {
	case CONF_INGRESS:
		return get_ifname(s, name, cfg->ingress, src, errs);
	case CONF_EGRESS:
		return get_ifname(s, name, cfg->egress, src, errs);
	case CONF_XDP_MODE:
		i = conf_get_word(s, name, modes, src, errs);
		cfg->xdp_mode = i == 1	 ? XDP_MODE_NATIVE
				: i == 2 ? XDP_MODE_GENERIC
					 : XDP_MODE_AUTO;
		return i < 0 ? -EINVAL : 0;
	case CONF_VNI:
		return get_vnis(cfg, s, src, errs);
	case CONF_UNMATCHED:
		i = conf_get_word(s, name, unmatched, src, errs);
		cfg->drop_unmatched = i == 1;
		return i < 0 ? -EINVAL : 0;
	case CONF_METRICS_LISTEN:
		return get_listen(cfg, s, src, errs);
	case CONF_CONTROL_SOCKET:
		if (conf_get_string(s, name, &v, src, errs))
			return -EINVAL;
		if (strlen(v) >= sizeof(cfg->control_socket) || (*v && *v != '/')) {
			conf_error(errs, src,
				   "'%s' is '%s'; expected an absolute path of at most "
				   "%zu characters, or \"\" for off",
				   name, v, sizeof(cfg->control_socket) - 1);
			return -EINVAL;
		}
		snprintf(cfg->control_socket, sizeof(cfg->control_socket), "%s", v);
		return 0;
	case CONF_ALLOW_DEFAULT_ROUTE:
		return conf_get_bool(s, name, &cfg->allow_default_route, src, errs);
	case CONF_ENA_FIX:
		return conf_get_bool(s, name, &cfg->ena_fix, src, errs);
	case CONF_USER:
		if (conf_get_string(s, name, &v, src, errs))
			return -EINVAL;
		if (strlen(v) >= sizeof(cfg->user)) {
			conf_error(errs, src,
				   "'%s' is '%s'; expected a user name of at most %zu characters, "
				   "or \"\" to stay root",
				   name, v, sizeof(cfg->user) - 1);
			return -EINVAL;
		}
		snprintf(cfg->user, sizeof(cfg->user), "%s", v);
		return 0;
	case CONF_NAT:
		return conf_parse_rules(cfg, s, src->file, errs);
	default:
		return get_number(cfg, key, s, src, errs);
	}
}
