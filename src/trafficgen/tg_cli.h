/* SPDX-License-Identifier: GPL-2.0-only */
/* vxlan-trafficgen's command line. */
#ifndef VXP_TG_CLI_H
#define VXP_TG_CLI_H

#include <stdio.h>
#include "tg.h"

struct tg_cli {
	struct tg_config send;
	struct tg_recv_config recv;
	bool receive;
	bool src_given, dst_mac_given;
	const char *metrics; /* the pipeline host's /metrics address, or NULL */
	bool help, version;
};

/* Returns 0, or -EINVAL with a message naming the option in err. */
int tg_cli_parse(int argc, char **argv, struct tg_cli *ret, char *err, size_t errsize);
void tg_cli_usage(FILE *f);

#endif /* VXP_TG_CLI_H */
