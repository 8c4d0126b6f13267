// SPDX-License-Identifier: GPL-2.0-only
/* Putting a configuration in force: read and checked, then applied at start
 * and on SIGHUP, where a broken file leaves everything as it was and a
 * setting that needs a restart is reported, not half-applied. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "daemon_ingress.h"
#include "daemon_reload.h"
#include "daemon_rules.h"
#include "datapath.h"
#include "feature_stream.h"
#include "notify.h"
#include "libvxp/conf_check.h"
#include "libvxp/conf_load.h"
#include "libvxp/conf_rules.h"
#include "libvxp/log.h"
#include "libvxp/nat_table.h"

int daemon_load_config(const struct daemon_opts *o, struct pipeline_config *cfg)
{
	struct conf_errors errs = { 0 };
	unsigned i;
	int err;

	conf_init(cfg);
	err = conf_load_dir(cfg, o->config_dir, o->config_dir_given, &errs);
	if (!err)
		err = conf_apply_overrides(cfg, &o->overrides, &errs);
	if (!err)
		err = conf_check(cfg, &errs);
	for (i = 0; i < errs.n && i < CONF_ERRORS_MAX; i++)
		log_err("%s", errs.msg[i]);
	if (errs.n > CONF_ERRORS_MAX)
		log_err("... and %u more errors", errs.n - CONF_ERRORS_MAX);
	if (err)
		conf_free(cfg);
	return err;
}

/* Each rule in its slot (daemon_rules.c), so that its counters and next hop
 * stay with it; after the swap, every rule's next hop is looked up again. */
static int install_nat(struct daemon *d, const struct pipeline_config *cfg)
{
	uint32_t *slot = calloc(cfg->n_rules + 1, sizeof(*slot));
	struct nat_entry *entries = NULL;
	size_t *origin = NULL, n, conflict[2], i;
	struct nat_rule *rules = NULL;
	int outer, tables[2], ret;

	ret = slot ? rules_prepare(d, cfg, slot) : -ENOMEM;
	if (!ret)
		ret = conf_nat_rules(cfg, &rules, &origin, &n);
	for (i = 0; !ret && i < n; i++)
		rules[i].id = slot[origin[i]];
	if (!ret) {
		entries = calloc(VXP_NAT_ENTRIES_MAX, sizeof(*entries));
		ret = entries ? nat_table_build(rules, n, entries, VXP_NAT_ENTRIES_MAX, conflict)
			      : -ENOMEM;
	}
	if (ret >= 0) {
		datapath_nat_fds(d->dp, &outer, tables);
		ret = nat_table_install(outer, tables, entries, (size_t)ret);
	}
	if (ret >= 0) {
		rules_commit(d);
		daemon_nexthop_move(d);
	}
	free(slot);
	free(entries);
	free(rules);
	free(origin);
	return ret < 0 ? ret : 0;
}

int daemon_apply(struct daemon *d, const struct pipeline_config *cfg)
{
	int err;

	err = install_nat(d, cfg);
	if (err) {
		log_err("Failed to install the NAT table: %s", strerror(-err));
		return err;
	}
	err = datapath_set_vni_filter(d->dp, cfg->any_vni ? NULL : cfg->vnis, cfg->n_vnis);
	if (err) {
		log_err("Failed to set the VNI filter: %s", strerror(-err));
		return err;
	}
	datapath_set_df_threshold(d->dp, cfg->df_threshold);
	datapath_set_drop_unmatched(d->dp, cfg->drop_unmatched);
	datapath_set_sample_rate(d->dp, cfg->feature_sampling);
	return 0;
}

/* Settings read at start only: a change is reported and the running value
 * kept in next, so what the daemon holds stays what it runs. */
static unsigned keep_restart_only(const struct pipeline_config *cur, struct pipeline_config *next)
{
	static const enum conf_key keys[] = { CONF_INGRESS,
					      CONF_EGRESS,
					      CONF_XDP_MODE,
					      CONF_VXLAN_PORT,
					      CONF_METRICS_LISTEN,
					      CONF_CONTROL_SOCKET,
					      CONF_ALLOW_DEFAULT_ROUTE,
					      CONF_ENA_FIX,
					      CONF_USER };
	bool changed[CONF__COUNT] = {
		[CONF_INGRESS] = strcmp(cur->ingress, next->ingress) != 0,
		[CONF_EGRESS] = strcmp(cur->egress, next->egress) != 0,
		[CONF_XDP_MODE] = cur->xdp_mode != next->xdp_mode,
		[CONF_VXLAN_PORT] = cur->vxlan_port != next->vxlan_port,
		[CONF_METRICS_LISTEN] = strcmp(cur->metrics_listen, next->metrics_listen) != 0,
		[CONF_CONTROL_SOCKET] = strcmp(cur->control_socket, next->control_socket) != 0,
		[CONF_ALLOW_DEFAULT_ROUTE] = cur->allow_default_route != next->allow_default_route,
		[CONF_ENA_FIX] = cur->ena_fix != next->ena_fix,
		[CONF_USER] = strcmp(cur->user, next->user) != 0,
	};
	unsigned i, n = 0;
	char where[CONF_MSG_MAX / 2];

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!changed[keys[i]])
			continue;
		conf_src_format(&next->set_at[keys[i]], where, sizeof(where));
		log_warn("reload: '%s' changed (%s); it needs a restart and is not applied",
			 conf_key_name(keys[i]), where);
		n++;
	}
	memcpy(next->ingress, cur->ingress, sizeof(next->ingress));
	memcpy(next->egress, cur->egress, sizeof(next->egress));
	memcpy(next->metrics_listen, cur->metrics_listen, sizeof(next->metrics_listen));
	memcpy(next->control_socket, cur->control_socket, sizeof(next->control_socket));
	memcpy(next->user, cur->user, sizeof(next->user));
	next->xdp_mode = cur->xdp_mode;
	next->vxlan_port = cur->vxlan_port;
	next->allow_default_route = cur->allow_default_route;
	next->ena_fix = cur->ena_fix;
	return n;
}

static void reload_done(struct daemon *d, bool ok, const char *msg)
{
	const char *fields[] = { "MESSAGE_ID=" MESSAGE_ID_RELOAD,
				 ok ? "VXP_RELOAD=ok" : "VXP_RELOAD=failed", NULL };

	d->reloads++;
	d->reload_failures += !ok;
	d->reload_ok = ok;
	d->reload_time = time(NULL);
	snprintf(d->reload_msg, sizeof(d->reload_msg), "%s", msg);
	log_fields(ok ? LOG_INFO : LOG_ERR, fields, "reload %s: %s", ok ? "done" : "failed", msg);
	daemon_status(d);
	notify_ready();
}

void daemon_reload(struct daemon *d)
{
	struct pipeline_config next;
	unsigned restart;
	char msg[256];

	notify_reloading();
	log_info("reloading the configuration from %s", d->opts.config_dir);
	if (daemon_load_config(&d->opts, &next)) {
		reload_done(d, false,
			    "the configuration has errors (logged above); the previous "
			    "one stays in force");
		return;
	}
	restart = keep_restart_only(&d->cfg, &next);
	if (daemon_apply(d, &next)) {
		conf_free(&next);
		/* a step may have gone through before one failed: all back */
		if (daemon_apply(d, &d->cfg))
			log_err("Failed to put the previous configuration back in force as a "
				"whole; restart the daemon");
		reload_done(d, false,
			    "the new configuration could not be applied; the previous "
			    "one stays in force");
		return;
	}
	if (d->cfg.n_rules && !next.n_rules)
		log_warn("reload: no NAT rules any more (there were %zu): inner packets go to "
			 "their original destinations%s",
			 d->cfg.n_rules,
			 next.drop_unmatched ? ", which unmatched = \"drop\" drops"
					     : " (set unmatched = \"drop\" to drop them)");
	conf_free(&d->cfg);
	d->cfg = next;
	/* here, not in daemon_apply(), which the privilege probe's child runs
	 * too: the child must not touch the ring or the timer it shares */
	features_drain(d->features, d->cfg.feature_sampling > 0);
	snprintf(msg, sizeof(msg), "%zu NAT rules, VNIs %s, DF threshold %u%s", d->cfg.n_rules,
		 d->cfg.any_vni ? "any" : "listed", d->cfg.df_threshold,
		 restart ? "; some changes wait for a restart" : "");
	reload_done(d, true, msg);
}

void daemon_status(struct daemon *d)
{
	char when[32] = "never";
	struct tm tm;

	if (d->reloads) {
		localtime_r(&d->reload_time, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	}
	notify_status("%.0f pps forwarded, %.0f to the kernel, %.0f dropped of %.0f "
		      "decapsulated; %zu NAT rules; last reload: %s%s%s",
		      d->rates.forwarded, d->rates.kernel, d->rates.dropped, d->rates.decap,
		      d->cfg.n_rules, d->reloads ? (d->reload_ok ? "ok at " : "FAILED at ") : "",
		      when, d->reloads && !d->reload_ok ? ", previous configuration in force" : "");
}
