// SPDX-License-Identifier: GPL-2.0-only
/* Next hops the data plane found without a neighbour entry, resolved by the
 * kernel at the daemon's request: a child process keeps CAP_NET_ADMIN alone
 * for it (RTM_NEWNEIGH with NTF_USE), since the daemon keeps no capability. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <systemd/sd-daemon.h>

#include "resolver.h"
#include "vxlan_pipeline.h"
#include "libvxp/log.h"
#include "libvxp/netlink.h"
#include "libvxp/privs.h"

/* The first failure says why; then one in this many. */
#define RESOLVER_LOG_EVERY 1000
#define RESOLVER_BATCH	   64 /* next hops handed on per drain */

static void resolve(const struct vxp_neigh_key *key)
{
	static unsigned failures;
	int family = key->family == VXP_AF_INET ? AF_INET : AF_INET6;
	int err = netlink_neigh_use((int)key->ifindex, family, &key->addr);

	if (err && failures++ % RESOLVER_LOG_EVERY == 0)
		log_warn("Failed to have the kernel resolve a neighbour on interface %u: %s "
			 "(%u failures so far)",
			 key->ifindex, strerror(-err), failures);
}

/* What the service manager handed the daemon (its fd store: the previous
 * daemon's links and maps) is open in the child too, from the fork: a copy
 * here would keep a link the daemon closes attached. The daemon has not
 * taken them yet, so LISTEN_FDS still says how many there are. */
static void close_handed_fds(int keep)
{
	const char *s = getenv("LISTEN_FDS");
	long n = s ? strtol(s, NULL, 10) : 0, i;

	for (i = 0; i < n && i < 1024; i++)
		if (SD_LISTEN_FDS_START + i != keep)
			close(SD_LISTEN_FDS_START + (int)i);
}

/* The child: one request per datagram, checked; EOF when the daemon is gone. */
static void __attribute__((noreturn)) child_main(int fd, pid_t parent, const char *user)
{
	struct vxp_neigh_key key;
	const char *step = "";
	ssize_t n;
	int err;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(0);
	close_handed_fds(fd);
	prctl(PR_SET_NAME, "vxp-resolver", 0, 0, 0);
	err = privs_drop_to_net_admin(user, &step);
	if (err) {
		log_err("neighbour resolver: Failed to drop privileges while %s: %s", step,
			strerror(-err));
		_exit(1);
	}
	for (;;) {
		n = recv(fd, &key, sizeof(key), 0);
		if (n == 0 || (n < 0 && errno != EINTR))
			_exit(0);
		if (n == (ssize_t)sizeof(key) &&
		    (key.family == VXP_AF_INET || key.family == VXP_AF_INET6) && key.ifindex)
			resolve(&key);
	}
}

struct resolver {
	int fd;
	pid_t pid;
};

struct resolver *resolver_start(const char *user)
{
	struct resolver *r = calloc(1, sizeof(*r));
	pid_t parent = getpid();
	int sv[2], err;

	if (!r)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		goto err_free;
	r->pid = fork();
	if (r->pid < 0)
		goto err_close;
	if (!r->pid) {
		close(sv[0]);
		child_main(sv[1], parent, user);
	}
	close(sv[1]);
	r->fd = sv[0];
	return r;

err_close:
	err = errno;
	close(sv[0]);
	close(sv[1]);
	errno = err;
err_free:
	err = errno;
	free(r);
	errno = err;
	return NULL;
}

void resolver_stop(struct resolver *r)
{
	if (!r)
		return;
	close(r->fd);
	waitpid(r->pid, NULL, 0);
	free(r);
}

int resolver_drain(struct resolver *r, int neigh_map_fd)
{
	struct vxp_neigh_key keys[RESOLVER_BATCH];
	int n = 0, i, err;

	/* collected first: deleting while walking the keys restarts the walk */
	err = bpf_map_get_next_key(neigh_map_fd, NULL, &keys[0]);
	while (!err && ++n < RESOLVER_BATCH)
		err = bpf_map_get_next_key(neigh_map_fd, &keys[n - 1], &keys[n]);
	for (i = 0; i < n; i++) {
		if (send(r->fd, &keys[i], sizeof(keys[i]), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			return errno == EAGAIN ? i : -errno;
		bpf_map_delete_elem(neigh_map_fd, &keys[i]);
	}
	return n;
}
