// SPDX-License-Identifier: GPL-2.0-only
/* The configuration: every file in the corpus of bad ones gives exactly its
 * expected message; good files merge in name order; the seed's flags
 * override; the shipped files are valid. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvxp/conf.h"
#include "libvxp/conf_check.h"
#include "libvxp/conf_load.h"
#include "libvxp/conf_rules.h"
#include "tap.h"

static const char *data_dir(void)
{
	const char *d = getenv("VXP_TEST_DATA");

	return d ? d : "tests/data";
}

/* msg with every occurrence of dir replaced by @DIR@ */
static void placeholder(const char *msg, const char *dir, char *out, size_t size)
{
	size_t dl = strlen(dir), n = 0;

	while (*msg && n + 6 < size) {
		if (!strncmp(msg, dir, dl)) {
			n += snprintf(out + n, size - n, "@DIR@");
			msg += dl;
		} else {
			out[n++] = *msg++;
		}
	}
	out[n] = '\0';
}

static int load_and_check(struct pipeline_config *cfg, const char *dir, struct conf_errors *errs)
{
	conf_init(cfg);
	if (conf_load_dir(cfg, dir, true, errs))
		return -EINVAL;
	return conf_check(cfg, errs);
}

static void check_bad(const char *dir, const char *name)
{
	char path[1024], file[1100], want[CONF_MSG_MAX], got[CONF_MSG_MAX];
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(file, sizeof(file), "%s/expected", path);
	f = fopen(file, "r");
	if (!f || !fgets(want, sizeof(want), f)) {
		tap_ok(false, "%s: no expected message in %s", name, file);
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	want[strcspn(want, "\n")] = '\0';
	load_and_check(&cfg, path, &errs);
	placeholder(errs.n ? errs.msg[0] : "(no error)", path, got, sizeof(got));
	if (!tap_ok(errs.n == 1 && !strcmp(got, want), "%s", name)) {
		tap_diag("want: %s", want);
		tap_diag("got:  %s (%u errors)", got, errs.n);
	}
	conf_free(&cfg);
}

static void check_corpus(void)
{
	char dir[1024];
	struct dirent **names;
	int n, i;

	snprintf(dir, sizeof(dir), "%s/conf/bad", data_dir());
	n = scandir(dir, &names, NULL, alphasort);
	if (!tap_ok(n > 2, "the corpus of bad configurations is there (%s)", dir))
		return;
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			check_bad(dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

static void check_merge(void)
{
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/conf/good/merge", data_dir());
	tap_ok(!load_and_check(&cfg, dir, &errs), "merge: three files load and check");
	tap_ok(cfg.n_files == 3, "merge: only *.conf files not starting with a dot are read (%zu)",
	       cfg.n_files);
	tap_ok(cfg.n_rules == 3 && cfg.rules[0].proto == IPPROTO_UDP &&
		       cfg.rules[1].proto == IPPROTO_TCP && cfg.rules[2].family == VXP_AF_INET6,
	       "merge: rules in file name order");
	tap_ok(cfg.n_rules == 3 && strstr(cfg.rules[2].src.file, "30-more.conf") &&
		       cfg.rules[2].src.line == 2,
	       "merge: each rule knows its file and line");
	tap_ok(!cfg.any_vni && cfg.n_vnis == 2 && cfg.vnis[1] == 200 && cfg.df_threshold == 1300 &&
		       cfg.xdp_mode == XDP_MODE_GENERIC && cfg.drop_unmatched,
	       "merge: settings from the first file");
	tap_ok(cfg.stats_interval == 5 && cfg.vxlan_port == 4789 && cfg.target_pps == 85000 &&
		       !strcmp(cfg.metrics_listen, CONF_METRICS_DEFAULT),
	       "merge: defaults for what no file sets");
	conf_free(&cfg);
}

static void check_expansion(void)
{
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	struct nat_rule *rules;
	size_t *origin, n;
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/conf/good/merge", data_dir());
	load_and_check(&cfg, dir, &errs);
	tap_ok(!conf_nat_rules(&cfg, &rules, &origin, &n) && n == 12,
	       "a port range becomes one rule per port (12)");
	tap_ok(n == 12 && rules[1].port == 8000 && rules[10].port == 8009 && origin[10] == 1 &&
		       rules[11].to_port == 5353 && origin[11] == 2,
	       "each knows the configuration rule it came from");
	free(rules);
	free(origin);
	conf_free(&cfg);
}

static void check_shipped(void)
{
	const struct conf_overrides lo = {
		.ingress = "lo", .egress = "lo", .nat_port = -1, .source_port = -1, .interval = -1
	};
	const char *top = getenv("VXP_TOP_SRCDIR");
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/conf", top ? top : ".");
	conf_init(&cfg);
	tap_ok(!conf_load_dir(&cfg, dir, true, &errs), "shipped conf/*.conf parse (%s)",
	       errs.n ? errs.msg[0] : "no error");
	tap_ok(cfg.n_rules == 0 && cfg.drop_unmatched && !cfg.ingress[0] && !cfg.egress[0],
	       "shipped files are safe unconfigured: no rule, no interface, unmatched dropped");
	tap_ok(!conf_apply_overrides(&cfg, &lo, &errs) && !conf_check(&cfg, &errs),
	       "shipped files check, with interfaces that exist here (%s)",
	       errs.n ? errs.msg[0] : "no error");
	conf_free(&cfg);
}

static void check_overrides(void)
{
	const struct conf_overrides seed = { .ingress = "lo",
					     .egress = "lo",
					     .nat_addr = "10.2.41.17",
					     .nat_port = 8081,
					     .source_port = 42844,
					     .interval = 2 };
	const struct conf_overrides partial = { .source_port = 1234,
						.nat_port = -1,
						.interval = -1 };
	const struct conf_overrides bad = { .nat_port = 0, .source_port = -1, .interval = -1 };
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	char dir[1024];
	int ret;

	conf_init(&cfg);
	tap_ok(!conf_load_dir(&cfg, "/nonexistent/vxp", false, &errs),
	       "a missing default directory is no error");
	tap_ok(!conf_apply_overrides(&cfg, &seed, &errs) && !conf_check(&cfg, &errs),
	       "the seed's flags alone make a configuration");
	tap_ok(cfg.n_rules == 1 && cfg.rules[0].match == VXP_NAT_MATCH_SRC &&
		       cfg.rules[0].proto == IPPROTO_UDP && cfg.rules[0].port_first == 42844 &&
		       cfg.rules[0].to_port == 8081 && !cfg.rules[0].src.file &&
		       cfg.stats_interval == 2 && cfg.any_vni,
	       "-s 42844 -a 10.2.41.17 -p 8081: one UDP source-port rule");
	conf_free(&cfg);

	snprintf(dir, sizeof(dir), "%s/conf/good/merge", data_dir());
	load_and_check(&cfg, dir, &errs);
	tap_ok(!conf_apply_overrides(&cfg, &partial, &errs) && cfg.n_rules == 1 &&
		       cfg.rules[0].port_first == 1234 && cfg.rules[0].to_port == 8080 &&
		       cfg.rules[0].to_addr.v4 == htonl(0x7f000001),
	       "-s alone replaces the files' rules, with the seed's 127.0.0.1:8080");
	conf_free(&cfg);

	conf_init(&cfg);
	errs.n = 0;
	ret = conf_apply_overrides(&cfg, &bad, &errs);
	tap_ok(ret == -EINVAL && errs.n == 1 &&
		       !strcmp(errs.msg[0],
			       "command line: -p is 0; expected a port from 1 to 65535"),
	       "-p 0 is refused: %s", errs.n ? errs.msg[0] : "");
	conf_free(&cfg);
	errs.n = 0;
	conf_init(&cfg);
	ret = conf_load_dir(&cfg, "/nonexistent/vxp", true, &errs);
	tap_ok(ret == -EINVAL && errs.n == 1 &&
		       !strcmp(errs.msg[0], "/nonexistent/vxp: cannot read the configuration "
					    "directory: No such file or directory"),
	       "a missing --config-dir: %s", errs.n ? errs.msg[0] : "");
	conf_free(&cfg);
}

int main(void)
{
	check_corpus();
	check_merge();
	check_expansion();
	check_shipped();
	check_overrides();
	return tap_done();
}
