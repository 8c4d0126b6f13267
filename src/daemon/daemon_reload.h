/* SPDX-License-Identifier: GPL-2.0-only */
/* Putting a configuration in force: read and checked, then applied at start
 * and on SIGHUP, where a broken file leaves everything as it was. */
#ifndef VXP_DAEMON_RELOAD_H
#define VXP_DAEMON_RELOAD_H

#include "daemon.h"

/* Reads the configuration directory, applies the overrides and checks the
 * whole; every error is logged. Returns 0 or -EINVAL. */
int daemon_load_config(const struct daemon_opts *o, struct pipeline_config *cfg);
/* NAT table, VNI filter, DF threshold and the unmatched policy from cfg into
 * the data plane; the NAT table first, so a failure changes nothing. */
int daemon_apply(struct daemon *d, const struct pipeline_config *cfg);
/* SIGHUP: a new configuration in force, or the old one kept and why said. */
void daemon_reload(struct daemon *d);
/* The status line systemd shows. */
void daemon_status(struct daemon *d);

#endif /* VXP_DAEMON_RELOAD_H */
