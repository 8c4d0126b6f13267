/* SPDX-License-Identifier: GPL-2.0-only */
/* Restart without a gap: the XDP links and the maps wait in systemd's fd
 * store (FDSTORE=1) while the daemon restarts, and the next daemon takes them
 * back (LISTEN_FDS with LISTEN_FDNAMES). */
#ifndef VXP_FDSTORE_H
#define VXP_FDSTORE_H

#include <stdbool.h>

#define FDSTORE_MAX	 24
#define FDSTORE_NAME_MAX 64
#define FDSTORE_LINK_IN	 "link-ingress" /* names: no ":", systemd's separator */
#define FDSTORE_LINK_OUT "link-egress"

struct fdstore {
	unsigned n;
	int fd[FDSTORE_MAX];
	char name[FDSTORE_MAX][FDSTORE_NAME_MAX];
};

/* The fds systemd handed this process, by name. Returns how many (0 when
 * none), or -errno. */
int fdstore_take(struct fdstore *s);
/* The fd stored under name, now the caller's; -1 when there is none. */
int fdstore_get(struct fdstore *s, const char *name);
/* Closes what nobody took. */
void fdstore_close(struct fdstore *s);

/* Puts fd in the store under name, replacing whatever was stored under it.
 * Returns 0 or -errno. */
int fdstore_put(int fd, const char *name);

#endif /* VXP_FDSTORE_H */
