// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipelined's command line: the seed's flags short and long, the
 * daemon's own, and the message for each mistake. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "daemon/daemon_cli.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int parse(char **argv, int argc, struct daemon_cli *c, char *err)
{
	err[0] = '\0';
	return daemon_cli_parse(argc, argv, c, err, 256);
}

static void check_seed_flags(void)
{
	char *shorts[] = { "vxlan-pipelined",
			   "-i",
			   "ens4",
			   "-t",
			   "ens5",
			   "-a",
			   "10.2.41.17",
			   "-p",
			   "8081",
			   "-s",
			   "42844",
			   "-I",
			   "5",
			   "-v" };
	char *longs[] = { "vxlan-pipelined", "--interface", "ens4",	  "--target=ens5",
			  "--nat-target",    "10.2.41.17",  "--nat-port", "8081",
			  "--source-port",   "42844",	    "--interval", "5",
			  "--verbose" };
	struct daemon_cli c;
	char err[256];
	const struct conf_overrides *o = &c.opts.overrides;

	tap_ok(!parse(shorts, N(shorts), &c, err) && !strcmp(o->ingress, "ens4") &&
		       !strcmp(o->egress, "ens5") && !strcmp(o->nat_addr, "10.2.41.17") &&
		       o->nat_port == 8081 && o->source_port == 42844 && o->interval == 5 &&
		       c.verbose == 1,
	       "the seed's example: -i ens4 -t ens5 -a 10.2.41.17 -p 8081 -s 42844 -I 5 -v");
	tap_ok(!parse(longs, N(longs), &c, err) && !strcmp(o->ingress, "ens4") &&
		       !strcmp(o->egress, "ens5") && o->nat_port == 8081 &&
		       o->source_port == 42844 && o->interval == 5 && c.verbose == 1,
	       "the same with long options");
	tap_ok(!strcmp(c.opts.config_dir, CONF_DIR_DEFAULT) && !c.opts.config_dir_given &&
		       !c.foreground && !c.check_config,
	       "defaults: %s, not given, background, no check", CONF_DIR_DEFAULT);
}

static void check_own_flags(void)
{
	char *argv[] = { "vxlan-pipelined", "--config-dir", "/tmp/x",
			 "--check-config",  "--foreground", "-vv" };
	char *help[] = { "vxlan-pipelined", "-h" }, *version[] = { "vxlan-pipelined", "--version" };
	struct daemon_cli c;
	char err[256];

	tap_ok(!parse(argv, N(argv), &c, err) && !strcmp(c.opts.config_dir, "/tmp/x") &&
		       c.opts.config_dir_given && c.check_config && c.foreground && c.verbose == 2,
	       "--config-dir, --check-config, --foreground, -vv");
	tap_ok(c.opts.overrides.nat_port == -1 && c.opts.overrides.source_port == -1 &&
		       c.opts.overrides.interval == -1 && !c.opts.overrides.ingress,
	       "flags not given stay unset");
	tap_ok(!parse(help, N(help), &c, err) && c.help, "-h");
	tap_ok(!parse(version, N(version), &c, err) && c.version, "--version");
}

static void check_mistakes(void)
{
	static const struct {
		char *argv[4];
		int argc;
		const char *msg;
	} cases[] = {
		{ { "d", "-p", "abc" }, 3, "-p: 'abc' is not a number" },
		{ { "d", "-s", "-1" }, 3, "-s: '-1' is not a number" },
		{ { "d", "-I", "5s" }, 3, "-I: '5s' is not a number" },
		{ { "d", "-x" }, 2, "unknown option '-x'; see --help" },
		{ { "d", "--colour" }, 2, "unknown option '--colour'; see --help" },
		{ { "d", "-i" }, 2, "-i needs a value; see --help" },
		{ { "d", "--config-dir" }, 2, "--config-dir needs a value; see --help" },
		{ { "d", "ens4" }, 2, "unexpected argument 'ens4'; see --help" },
	};
	struct daemon_cli c;
	char err[256];
	size_t i;

	for (i = 0; i < N(cases); i++) {
		char *argv[4];
		int ret;

		memcpy(argv, cases[i].argv, sizeof(argv));
		ret = parse(argv, cases[i].argc, &c, err);
		if (!tap_ok(ret && !strcmp(err, cases[i].msg), "%s", cases[i].msg))
			tap_diag("got: %s", err);
	}
}

/* Every option the parser takes is in --help. */
static void check_help_lists_all(void)
{
	static const char *const opts[] = { "--config-dir",  "--check-config",
					    "--interface",   "--target",
					    "--nat-target",  "--nat-port",
					    "--source-port", "--interval",
					    "--verbose",     "--foreground",
					    "--help",	     "--version",
					    "-i,",	     "-t,",
					    "-a,",	     "-p,",
					    "-s,",	     "-I,",
					    "-v,",	     "-h," };
	char text[4096] = "";
	FILE *f = fmemopen(text, sizeof(text) - 1, "w");
	size_t i, missing = 0;

	daemon_cli_usage(f);
	fclose(f);
	for (i = 0; i < N(opts); i++)
		if (!strstr(text, opts[i])) {
			tap_diag("--help lacks %s", opts[i]);
			missing++;
		}
	tap_ok(!missing, "--help names all %zu options", N(opts));
}

int main(void)
{
	check_seed_flags();
	check_own_flags();
	check_mistakes();
	check_help_lists_all();
	return tap_done();
}
