/* SPDX-License-Identifier: GPL-2.0-only */
/* An HTTP GET for the CLI and the generator, through libcurl: to the daemon's
 * control socket (a path) or its metrics address (address:port), with one
 * deadline for the whole exchange and a cap on the size of the reply. */
#ifndef VXP_HTTPC_H
#define VXP_HTTPC_H

#define HTTPC_TIMEOUT_MS 3000	   /* connect, ask and read it all, together */
#define HTTPC_REPLY_MAX	 (8 << 20) /* bytes of the body; /nat is ~1 MiB at most */

/* GETs path from where ("/run/...sock" or "127.0.0.1:9464"). Returns the HTTP
 * status with the body, NUL-terminated, in *ret_body (free it), or -errno:
 * -ENOENT or -ECONNREFUSED when nothing listens there, -ETIMEDOUT past the
 * deadline, -EFBIG for a body over the cap, -EPROTO for an answer that is
 * not HTTP or has a status outside 100-599. */
int httpc_get(const char *where, const char *path, char **ret_body);

#endif /* VXP_HTTPC_H */
