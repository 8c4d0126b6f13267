// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipeline: the operator's view of a running vxlan-pipelined (status,
 * monitor, stats, nat, features) through its control socket, and the readiness
 * check of this host (preflight). */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_features.h"
#include "cli_monitor.h"
#include "cli_preflight.h"
#include "cli_status.h"
#include "libvxp/conf.h"

enum {
	OPT_SOCKET = 256,
	OPT_CONFIG_DIR,
	OPT_JSON,
	OPT_INTERVAL,
	OPT_COUNT,
	OPT_FORMAT,
	OPT_VERSION
};

static const struct option options[] = {
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const struct command {
	const char *name;
	int (*run)(const struct cli *c);
	const char *what;
} commands[] = {
	{ "status", cli_status, "running or not, interfaces, rates, NAT rules, last reload" },
	{ "monitor", cli_monitor, "a live table every interval until Ctrl-C (or --count rows)" },
	{ "stats", cli_stats, "every counter by reason (--json: as JSON)" },
	{ "nat", cli_nat, "the NAT rules as the data plane holds them (--json: as JSON)" },
	{ "features", cli_features, "sampled feature records as they come (--format csv|json)" },
	{ "preflight", cli_preflight, "is this host ready: kernel, BPF, interfaces, sysctls" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: vxlan-pipeline [OPTION]... COMMAND\n"
		   "The operator's view of vxlan-pipelined, and a readiness check of this host.\n\n"
		   "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].what);
	fprintf(f,
		"\nOptions:\n"
		"      --socket PATH      the daemon's control socket (default %s)\n"
		"      --config-dir DIR   preflight: the configuration to check (default %s)\n"
		"      --json             stats, nat: JSON, as the daemon gives it; features:\n"
		"                         as --format json\n"
		"      --interval SECONDS monitor: seconds between rows (default: the daemon's\n"
		"                         stats_interval)\n"
		"      --count N          monitor: stop after N rows; features: after N records\n"
		"      --format FORMAT    features: text (default), csv or json (a line each)\n"
		"  -h, --help             show this help and exit\n"
		"      --version          show the version and exit\n\n"
		"Members of the vxlan-pipeline group may use it without root. Exit status: 0 ok,\n"
		"1 a failure or an unhealthy daemon (preflight: a warning), 2 preflight\n"
		"failures, 3 the daemon is not running, 64 a bad command line.\n"
		"See vxlan-pipeline(8).\n",
		CONF_CONTROL_DEFAULT, CONF_DIR_DEFAULT);
}

static int bad_value(const char *option, const char *value, const char *expected)
{
	fprintf(stderr, "vxlan-pipeline: %s '%s': expected %s\n", option, value, expected);
	return CLI_USAGE;
}

/* One option into c; -1 to go on, else the exit status. */
static int take_option(struct cli *c, int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case OPT_SOCKET:
		c->socket = arg;
		return -1;
	case OPT_CONFIG_DIR:
		c->config_dir = arg;
		return -1;
	case OPT_JSON:
		c->json = true;
		c->format = CLI_FORMAT_JSON;
		return -1;
	case OPT_FORMAT:
		if (!strcmp(arg, "text"))
			c->format = CLI_FORMAT_TEXT;
		else if (!strcmp(arg, "csv"))
			c->format = CLI_FORMAT_CSV;
		else if (!strcmp(arg, "json"))
			c->format = CLI_FORMAT_JSON;
		else
			return bad_value("--format", arg, "text, csv or json");
		return -1;
	case OPT_INTERVAL:
		c->interval = strtod(arg, &end);
		if (*end || !(c->interval >= 0.1 && c->interval <= 3600))
			return bad_value("--interval", arg, "0.1 to 3600 seconds");
		return -1;
	case OPT_COUNT:
		c->count = strtoul(arg, &end, 10);
		if (*end || !c->count || !isdigit((unsigned char)arg[0]))
			return bad_value("--count", arg, "a number of rows or records");
		return -1;
	case 'h':
		usage(stdout);
		return CLI_OK;
	case OPT_VERSION:
		printf("vxlan-pipeline %s\n", PACKAGE_VERSION);
		return CLI_OK;
	default:
		return CLI_USAGE;
	}
}

int main(int argc, char **argv)
{
	struct cli c = { .socket = CONF_CONTROL_DEFAULT, .config_dir = CONF_DIR_DEFAULT };
	size_t i;
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		if (opt == ':' || opt == '?') {
			fprintf(stderr, "vxlan-pipeline: %s '%s'; see --help\n",
				opt == ':' ? "a value is missing after" : "unknown option",
				argv[optind - 1]);
			return CLI_USAGE;
		}
		ret = take_option(&c, opt, optarg);
		if (ret >= 0)
			return ret;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "vxlan-pipeline: %s; see --help\n",
			optind == argc ? "which command?" : "one command at a time");
		return CLI_USAGE;
	}
	c.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].run(&c);
	fprintf(stderr, "vxlan-pipeline: unknown command '%s'; see --help\n", argv[optind]);
	return CLI_USAGE;
}
