/* SPDX-License-Identifier: GPL-2.0-only */
/* The vxlan-pipeline command's shared parts: where the daemon is, colour on a
 * terminal only, samples of the daemon's status and the rates between two. */
#ifndef VXP_CLI_H
#define VXP_CLI_H

#include <stdbool.h>
#include <jansson.h>

/* exit statuses: LSB's "not running" for a daemon that is not there */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 64, CLI_NOT_RUNNING = 3 };

enum cli_format { CLI_FORMAT_TEXT, CLI_FORMAT_CSV, CLI_FORMAT_JSON };

struct cli {
	const char *socket;	/* the daemon's control socket */
	const char *config_dir; /* preflight reads the configuration */
	bool json;
	enum cli_format format; /* features */
	bool color;
	double interval;     /* monitor: seconds, 0 for the daemon's own */
	unsigned long count; /* monitor: rows, features: records; 0 until Ctrl-C */
};

struct cli_rates {
	double rx;    /* the ingress interface's frames: all traffic; -1 unknown */
	double vxlan; /* counted by the program */
	double decap, forwarded, kernel, dropped, nat_hit_pct;
	double redirect_failed; /* forwarded, then refused by the egress driver */
};

/* GETs path from the daemon: the body of a 200 (free it); otherwise prints
 * why not, sets *ret_exit and returns NULL. */
char *cli_get(const struct cli *c, const char *path, int *ret_exit);
/* What cli_get() makes of httpc_get()'s status and body (which it takes). */
char *cli_answer(const struct cli *c, const char *path, int status, char *body, int *ret_exit);
/* The body of path as JSON (json_decref() it); prints why not, sets
 * *ret_exit and returns NULL. */
json_t *cli_parse(const char *path, const char *body, int *ret_exit);
/* GETs path as JSON from the daemon (json_decref() it); prints why not and
 * returns NULL. */
json_t *cli_fetch(const struct cli *c, const char *path, int *ret_exit);
/* The rates between two /status samples. */
struct cli_rates cli_rates(const json_t *before, const json_t *after);
const char *cli_color(const struct cli *c, const char *code);

#endif /* VXP_CLI_H */
