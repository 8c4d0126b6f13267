// SPDX-License-Identifier: GPL-2.0-only
/* Dropping privileges once attached: keep only what reloads need, decided by
 * a probe rather than a kernel version; clear the bounding set; set
 * no-new-privs; optionally become a service user. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include "privs.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

const char *privs_need_name(enum privs_need need)
{
	switch (need) {
	case PRIVS_NONE:
		return "none";
	case PRIVS_CAP_BPF:
		return "CAP_BPF";
	default:
		return "CAP_SYS_ADMIN";
	}
}

/* Whether this kernel knows CAP_BPF (5.8 and later). */
static bool kernel_has_cap_bpf(void)
{
	return prctl(PR_CAPBSET_READ, CAP_BPF) >= 0;
}

static int drop_all_caps(void)
{
	cap_t none = cap_init();
	int err = 0;

	if (!none)
		return -errno;
	if (cap_set_proc(none))
		err = -errno;
	cap_free(none);
	return err;
}

int privs_probe(int (*op)(void *arg), void *arg, enum privs_need *ret_need)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		if (drop_all_caps() || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(2);
		_exit(op(arg) ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
		return -ECHILD;
	if (!WEXITSTATUS(status))
		*ret_need = PRIVS_NONE;
	else
		*ret_need = kernel_has_cap_bpf() ? PRIVS_CAP_BPF : PRIVS_CAP_SYS_ADMIN;
	return 0;
}

static int become(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw)
		return -ENOENT;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || initgroups(user, pw->pw_gid) ||
	    setgid(pw->pw_gid) || setuid(pw->pw_uid))
		return -errno;
	return prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) ? -errno : 0;
}

/* Needs CAP_SETPCAP in the effective set, which setuid() may have cleared.
 * Without it in the permitted set (systemd's CapabilityBoundingSet= left it
 * out) the set is whoever started us chose, and it is left alone: once the
 * permitted set is emptied and no-new-privs set, nothing can be regained from
 * it. */
static int clear_bounding_set(void)
{
	cap_value_t setpcap = CAP_SETPCAP;
	cap_t caps = cap_get_proc();
	cap_flag_value_t permitted = CAP_CLEAR;
	int err = 0;
	unsigned c;

	if (!caps)
		return -errno;
	if (cap_get_flag(caps, CAP_SETPCAP, CAP_PERMITTED, &permitted) || permitted != CAP_SET) {
		cap_free(caps);
		return 0;
	}
	if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &setpcap, CAP_SET) || cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	for (c = 0; !err && prctl(PR_CAPBSET_READ, c) >= 0; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0))
			err = -errno;
	return err;
}

static int keep_caps(const cap_value_t *keep, int n)
{
	cap_t caps = cap_init();
	int err = 0;

	if (!caps)
		return -errno;
	if (n && (cap_set_flag(caps, CAP_PERMITTED, n, keep, CAP_SET) ||
		  cap_set_flag(caps, CAP_EFFECTIVE, n, keep, CAP_SET)))
		err = -errno;
	if (!err && cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	if (!err && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		err = -errno;
	return err;
}

static int drop_keeping(const cap_value_t *keep, int n, const char *user, const char **ret_step)
{
	int err = 0;

	if (user && *user) {
		*ret_step = "switching user";
		err = become(user);
	}
	if (!err) {
		*ret_step = "clearing the capability bounding set";
		err = clear_bounding_set();
	}
	if (!err) {
		*ret_step = "dropping capabilities";
		err = keep_caps(keep, n);
	}
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		*ret_step = "setting no-new-privs";
		err = -errno;
	}
	return err;
}

int privs_drop(enum privs_need need, const char *user, const char **ret_step)
{
	cap_value_t keep = need == PRIVS_CAP_BPF ? CAP_BPF : CAP_SYS_ADMIN;

	return drop_keeping(&keep, need == PRIVS_NONE ? 0 : 1, user, ret_step);
}

int privs_drop_to_net_admin(const char *user, const char **ret_step)
{
	cap_value_t keep = CAP_NET_ADMIN;

	return drop_keeping(&keep, 1, user, ret_step);
}

/* " CAP_X" for each capability in the set (which: the bounding set for -1,
 * else a cap_flag_t of caps), "" for none. */
static void names_of(cap_t caps, int which, char *buf, size_t size)
{
	size_t len = 0;
	cap_value_t c;

	buf[0] = '\0';
	for (c = 0; c <= CAP_LAST_CAP + 8 && prctl(PR_CAPBSET_READ, c) >= 0; c++) {
		cap_flag_value_t v = CAP_CLEAR;
		char *name;
		size_t i;

		if (which < 0 ? prctl(PR_CAPBSET_READ, c) != 1
			      : cap_get_flag(caps, c, (cap_flag_t)which, &v) || v != CAP_SET)
			continue;
		name = cap_to_name(c);
		if (!name)
			continue;
		for (i = 0; name[i]; i++)
			name[i] = (char)toupper((unsigned char)name[i]);
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, " %s", name);
		cap_free(name);
	}
}

int privs_describe(char *buf, size_t size)
{
	char kept[256], bounding[256];
	cap_t caps = cap_get_proc();
	int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);

	if (!caps)
		return -errno;
	names_of(caps, CAP_PERMITTED, kept, sizeof(kept));
	names_of(caps, -1, bounding, sizeof(bounding));
	cap_free(caps);
	snprintf(buf, size, "keeping %s; bounding set %s%s; %s", kept[0] ? kept + 1 : "none",
		 bounding[0] ? bounding + 1 : "empty",
		 bounding[0] ? " (the service manager's: without CAP_SETPCAP it is not ours "
			       "to clear, and with nothing permitted and no-new-privs nothing in "
			       "it can be regained)"
			     : "",
		 nnp == 1 ? "no-new-privs" : "no-new-privs NOT set");
	return 0;
}
