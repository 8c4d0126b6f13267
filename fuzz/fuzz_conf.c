// SPDX-License-Identifier: GPL-2.0-only
/* libFuzzer harness for the configuration: the input becomes up to four
 * *.conf files (joined by FUZZ_FILE_SEP) in a directory of their own, read and
 * checked by the real conf_load_dir() and conf_check(). Either it loads, and
 * what --check-config accepts the data plane can install, or every error names
 * one of the files and a line inside it ("file:N: "). Built with ASan and
 * UBSan, so a leak or undefined behaviour aborts too. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include "libvxp/conf.h"
#include "libvxp/conf_check.h"
#include "libvxp/conf_load.h"
#include "libvxp/conf_rules.h"
#include "libvxp/nat_table.h"
#include "fuzz.h"

/* libconfig before 1.7.3 leaks the string tokens it drops on a syntax error
 * (hyperrealm/libconfig#142, fixed by #155); Debian 12 has 1.5. Not ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

static char dir[64];
static const char *const names[FUZZ_FILES_MAX] = { "10-pipeline.conf", "20-nat.conf",
						   "30-more.conf", "40-last.conf" };
static const uint8_t *cur_data;
static size_t cur_size;

static void cleanup(void)
{
	char path[128];
	int i;

	for (i = 0; i < FUZZ_FILES_MAX; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	umask(022); /* the files are trusted only when others cannot write them */
	snprintf(dir, sizeof(dir), "%s/vxp-fuzz-conf.XXXXXX",
		 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "fuzz_conf: mkdtemp '%s': %s\n", dir, strerror(errno));
		exit(1);
	}
	/* libconfig resolves @include against the working directory */
	if (chdir(dir)) {
		fprintf(stderr, "fuzz_conf: chdir '%s': %s\n", dir, strerror(errno));
		exit(1);
	}
	atexit(cleanup);
	return 0;
}

__attribute__((format(printf, 2, 3), noreturn)) static void broken(const struct conf_errors *errs,
								   const char *fmt, ...)
{
	va_list ap;
	unsigned i;

	fprintf(stderr, "\n=== configuration invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	for (i = 0; errs && i < errs->n && i < CONF_ERRORS_MAX; i++)
		fprintf(stderr, "  error %u: %s\n", i, errs->msg[i]);
	fprintf(stderr, "input (%zu bytes):\n%.*s\n", cur_size, (int)cur_size,
		(const char *)cur_data);
	abort();
}

static size_t count_lines(const uint8_t *p, size_t n)
{
	size_t lines = 1, i;

	for (i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

/* Writes the pieces; returns how many files, with their line counts. */
static int write_files(const uint8_t *data, size_t size, size_t *ret_lines)
{
	const uint8_t *piece;
	char path[128];
	size_t len;
	FILE *f;
	int n = 0;

	while (n < FUZZ_FILES_MAX && fuzz_next_piece(&data, &size, FUZZ_FILE_SEP, &piece, &len)) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[n]);
		f = fopen(path, "w");
		if (!f || fwrite(piece, 1, len, f) != len || fclose(f)) {
			fprintf(stderr, "fuzz_conf: writing '%s': %s\n", path, strerror(errno));
			exit(1);
		}
		ret_lines[n++] = count_lines(piece, len);
	}
	return n;
}

/* "DIR/NAME:N: " with NAME one of the n files and N a line of it; or one of
 * the errors about the configuration as a whole, which name the directory. */
static bool names_file_line(const char *msg, int n, const size_t *lines)
{
	size_t dl = strlen(dir), nl;
	unsigned long line;
	char *end;
	int i;

	if (strncmp(msg, dir, dl) || msg[dl] != '/')
		return !strncmp(msg, dir, dl) && !strncmp(msg + dl, ": no '", 6) &&
		       strstr(msg, "' in any *.conf here, and no -");
	for (i = 0; i < n; i++) {
		nl = strlen(names[i]);
		if (strncmp(msg + dl + 1, names[i], nl) || msg[dl + 1 + nl] != ':')
			continue;
		line = strtoul(msg + dl + 2 + nl, &end, 10);
		return end != msg + dl + 2 + nl && line >= 1 && line <= lines[i] &&
		       !strncmp(end, ": ", 2) && end[2];
	}
	return false;
}

/* A configuration that passed conf_check() holds what the checks promise and
 * builds a NAT table the data plane takes. */
static void check_accepted(const struct pipeline_config *cfg)
{
	static struct nat_entry entries[VXP_NAT_ENTRIES_MAX];
	struct nat_rule *rules;
	size_t *origin, n, i, conflict[2];
	int ret;

	if (!cfg->ingress[0] || !cfg->egress[0] || !cfg->vxlan_port ||
	    (!cfg->any_vni && !cfg->n_vnis) || !cfg->stats_interval)
		broken(NULL, "accepted without ingress, egress, a port, VNIs or an interval");
	for (i = 0; i < cfg->n_vnis; i++)
		if (cfg->vnis[i] >> 24)
			broken(NULL, "accepted VNI %u", cfg->vnis[i]);
	for (i = 0; i < cfg->n_rules; i++) {
		const struct conf_rule *r = &cfg->rules[i];

		if ((r->family != VXP_AF_INET && r->family != VXP_AF_INET6) ||
		    (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP) ||
		    (r->match != VXP_NAT_MATCH_DST && r->match != VXP_NAT_MATCH_SRC) ||
		    !r->port_first || r->port_first > r->port_last || !r->src.file ||
		    r->src.line < 1)
			broken(NULL, "accepted NAT rule %zu is incomplete", i);
	}
	if (conf_nat_rules(cfg, &rules, &origin, &n))
		broken(NULL, "conf_nat_rules() failed on an accepted configuration");
	ret = nat_table_build(rules, n, entries, VXP_NAT_ENTRIES_MAX, conflict);
	free(rules);
	free(origin);
	if (ret < 0)
		broken(NULL, "accepted, but the NAT table does not build: %s", strerror(-ret));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors errs = { 0 };
	struct pipeline_config cfg;
	size_t lines[FUZZ_FILES_MAX];
	unsigned i;
	int n, ret;

	cur_data = data;
	cur_size = size;
	cleanup();
	if (mkdir(dir, 0700)) {
		fprintf(stderr, "fuzz_conf: mkdir '%s': %s\n", dir, strerror(errno));
		exit(1);
	}
	n = write_files(data, size, lines);
	conf_init(&cfg);
	ret = conf_load_dir(&cfg, dir, true, &errs);
	if (!ret)
		ret = conf_check(&cfg, &errs);
	if (!ret != !errs.n)
		broken(&errs, "returned %d with %u errors", ret, errs.n);
	for (i = 0; i < errs.n && i < CONF_ERRORS_MAX; i++)
		if (!names_file_line(errs.msg[i], n, lines))
			broken(&errs, "error %u names no file and line of it", i);
	if (!ret)
		check_accepted(&cfg);
	conf_free(&cfg);
	return 0;
}
