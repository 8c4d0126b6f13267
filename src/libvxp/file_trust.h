/* SPDX-License-Identifier: GPL-2.0-only */
/* What a path is, in words for a message, and whether a file found there may
 * be trusted. */
#ifndef VXP_FILE_TRUST_H
#define VXP_FILE_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* "a regular file", "a directory", "a symbolic link", "a socket", ... */
const char *file_kind(mode_t mode);

/* As OpenSSH's StrictModes: whether what is open at fd (found at path) may
 * decide where mirrored traffic goes and which user the daemon becomes. It
 * must be a regular file (a directory when dir), owned by root or by the
 * user this process runs as, and writable by neither group nor others
 * (unless on a read-only mount, where nobody can write it). Returns 0, or
 * -EPERM with what is wrong and the fix in why ("... run: chmod go-w
 * 'PATH'"). */
int file_trust_check(int fd, const char *path, bool dir, char *why, size_t size);

#endif /* VXP_FILE_TRUST_H */
