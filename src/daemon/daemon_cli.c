// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipelined's command line: the seed loader's flags and the daemon's own. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_cli.h"

enum { OPT_CHECK = 256, OPT_CONFIG_DIR, OPT_FOREGROUND, OPT_VERSION, OPT_PREPARE };

static const struct option long_options[] = {
	{ "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
	{ "check-config", no_argument, NULL, OPT_CHECK },
	{ "prepare-sysctl", no_argument, NULL, OPT_PREPARE },
	{ "interface", required_argument, NULL, 'i' },
	{ "target", required_argument, NULL, 't' },
	{ "nat-target", required_argument, NULL, 'a' },
	{ "nat-port", required_argument, NULL, 'p' },
	{ "source-port", required_argument, NULL, 's' },
	{ "interval", required_argument, NULL, 'I' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "foreground", no_argument, NULL, OPT_FOREGROUND },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void daemon_cli_usage(FILE *f)
{
	fprintf(f,
		"Usage: vxlan-pipelined [OPTION]...\n"
		"Decapsulate mirrored VXLAN traffic with XDP, NAT it and forward it to "
		"collectors.\n"
		"\n"
		"      --config-dir DIR    read DIR/*.conf (default " CONF_DIR_DEFAULT ")\n"
		"      --check-config      check the configuration and exit: 0 valid, 78 not\n"
		"      --prepare-sysctl    turn on IPv6 forwarding on the ingress interface\n"
		"                          (accept_ra 1 becomes 2 first) and exit; needs root\n"
		"  -i, --interface IF      ingress interface (overrides 'ingress')\n"
		"  -t, --target IF         egress interface (overrides 'egress')\n"
		"  -a, --nat-target ADDR   NAT target address (default 127.0.0.1)\n"
		"  -p, --nat-port PORT     NAT target port (default 8080)\n"
		"  -s, --source-port PORT  inner UDP source port to NAT (default 31765);\n"
		"                          any of -a, -p, -s replaces the files' NAT rules\n"
		"                          with this one rule\n"
		"  -I, --interval SECONDS  statistics interval (overrides 'stats_interval')\n"
		"  -v, --verbose           debug messages; twice, libbpf's too\n"
		"      --foreground        do not detach (never detaches under systemd)\n"
		"  -h, --help              show this help and exit\n"
		"      --version           show the version and exit\n"
		"\n"
		"Signals: SIGHUP reloads the configuration, SIGTERM and SIGINT detach and exit.\n"
		"Exit status: 0 on success, 64 for a bad command line, 78 for a bad\n"
		"configuration, 1 for any other failure. See vxlan-pipelined(8).\n");
}

static int number(const char *flag, const char *arg, int *ret, char *err, size_t errsize)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v < 0 || v > 1000000) {
		snprintf(err, errsize, "%s: '%s' is not a number", flag, arg);
		return -EINVAL;
	}
	*ret = (int)v;
	return 0;
}

static int take(struct daemon_cli *c, int opt, char *err, size_t errsize)
{
	struct conf_overrides *o = &c->opts.overrides;
	char flag[3] = { '-', (char)opt, 0 };

	switch (opt) {
	case OPT_CONFIG_DIR:
		c->opts.config_dir = optarg;
		c->opts.config_dir_given = true;
		return 0;
	case OPT_CHECK:
		c->check_config = true;
		return 0;
	case OPT_PREPARE:
		c->prepare_sysctl = true;
		return 0;
	case OPT_FOREGROUND:
		c->foreground = true;
		return 0;
	case OPT_VERSION:
		c->version = true;
		return 0;
	case 'h':
		c->help = true;
		return 0;
	case 'v':
		c->verbose++;
		return 0;
	case 'i':
		o->ingress = optarg;
		return 0;
	case 't':
		o->egress = optarg;
		return 0;
	case 'a':
		o->nat_addr = optarg;
		return 0;
	case 'p':
		return number(flag, optarg, &o->nat_port, err, errsize);
	case 's':
		return number(flag, optarg, &o->source_port, err, errsize);
	case 'I':
		return number(flag, optarg, &o->interval, err, errsize);
	default:
		snprintf(err, errsize, "unknown option; see --help");
		return -EINVAL;
	}
}

int daemon_cli_parse(int argc, char **argv, struct daemon_cli *ret, char *err, size_t errsize)
{
	int opt;

	memset(ret, 0, sizeof(*ret));
	ret->opts.config_dir = CONF_DIR_DEFAULT;
	ret->opts.overrides.nat_port = -1;
	ret->opts.overrides.source_port = -1;
	ret->opts.overrides.interval = -1;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":i:t:a:p:s:I:vh", long_options, NULL)) != -1) {
		if (opt == ':') {
			snprintf(err, errsize, "%s needs a value; see --help", argv[optind - 1]);
			return -EINVAL;
		}
		if (opt == '?') {
			snprintf(err, errsize, "unknown option '%s'; see --help", argv[optind - 1]);
			return -EINVAL;
		}
		if (take(ret, opt, err, errsize))
			return -EINVAL;
	}
	if (optind < argc) {
		snprintf(err, errsize, "unexpected argument '%s'; see --help", argv[optind]);
		return -EINVAL;
	}
	return 0;
}
