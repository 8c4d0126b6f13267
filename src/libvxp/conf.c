// SPDX-License-Identifier: GPL-2.0-only
/* Reading configuration files: each setting's type and range, with errors that
 * name the file, the line and what was expected; files merged in C-locale name
 * order, a setting given twice named in both places. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libconfig.h>

#include "conf.h"
#include "conf_parse.h"
#include "vxlan_pipeline.h"

static const char *const key_names[CONF__COUNT] = {
	[CONF_INGRESS] = "ingress",
	[CONF_EGRESS] = "egress",
	[CONF_XDP_MODE] = "xdp_mode",
	[CONF_VXLAN_PORT] = "vxlan_port",
	[CONF_VNI] = "vni",
	[CONF_DF_THRESHOLD] = "df_threshold",
	[CONF_UNMATCHED] = "unmatched",
	[CONF_STATS_INTERVAL] = "stats_interval",
	[CONF_TARGET_PPS] = "target_pps",
	[CONF_METRICS_LISTEN] = "metrics_listen",
	[CONF_CONTROL_SOCKET] = "control_socket",
	[CONF_FEATURE_SAMPLING] = "feature_sampling",
	[CONF_ALLOW_DEFAULT_ROUTE] = "allow_default_route",
	[CONF_ENA_FIX] = "ena_fix",
	[CONF_USER] = "user",
	[CONF_NAT] = "nat",
};

const char *conf_key_name(enum conf_key key)
{
	return key < CONF__COUNT ? key_names[key] : "?";
}

const char *conf_xdp_mode_name(enum xdp_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_GENERIC:
		return "generic";
	default:
		return "auto";
	}
}

void conf_init(struct pipeline_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->xdp_mode = XDP_MODE_AUTO;
	cfg->vxlan_port = VXP_VXLAN_PORT_DEFAULT;
	cfg->any_vni = true;
	cfg->df_threshold = VXP_DF_THRESHOLD_DEFAULT;
	cfg->stats_interval = 5;
	cfg->target_pps = 85000;
	snprintf(cfg->metrics_listen, sizeof(cfg->metrics_listen), "%s", CONF_METRICS_DEFAULT);
	snprintf(cfg->control_socket, sizeof(cfg->control_socket), "%s", CONF_CONTROL_DEFAULT);
}

void conf_free(struct pipeline_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_files; i++)
		free(cfg->files[i]);
	free(cfg->files);
	free(cfg->vnis);
	free(cfg->rules);
	memset(cfg, 0, sizeof(*cfg));
}

void conf_src_format(const struct conf_src *src, char *buf, size_t size)
{
	if (src->file && src->line)
		snprintf(buf, size, "%s:%d", src->file, src->line);
	else if (src->file)
		snprintf(buf, size, "%s", src->file);
	else
		snprintf(buf, size, "command line");
}

void conf_error(struct conf_errors *errs, const struct conf_src *src, const char *fmt, ...)
{
	char where[CONF_MSG_MAX / 2], *msg;
	va_list ap;
	int n;

	if (errs->n++ >= CONF_ERRORS_MAX)
		return;
	msg = errs->msg[errs->n - 1];
	conf_src_format(src, where, sizeof(where));
	n = snprintf(msg, CONF_MSG_MAX, "%s: ", where);
	va_start(ap, fmt);
	vsnprintf(msg + n, CONF_MSG_MAX - n, fmt, ap);
	va_end(ap);
}

/* The known key closest to an unknown one, when it is a likely typo. */
static const char *closest_key(const char *name)
{
	const char *best = NULL;
	int best_d = 3, k;

	for (k = 0; k < CONF__COUNT; k++) {
		int d = edit_distance(name, key_names[k]);

		if (d < best_d) {
			best_d = d;
			best = key_names[k];
		}
	}
	return best;
}

static void unknown_key(const char *name, const struct conf_src *src, struct conf_errors *errs)
{
	const char *near = closest_key(name);
	char list[CONF_MSG_MAX / 2] = "";
	int k;

	if (near) {
		conf_error(errs, src, "unknown setting '%s'; did you mean '%s'?", name, near);
		return;
	}
	for (k = 0; k < CONF__COUNT; k++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", k ? ", " : "",
			 key_names[k]);
	conf_error(errs, src, "unknown setting '%s'; expected one of: %s", name, list);
}

static int key_lookup(const char *name)
{
	int k;

	for (k = 0; k < CONF__COUNT; k++)
		if (!strcmp(name, key_names[k]))
			return k;
	return -1;
}

static int read_setting(struct pipeline_config *cfg, const config_setting_t *s, const char *file,
			struct conf_errors *errs)
{
	struct conf_src src = { file, config_setting_source_line(s) };
	const char *name = config_setting_name(s);
	char first[CONF_MSG_MAX / 2];
	int key = key_lookup(name);

	if (key < 0) {
		unknown_key(name, &src, errs);
		return -EINVAL;
	}
	/* NAT rules add up across files; every other setting is given once */
	if (cfg->is_set[key] && key != CONF_NAT) {
		conf_src_format(&cfg->set_at[key], first, sizeof(first));
		conf_error(errs, &src, "'%s' is set again; it was first set at %s", name, first);
		return -EINVAL;
	}
	if (conf_parse_value(cfg, key, s, &src, errs))
		return -EINVAL;
	cfg->is_set[key] = true;
	cfg->set_at[key] = src;
	return 0;
}

static const char *keep_file_name(struct pipeline_config *cfg, const char *path)
{
	char **files = realloc(cfg->files, (cfg->n_files + 1) * sizeof(*files));

	if (!files)
		return NULL;
	cfg->files = files;
	files[cfg->n_files] = strdup(path);
	return files[cfg->n_files] ? files[cfg->n_files++] : NULL;
}

/* A configuration file is small text; more than this is a mistake. */
#define CONF_FILE_MAX (1024 * 1024)

/* The whole file, NUL-terminated, for config_read_string(): libconfig never
 * reads a file itself, so an @include cannot make its scanner read a
 * directory, where flex's fatal error would end the daemon on a reload. */
static char *read_text(const char *path, struct conf_src *src, struct conf_errors *errs)
{
	char *buf = NULL;
	size_t len = 0, n;
	FILE *f = fopen(path, "re");

	if (!f) {
		conf_error(errs, src, "cannot read: %s", strerror(errno));
		return NULL;
	}
	buf = malloc(CONF_FILE_MAX + 1);
	if (buf) {
		while (len <= CONF_FILE_MAX &&
		       (n = fread(buf + len, 1, CONF_FILE_MAX + 1 - len, f)) > 0)
			len += n;
		if (ferror(f)) {
			conf_error(errs, src, "cannot read: %s", strerror(errno ? errno : EIO));
			free(buf);
			buf = NULL;
		} else if (len > CONF_FILE_MAX) {
			conf_error(errs, src,
				   "larger than %d KiB; a configuration file is short text",
				   CONF_FILE_MAX / 1024);
			free(buf);
			buf = NULL;
		} else {
			buf[len] = '\0';
		}
	} else {
		conf_error(errs, src, "cannot read: %s", strerror(ENOMEM));
	}
	fclose(f);
	if (buf && strlen(buf) != len) {
		src->line = 1;
		for (n = 0; buf[n]; n++)
			src->line += buf[n] == '\n';
		conf_error(errs, src, "a NUL byte; configuration files are text");
		free(buf);
		return NULL;
	}
	return buf;
}

/* libconfig's @include (a line that starts with it) is refused: the files
 * in the directory are what gets merged, in name order. */
static int refuse_include(const char *text, struct conf_src *src, struct conf_errors *errs)
{
	const char *line = text;

	for (src->line = 1; line; src->line++) {
		const char *p = line + strspn(line, " \t");

		if (!strncmp(p, "@include", 8)) {
			conf_error(errs, src,
				   "@include is not supported: put the settings in a "
				   "*.conf file of their own in the configuration directory "
				   "(its files are merged in name order)");
			return -EINVAL;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	src->line = 0;
	return 0;
}

int conf_load_file(struct pipeline_config *cfg, const char *path, struct conf_errors *errs)
{
	struct conf_src src = { path, 0 };
	const config_setting_t *root;
	const char *file;
	unsigned before = errs->n;
	char *text;
	config_t lc;
	int i;

	file = keep_file_name(cfg, path);
	if (!file)
		return -ENOMEM;
	src.file = file;
	text = read_text(path, &src, errs);
	if (!text)
		return -EINVAL;
	if (refuse_include(text, &src, errs)) {
		free(text);
		return -EINVAL;
	}
	config_init(&lc);
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		src.line = config_error_line(&lc);
		conf_error(errs, &src, "%s (libconfig syntax: name = value;)",
			   config_error_text(&lc));
		config_destroy(&lc);
		free(text);
		return -EINVAL;
	}
	free(text);
	root = config_root_setting(&lc);
	for (i = 0; i < config_setting_length(root); i++)
		read_setting(cfg, config_setting_get_elem(root, i), file, errs);
	config_destroy(&lc);
	return errs->n == before ? 0 : -EINVAL;
}

static int conf_name(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return d->d_name[0] != '.' && len > 5 && !strcmp(d->d_name + len - 5, ".conf");
}

/* alphasort() follows LC_COLLATE; the order must not depend on the locale */
static int c_locale_sort(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int conf_load_dir(struct pipeline_config *cfg, const char *dir, bool must_exist,
		  struct conf_errors *errs)
{
	struct conf_src src = { dir, 0 };
	struct dirent **names;
	char path[4096];
	int n, i, ret = 0;

	cfg->dir = dir;
	n = scandir(dir, &names, conf_name, c_locale_sort);
	if (n < 0) {
		if (errno == ENOENT && !must_exist)
			return 0;
		conf_error(errs, &src, "cannot read the configuration directory: %s",
			   strerror(errno));
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (conf_load_file(cfg, path, errs))
			ret = -EINVAL;
		free(names[i]);
	}
	free(names);
	return ret;
}
