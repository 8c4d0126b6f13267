/* SPDX-License-Identifier: GPL-2.0-only */
/* A stand-in for the daemon's HTTP endpoint in unit tests: a child process
 * that gives one connection a canned answer, byte for byte, then optionally
 * drips more, one byte at a time, to see a client's deadline; or a series of
 * connections a series of answers. */
#ifndef VXP_FAKEHTTP_H
#define VXP_FAKEHTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct fake_http {
	pid_t pid;
	char where[128]; /* what a client asks: the socket's path, or 127.0.0.1:port */
};

/* Listens on a unix socket in dir (tcp false) or on 127.0.0.1 (tcp true),
 * and answers the first connection with len bytes of reply, then drip_n
 * bytes "x", drip_ms apart. The child gives up after 20 s. 0 or -errno. */
int fake_http_start(struct fake_http *f, const char *dir, int tcp, const char *reply, size_t len,
		    unsigned drip_n, unsigned drip_ms);
/* Listens on a unix socket in dir and answers n connections in turn, the
 * i-th with replies[i] (a string). 0 or -errno. */
int fake_http_start_seq(struct fake_http *f, const char *dir, const char *const *replies, size_t n);
/* Stops the child and removes its socket. */
void fake_http_stop(struct fake_http *f);

#endif /* VXP_FAKEHTTP_H */
