// SPDX-License-Identifier: GPL-2.0-only
/* Reading configuration files: every *.conf of a directory in C-locale name
 * order, merged, each setting parsed where it stands; an unknown setting
 * named with the likely one meant, a setting given twice named in both
 * places; a directory or file others could change refused, as StrictModes. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libconfig.h>

#include "conf.h"
#include "conf_load.h"
#include "conf_parse.h"
#include "file_trust.h"

/* Levenshtein distance; 99 for names of 32 characters or more. */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int d[32][32];

	if (la >= 32 || lb >= 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;

			d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
	return d[la][lb];
}

/* The known key closest to an unknown one, when it is a likely typo. */
static const char *closest_key(const char *name)
{
	const char *best = NULL;
	int best_d = 3, k;

	for (k = 0; k < CONF__COUNT; k++) {
		int d = edit_distance(name, conf_key_name(k));

		if (d < best_d) {
			best_d = d;
			best = conf_key_name(k);
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
			 conf_key_name(k));
	conf_error(errs, src, "unknown setting '%s'; expected one of: %s", name, list);
}

static int key_lookup(const char *name)
{
	int k;

	for (k = 0; k < CONF__COUNT; k++)
		if (!strcmp(name, conf_key_name(k)))
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

/* Up to CONF_FILE_MAX + 1 bytes of fd into buf; their number, or -errno. */
static ssize_t read_all(int fd, char *buf)
{
	size_t len = 0;
	ssize_t n;

	while (len <= CONF_FILE_MAX) {
		n = read(fd, buf + len, CONF_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* The file at path, opened without waiting (a FIFO would hang the reader)
 * and trusted as StrictModes would; -1 with the error added. */
static int open_trusted(const char *path, struct conf_src *src, struct conf_errors *errs)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	char why[CONF_MSG_MAX / 2];

	if (fd < 0) {
		conf_error(errs, src, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (file_trust_check(fd, path, false, why, sizeof(why))) {
		conf_error(errs, src, "%s", why);
		close(fd);
		return -1;
	}
	return fd;
}

/* The whole file, NUL-terminated, for config_read_string(): libconfig never
 * reads a file itself, so an @include cannot make its scanner read a
 * directory, where flex's fatal error would end the daemon on a reload. */
static char *read_text(const char *path, struct conf_src *src, struct conf_errors *errs)
{
	int fd = open_trusted(path, src, errs);
	char *buf;
	ssize_t len;
	size_t n;

	if (fd < 0)
		return NULL;
	buf = malloc(CONF_FILE_MAX + 1);
	len = buf ? read_all(fd, buf) : -ENOMEM;
	close(fd);
	if (len < 0 || len > CONF_FILE_MAX) {
		if (len < 0)
			conf_error(errs, src, "cannot read: %s", strerror((int)-len));
		else
			conf_error(errs, src,
				   "larger than %d KiB; a configuration file is short text",
				   CONF_FILE_MAX / 1024);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (strlen(buf) != (size_t)len) {
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

/* The directory, trusted as StrictModes would; 1 when it is missing and may
 * be, 0, or -EINVAL with the error added. */
static int dir_trusted(const char *dir, bool must_exist, struct conf_errors *errs)
{
	struct conf_src src = { dir, 0 };
	char why[CONF_MSG_MAX / 2];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && !must_exist)
		return 1;
	if (fd < 0) {
		conf_error(errs, &src, "cannot read the configuration directory: %s",
			   strerror(errno));
		return -EINVAL;
	}
	if (file_trust_check(fd, dir, true, why, sizeof(why))) {
		conf_error(errs, &src, "%s", why);
		close(fd);
		return -EINVAL;
	}
	close(fd);
	return 0;
}

int conf_load_dir(struct pipeline_config *cfg, const char *dir, bool must_exist,
		  struct conf_errors *errs)
{
	struct conf_src src = { dir, 0 };
	struct dirent **names;
	char path[4096];
	int n, i, ret;

	cfg->dir = dir;
	ret = dir_trusted(dir, must_exist, errs);
	if (ret)
		return ret > 0 ? 0 : ret;
	n = scandir(dir, &names, conf_name, c_locale_sort);
	if (n < 0) {
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
