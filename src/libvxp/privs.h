/* SPDX-License-Identifier: GPL-2.0-only */
/* Dropping privileges once attached: keep only what reloads need, decided by
 * a probe rather than a kernel version; clear the bounding set; set
 * no-new-privs; optionally become a service user. */
#ifndef VXP_PRIVS_H
#define VXP_PRIVS_H

enum privs_need {
	PRIVS_NONE,	    /* map updates through open fds need no capability */
	PRIVS_CAP_BPF,	    /* they need CAP_BPF (kernels before 6.5) */
	PRIVS_CAP_SYS_ADMIN /* a kernel that predates CAP_BPF */
};

/* Runs op(arg) in a child process that holds no capability at all; op does
 * what a reload does with BPF maps. Returns 0 with *ret_need set, or -errno
 * when the probe itself could not run. */
int privs_probe(int (*op)(void *arg), void *arg, enum privs_need *ret_need);

/* Keeps only need, switching to user first when it is not NULL or "".
 * Returns 0 or -errno; *ret_step names the step that failed. */
int privs_drop(enum privs_need need, const char *user, const char **ret_step);

/* The same, keeping CAP_NET_ADMIN alone: for a helper process whose one task
 * needs it (src/resolver.c). */
int privs_drop_to_net_admin(const char *user, const char **ret_step);

const char *privs_need_name(enum privs_need need);

/* What the kernel says this process holds: "keeping CAP_BPF; bounding set
 * empty; no-new-privs" (the permitted set, the bounding set, no-new-privs),
 * read back rather than assumed. 0 or -errno. */
int privs_describe(char *buf, size_t size);

#endif /* VXP_PRIVS_H */
