/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading configuration files: every *.conf of a directory in C-locale name
 * order, merged; a setting given in two places is an error naming both. */
#ifndef VXP_CONF_LOAD_H
#define VXP_CONF_LOAD_H

#include <stdbool.h>
#include "conf.h"

/* Reads every *.conf in dir in C-locale name order into cfg. A missing dir is
 * an error only when must_exist. Returns 0, or -EINVAL with errs filled. */
int conf_load_dir(struct pipeline_config *cfg, const char *dir, bool must_exist,
		  struct conf_errors *errs);
/* Reads one file; settings given before in another file are errors. */
int conf_load_file(struct pipeline_config *cfg, const char *path, struct conf_errors *errs);

#endif /* VXP_CONF_LOAD_H */
