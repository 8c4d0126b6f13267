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

/* What systemd handed back at start, by name; a name stays after its fd is
 * taken or closed, until fdstore_prune() settles it. */
struct fdstore {
	unsigned n;
	int fd[FDSTORE_MAX];
	char name[FDSTORE_MAX][FDSTORE_NAME_MAX];
	bool stored[FDSTORE_MAX]; /* stored again by this daemon */
};

/* The fds systemd handed this process, by name. Returns how many (0 when
 * none), or -errno. */
int fdstore_take(struct fdstore *s);
/* The fd stored under name, now the caller's; -1 when there is none. */
int fdstore_get(struct fdstore *s, const char *name);
/* Closes what nobody took; the names stay. */
void fdstore_close(struct fdstore *s);

/* Puts fd in systemd's store under name, replacing whatever was stored under
 * it, and marks the name stored in s. Returns 0 or -errno. */
int fdstore_put(struct fdstore *s, int fd, const char *name);
/* Removes from systemd's store each name handed back that was not stored
 * again: it would hold its fds until systemctl stop. Returns how many names
 * it removed, or -errno. */
int fdstore_prune(struct fdstore *s);

#endif /* VXP_FDSTORE_H */
