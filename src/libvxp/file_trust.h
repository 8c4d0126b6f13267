/* SPDX-License-Identifier: GPL-2.0-only */
/* What a path is, in words for a message, and whether a file found there may
 * be trusted. */
#ifndef VXP_FILE_TRUST_H
#define VXP_FILE_TRUST_H

#include <sys/types.h>

/* "a regular file", "a directory", "a symbolic link", "a socket", ... */
const char *file_kind(mode_t mode);

#endif /* VXP_FILE_TRUST_H */
