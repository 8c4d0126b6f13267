/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's listening unix sockets (the control socket, the features
 * socket): a path is taken over only when it holds a socket nobody answers
 * on; anything else there is left alone and refused. */
#ifndef VXP_UNIX_LISTEN_H
#define VXP_UNIX_LISTEN_H

#include <stddef.h>

/* A socket of type (SOCK_STREAM, SOCK_SEQPACKET) listening at path, mode
 * 0660 and the group of that name's (when it exists), in a directory made
 * 0750 when missing. Returns the fd (close-on-exec, non-blocking) or -errno:
 *   -ENOTSOCK    something else is at path (a file, a directory, a link)
 *   -EADDRINUSE  a socket someone answers on
 */
int unix_listen(const char *path, int type, int backlog, const char *group);
/* Why unix_listen() failed, and what to do, for "Failed to create the X
 * socket 'PATH': ..." */
const char *unix_listen_why(int err, const char *path, char *buf, size_t size);

#endif /* VXP_UNIX_LISTEN_H */
