/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-pipelined's command line: the seed loader's flags and the daemon's own. */
#ifndef VXP_DAEMON_CLI_H
#define VXP_DAEMON_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "daemon.h"

struct daemon_cli {
	struct daemon_opts opts;
	bool check_config;
	bool prepare_sysctl; /* the ingress's IPv6 settings, then exit */
	bool foreground;
	bool help;
	bool version;
	int verbose;
};

/* Returns 0, or -EINVAL with a message naming the flag in err. */
int daemon_cli_parse(int argc, char **argv, struct daemon_cli *ret, char *err, size_t errsize);
void daemon_cli_usage(FILE *f);

#endif /* VXP_DAEMON_CLI_H */
