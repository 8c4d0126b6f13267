/* SPDX-License-Identifier: GPL-2.0-only */
/* A minimal HTTP/1.0 GET for the CLI and the generator: to the daemon's
 * control socket (a path) or its metrics address (address:port). */
#ifndef VXP_HTTPC_H
#define VXP_HTTPC_H

/* GETs path from where ("/run/...sock" or "127.0.0.1:9464"). Returns the HTTP
 * status with the body in *ret_body (free it), or -errno: -ENOENT or
 * -ECONNREFUSED when nothing listens there. */
int httpc_get(const char *where, const char *path, char **ret_body);

#endif /* VXP_HTTPC_H */
