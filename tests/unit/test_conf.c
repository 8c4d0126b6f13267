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
#include <sys/stat.h>
#include <unistd.h>

#include "libvxp/conf.h"
#include "libvxp/conf_check.h"
#include "libvxp/conf_load.h"
#include "libvxp/conf_rules.h"
#include "libvxp/nat_table.h"
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

/* A copy of the directory src in out: its regular files 0644 in a directory
 * 0700, this user's: what the loader trusts (as StrictModes), whatever the
 * umask of the checkout the corpus came from. */
static void copy_dir(const char *src, char *out, size_t size)
{
	char from[1024], to[1024], buf[4096];
	struct dirent *e;
	DIR *d = opendir(src);
	FILE *in, *o;
	size_t n;

	snprintf(out, size, "/tmp/vxp-conf.XXXXXX");
	if (!d || !mkdtemp(out))
		tap_bail("copying '%s': %s", src, strerror(errno));
	while ((e = readdir(d))) {
		snprintf(from, sizeof(from), "%s/%s", src, e->d_name);
		snprintf(to, sizeof(to), "%s/%s", out, e->d_name);
		if (e->d_type != DT_REG || !(in = fopen(from, "r")))
			continue;
		o = fopen(to, "w");
		if (!o)
			tap_bail("copying to '%s': %s", to, strerror(errno));
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, o);
		fclose(in);
		fclose(o);
	}
	closedir(d);
}

static void remove_dir(const char *dir)
{
	char path[1024];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type != DT_DIR)
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void check_bad(const char *dir, const char *name)
{
	char path[1024], copy[64], file[1100], want[CONF_MSG_MAX], got[CONF_MSG_MAX];
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
	copy_dir(path, copy, sizeof(copy));
	load_and_check(&cfg, copy, &errs);
	placeholder(errs.n ? errs.msg[0] : "(no error)", copy, got, sizeof(got));
	remove_dir(copy);
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
	char dir[64], src[1024];

	snprintf(src, sizeof(src), "%s/conf/good/merge", data_dir());
	copy_dir(src, dir, sizeof(dir));
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
	remove_dir(dir);
}

static void check_expansion(void)
{
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	struct nat_rule *rules;
	size_t *origin, n;
	char dir[64], src[1024];

	snprintf(src, sizeof(src), "%s/conf/good/merge", data_dir());
	copy_dir(src, dir, sizeof(dir));
	load_and_check(&cfg, dir, &errs);
	remove_dir(dir);
	tap_ok(!conf_nat_rules(&cfg, &rules, &origin, &n) && n == 12,
	       "a port range becomes one rule per port (12)");
	tap_ok(n == 12 && rules[1].port == 8000 && rules[10].port == 8009 && origin[10] == 1 &&
		       rules[11].to_port == 5353 && origin[11] == 2,
	       "each knows the configuration rule it came from");
	free(rules);
	free(origin);
	conf_free(&cfg);
}

/* A configuration directory of its own: pipeline.conf naming lo, and a
 * nat.conf of n rules, rule i written by rule(i, buf) on line i + 2. */
static void write_rules(char *dir, size_t n, void (*rule)(size_t i, char *buf, size_t size))
{
	char path[256], line[256];
	FILE *f;
	size_t i;

	strcpy(dir, "/tmp/vxp-conf.XXXXXX");
	if (!mkdtemp(dir))
		tap_bail("mkdtemp");
	snprintf(path, sizeof(path), "%s/pipeline.conf", dir);
	f = fopen(path, "w");
	if (!f)
		tap_bail("%s", path);
	fputs("ingress = \"lo\";\negress = \"lo\";\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/nat.conf", dir);
	f = fopen(path, "w");
	if (!f)
		tap_bail("%s", path);
	fputs("nat = (\n", f);
	for (i = 0; i < n; i++) {
		rule(i, line, sizeof(line));
		fprintf(f, "  %s%s\n", line, i + 1 < n ? "," : "");
	}
	fputs(");\n", f);
	fclose(f);
}

/* The ports the kept rules match: what expanding them would make. */
static size_t ports_kept(const struct pipeline_config *cfg)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->n_rules; i++)
		n += cfg->rules[i].port_last - cfg->rules[i].port_first + 1;
	return n;
}

static void all_ports_to(size_t i, char *buf, size_t size)
{
	snprintf(buf, size,
		 "{ proto = \"udp\"; dst_port = \"1-65535\"; dst = \"10.9.%zu.%zu\"; "
		 "to = \"10.0.0.1\"; }",
		 i / 256, i % 256 + 1);
}

static void thousands(size_t i, char *buf, size_t size)
{
	snprintf(buf, size, "{ proto = \"tcp\"; dst_port = \"%zu-%zu\"; to = \"10.0.0.1\"; }",
		 i * 1000 + 1, i * 1000 + 1000);
}

/* 4000 ports with 'dst' and the same without (their markers are the
 * wildcard entries), then 192 more without: 8192 entries; then one more. */
static void markers(size_t i, char *buf, size_t size)
{
	static const char *const r[] = {
		"{ proto = \"udp\"; dst_port = \"1-4000\"; dst = \"10.9.0.1\"; to = \"10.0.0.1\"; "
		"}",
		"{ proto = \"udp\"; dst_port = \"1-4000\"; to = \"10.0.0.2\"; }",
		"{ proto = \"udp\"; dst_port = \"4001-4192\"; to = \"10.0.0.2\"; }",
		"{ proto = \"udp\"; dst_port = 4193; to = \"10.0.0.2\"; }",
	};

	snprintf(buf, size, "%s", r[i]);
}

/* Entries nat_table_build() makes of the configuration's rules. */
static int entries_built(const struct pipeline_config *cfg)
{
	static struct nat_entry entries[VXP_NAT_ENTRIES_MAX + 16];
	struct nat_rule *rules;
	size_t *origin, n, conflict[2];
	int ret;

	if (conf_nat_rules(cfg, &rules, &origin, &n))
		return -1;
	ret = nat_table_build(rules, n, entries, VXP_NAT_ENTRIES_MAX + 16, conflict);
	free(rules);
	free(origin);
	return ret;
}

/* 200 rules of "1-65535", each with its own 'dst', in 16 kB: 26 million
 * entries if expanded. Counted before expanding: the first rule is past the
 * table, and nothing is kept. */
static void check_exploding_ranges(void)
{
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	char dir[64], want[CONF_MSG_MAX];
	int ret, built;

	write_rules(dir, 200, all_ports_to);
	load_and_check(&cfg, dir, &errs);
	snprintf(want, sizeof(want),
		 "%s/nat.conf:2: the NAT table is full at this rule: it holds %d entries, one per "
		 "matched port and one more per port that also has rules with 'dst'",
		 dir, VXP_NAT_ENTRIES_MAX);
	tap_ok(errs.n == 1 && !strcmp(errs.msg[0], want),
	       "200 rules of dst_port \"1-65535\": the first is named: %s",
	       errs.n ? errs.msg[0] : "(no error)");
	tap_ok(cfg.n_rules == 0 && ports_kept(&cfg) == 0,
	       "... and none is kept: %zu rules, %zu ports", cfg.n_rules, ports_kept(&cfg));
	conf_free(&cfg);
	remove_dir(dir);

	errs.n = 0;
	write_rules(dir, 12, thousands);
	load_and_check(&cfg, dir, &errs);
	tap_ok(errs.n == 1 && strstr(errs.msg[0], "/nat.conf:10: the NAT table is full") &&
		       cfg.n_rules == 8 && ports_kept(&cfg) == 8000,
	       "12 rules of 1000 ports: 8 kept (%zu ports), the 9th named (%s)", ports_kept(&cfg),
	       errs.n ? errs.msg[0] : "no error");
	conf_free(&cfg);
	remove_dir(dir);

	errs.n = 0;
	write_rules(dir, 3, markers);
	ret = load_and_check(&cfg, dir, &errs);
	built = entries_built(&cfg);
	tap_ok(!ret && built == VXP_NAT_ENTRIES_MAX,
	       "port markers counted as the table builds them: %d entries fit (%s)", built,
	       errs.n ? errs.msg[0] : "no error");
	conf_free(&cfg);
	remove_dir(dir);
	errs.n = 0;
	write_rules(dir, 4, markers);
	ret = load_and_check(&cfg, dir, &errs);
	tap_ok(ret && errs.n == 1 && strstr(errs.msg[0], "/nat.conf:5: the NAT table is full") &&
		       cfg.n_rules == 3,
	       "... and one more port does not (%s)", errs.n ? errs.msg[0] : "no error");
	conf_free(&cfg);
	remove_dir(dir);
}

static void port_as_string(size_t i, char *buf, size_t size)
{
	static const char *const r[] = {
		"{ proto = \"udp\"; dst_port = \"80\"; to = \"10.0.0.1\"; }",
		"{ proto = \"tcp\"; src_port = \"8000-8002\"; to = \"10.0.0.1\"; }",
	};

	snprintf(buf, size, "%s", r[i]);
}

static void plain_port_in_quotes(size_t i, char *buf, size_t size)
{
	static const char *const r[] = {
		"{ proto = \"udp\"; dst_port = \"80x\"; to = \"10.0.0.1\"; }",
		"{ proto = \"udp\"; dst_port = \"+80\"; to = \"10.0.0.1\"; }",
		"{ proto = \"udp\"; dst_port = \"0\"; to = \"10.0.0.1\"; }"
	};

	snprintf(buf, size, "%s", r[i]);
}

/* "A port from 1 to 65535 or a range" in quotes: "80" as well as "80-90". */
static void check_port_strings(void)
{
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	char dir[64];
	int ret;

	write_rules(dir, 2, port_as_string);
	ret = load_and_check(&cfg, dir, &errs);
	tap_ok(!ret && cfg.n_rules == 2 && cfg.rules[0].port_first == 80 &&
		       cfg.rules[0].port_last == 80 && cfg.rules[1].port_first == 8000 &&
		       cfg.rules[1].port_last == 8002,
	       "dst_port = \"80\" is port 80, as the error for a bad one says (%s)",
	       errs.n ? errs.msg[0] : "no error");
	conf_free(&cfg);
	remove_dir(dir);
	errs.n = 0;
	write_rules(dir, 3, plain_port_in_quotes);
	ret = load_and_check(&cfg, dir, &errs);
	tap_ok(ret && errs.n == 3 && strstr(errs.msg[0], ":2: 'dst_port' is '80x'") &&
		       strstr(errs.msg[1], ":3: 'dst_port' is '+80'") &&
		       strstr(errs.msg[2], ":4: 'dst_port' is '0'"),
	       "\"80x\", \"+80\" and \"0\" are not ports (%u errors: %s)", errs.n,
	       errs.n ? errs.msg[0] : "none");
	conf_free(&cfg);
	remove_dir(dir);
}

static void check_shipped(void)
{
	const struct conf_overrides lo = {
		.ingress = "lo", .egress = "lo", .nat_port = -1, .source_port = -1, .interval = -1
	};
	const char *top = getenv("VXP_TOP_SRCDIR");
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	char dir[64], src[1024];

	snprintf(src, sizeof(src), "%s/conf", top ? top : ".");
	copy_dir(src, dir, sizeof(dir));
	conf_init(&cfg);
	tap_ok(!conf_load_dir(&cfg, dir, true, &errs), "shipped conf/*.conf parse (%s)",
	       errs.n ? errs.msg[0] : "no error");
	tap_ok(cfg.n_rules == 0 && cfg.drop_unmatched && !cfg.ingress[0] && !cfg.egress[0],
	       "shipped files are safe unconfigured: no rule, no interface, unmatched dropped");
	tap_ok(!conf_apply_overrides(&cfg, &lo, &errs) && !conf_check(&cfg, &errs),
	       "shipped files check, with interfaces that exist here (%s)",
	       errs.n ? errs.msg[0] : "no error");
	conf_free(&cfg);
	remove_dir(dir);
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
	char dir[64], src[1024];
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

	snprintf(src, sizeof(src), "%s/conf/good/merge", data_dir());
	copy_dir(src, dir, sizeof(dir));
	load_and_check(&cfg, dir, &errs);
	remove_dir(dir);
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
	umask(022);
	check_corpus();
	check_merge();
	check_expansion();
	check_exploding_ranges();
	check_port_strings();
	check_shipped();
	check_overrides();
	return tap_done();
}
