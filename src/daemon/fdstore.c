// SPDX-License-Identifier: GPL-2.0-only
/* Restart without a gap: the XDP links and the maps wait in systemd's fd
 * store (FDSTORE=1) while the daemon restarts, and the next daemon takes them
 * back (LISTEN_FDS with LISTEN_FDNAMES). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "fdstore.h"

int fdstore_take(struct fdstore *s)
{
	char **names = NULL;
	int n, i;

	s->n = 0;
	n = sd_listen_fds_with_names(1, &names);
	if (n <= 0)
		return n;
	for (i = 0; i < n; i++) {
		int fd = SD_LISTEN_FDS_START + i;

		if (s->n < FDSTORE_MAX && names && names[i]) {
			s->fd[s->n] = fd;
			s->stored[s->n] = false;
			snprintf(s->name[s->n], sizeof(s->name[0]), "%s", names[i]);
			s->n++;
		} else {
			close(fd);
		}
	}
	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
	return (int)s->n;
}

int fdstore_get(struct fdstore *s, const char *name)
{
	unsigned i;
	int fd;

	for (i = 0; i < s->n; i++) {
		if (s->fd[i] < 0 || strcmp(s->name[i], name))
			continue;
		fd = s->fd[i];
		s->fd[i] = -1;
		return fd;
	}
	return -1;
}

void fdstore_close(struct fdstore *s)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	for (i = 0; i < s->n; i++)
		s->fd[i] = -1;
}

static void mark_stored(struct fdstore *s, const char *name)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			s->stored[i] = true;
}

int fdstore_put(struct fdstore *s, int fd, const char *name)
{
	char msg[FDSTORE_NAME_MAX + 32];
	int r;

	/* a name stored by an older daemon may hold an fd this one replaced */
	snprintf(msg, sizeof(msg), "FDSTOREREMOVE=1\nFDNAME=%s", name);
	r = sd_notify(0, msg);
	if (r < 0)
		return r;
	/* FDPOLL=0: systemd polls what it stores and drops an fd that reports
	 * EPOLLERR, which is what poll on a BPF map without a poll method (all
	 * but the ring buffer) always reports; links, not pollable, stay */
	snprintf(msg, sizeof(msg), "FDSTORE=1\nFDNAME=%s\nFDPOLL=0", name);
	r = sd_pid_notify_with_fds(0, 0, msg, &fd, 1);
	if (r <= 0)
		return r < 0 ? r : -EOPNOTSUPP;
	mark_stored(s, name);
	return 0;
}

/* Whether name came before index i too: one FDSTOREREMOVE per name. */
static bool seen_before(const struct fdstore *s, unsigned i)
{
	unsigned j;

	for (j = 0; j < i; j++)
		if (!strcmp(s->name[j], s->name[i]))
			return true;
	return false;
}

int fdstore_prune(struct fdstore *s)
{
	char msg[FDSTORE_NAME_MAX + 32];
	unsigned i;
	int n = 0, r;

	for (i = 0; i < s->n; i++) {
		if (s->stored[i] || seen_before(s, i))
			continue;
		snprintf(msg, sizeof(msg), "FDSTOREREMOVE=1\nFDNAME=%s", s->name[i]);
		r = sd_notify(0, msg);
		if (r < 0)
			return r;
		n++;
	}
	return n;
}
