// SPDX-License-Identifier: GPL-2.0-only
/* svcman [--no-store] [--preload NAME=PINNED] NOTIFY_PATH LOG -- CMD ARGS...:
 * the part of systemd a restart without a gap relies on, for the testbed: a
 * notify socket with an fd store (FDSTORE=1, FDSTOREREMOVE=1, by FDNAME;
 * without FDPOLL=0 an fd that polls POLLERR or POLLHUP is dropped, as systemd
 * drops it), and CMD started with the store handed back (LISTEN_FDS, LISTEN_FDNAMES,
 * LISTEN_PID). SIGUSR1 restarts CMD (SIGTERM, wait, start); CMD dying is
 * restarted too, 5 times at most, as StartLimitBurst would; SIGTERM stops CMD
 * and empties the store. --no-store keeps
 * nothing, as FileDescriptorStoreMax=0 would; --preload puts a pinned BPF
 * object in the store first. Log lines: "SPAWN pid=N fds=K", "EXIT status=S",
 * "DROPPED NAME", and each notify message with its newlines as '|'. At most
 * 300 s. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#define STORE_MAX 64

static struct {
	int fd[STORE_MAX];
	char name[STORE_MAX][64];
	bool polled[STORE_MAX];
	int n;
} store;
static bool keep = true;
static FILE *logfile;

static void store_add(int fd, const char *name, bool polled)
{
	if (!keep || store.n == STORE_MAX) {
		close(fd);
		return;
	}
	store.fd[store.n] = fd;
	snprintf(store.name[store.n], sizeof(store.name[0]), "%s", name);
	store.polled[store.n] = polled;
	store.n++;
}

static void store_del(int i)
{
	close(store.fd[i]);
	store.n--;
	store.fd[i] = store.fd[store.n];
	store.polled[i] = store.polled[store.n];
	memcpy(store.name[i], store.name[store.n], sizeof(store.name[0]));
}

static void store_remove(const char *name)
{
	int i;

	for (i = 0; i < store.n;) {
		if (strcmp(store.name[i], name))
			i++;
		else
			store_del(i);
	}
}

/* systemd watches each fd stored without FDPOLL=0 and drops it on EPOLLERR
 * or EPOLLHUP: a BPF map without a poll method reports EPOLLERR at once; an
 * fd that cannot be polled at all (a BPF link) is kept */
static void store_poll(void)
{
	int i;

	for (i = 0; i < store.n;) {
		struct pollfd p = { store.fd[i], 0, 0 };

		if (!store.polled[i] || poll(&p, 1, 0) <= 0 || !(p.revents & (POLLERR | POLLHUP))) {
			i++;
			continue;
		}
		fprintf(logfile, "DROPPED %s\n", store.name[i]);
		fflush(logfile);
		store_del(i);
	}
}

/* a field of a notify message, or NULL */
static const char *field(const char *msg, const char *key, char *buf, size_t size)
{
	size_t k = strlen(key);
	const char *p = msg;

	while (p && *p) {
		if (!strncmp(p, key, k) && p[k] == '=') {
			snprintf(buf, size, "%.*s", (int)strcspn(p + k + 1, "\n"), p + k + 1);
			return buf;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return NULL;
}

static void on_message(int sock)
{
	char buf[4096], name[64], ctl[CMSG_SPACE(sizeof(int) * 16)], line[4096];
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)
	};
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC), i;
	bool put, polled;

	if (n <= 0)
		return;
	buf[n] = 0;
	put = strstr(buf, "FDSTORE=1") != NULL;
	polled = !field(buf, "FDPOLL", line, sizeof(line)) || strcmp(line, "0");
	if (!field(buf, "FDNAME", name, sizeof(name)))
		snprintf(name, sizeof(name), "stored");
	if (strstr(buf, "FDSTOREREMOVE=1"))
		store_remove(name);
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		int *fds = (int *)CMSG_DATA(c);
		size_t k, nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (k = 0; k < nfd; k++) {
			if (put)
				store_add(fds[k], name, polled);
			else
				close(fds[k]);
		}
	}
	snprintf(line, sizeof(line), "%s", buf);
	for (i = 0; line[i]; i++)
		if (line[i] == '\n')
			line[i] = '|';
	fprintf(logfile, "%s\n", line);
	fflush(logfile);
	store_poll();
}

static pid_t spawn(char **argv, const char *notify)
{
	pid_t pid = fork();
	char names[STORE_MAX * 65] = "", num[16];
	int i;

	if (pid)
		return pid;
	for (i = 0; i < store.n; i++) /* dup first: the targets may be store fds */
		store.fd[i] = fcntl(store.fd[i], F_DUPFD_CLOEXEC, 3 + store.n);
	for (i = 0; i < store.n; i++) {
		dup2(store.fd[i], 3 + i);
		strcat(names, i ? ":" : "");
		strcat(names, store.name[i]);
	}
	snprintf(num, sizeof(num), "%d", store.n);
	setenv("NOTIFY_SOCKET", notify, 1);
	if (store.n) {
		setenv("LISTEN_FDS", num, 1);
		setenv("LISTEN_FDNAMES", names, 1);
		snprintf(num, sizeof(num), "%d", (int)getpid());
		setenv("LISTEN_PID", num, 1);
	}
	sigprocmask(SIG_SETMASK, &(sigset_t){ 0 }, NULL);
	execvp(argv[0], argv);
	_exit(127);
}

static int preload(const char *arg)
{
	char name[64];
	const char *eq = strchr(arg, '=');
	int fd;

	if (!eq)
		return -EINVAL;
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	fd = bpf_obj_get(eq + 1);
	if (fd < 0)
		return -errno;
	store_add(fd, name, false);
	return 0;
}

static int listen_notify(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (void *)&sa, sizeof(sa)) || chmod(path, 0777) ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		return -1;
	return fd;
}

static int run(char **cmd, const char *notify, int sock, int sigfd)
{
	time_t end = time(NULL) + 300;
	bool stopping = false, asked = false;
	int unasked = 0;
	pid_t child = spawn(cmd, notify);

	fprintf(logfile, "SPAWN pid=%d fds=%d\n", (int)child, store.n);
	fflush(logfile);
	while (time(NULL) < end) {
		struct pollfd p[2] = { { sock, POLLIN, 0 }, { sigfd, POLLIN, 0 } };
		struct signalfd_siginfo si;
		int status;

		if (poll(p, 2, 1000) <= 0)
			continue;
		if (p[0].revents)
			on_message(sock);
		if (!p[1].revents || read(sigfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGTERM) {
			if (!child)
				return 0;
			stopping = true;
			kill(child, SIGTERM);
		} else if (si.ssi_signo == SIGUSR1) {
			asked = true;
			kill(child, SIGTERM);
		} else if (si.ssi_signo == SIGCHLD && waitpid(child, &status, WNOHANG) == child) {
			while (!stopping && poll(p, 1, 0) > 0) /* what it said before dying */
				on_message(sock);
			fprintf(logfile, "EXIT status=%d\n",
				WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			if (stopping)
				return 0;
			if (!asked && ++unasked > 5) {
				fprintf(logfile, "GAVE UP\n");
				fflush(logfile);
				child = 0;
				continue;
			}
			asked = false;
			store_poll();
			child = spawn(cmd, notify);
			fprintf(logfile, "SPAWN pid=%d fds=%d\n", (int)child, store.n);
			fflush(logfile);
		}
	}
	if (child)
		kill(child, SIGKILL);
	return 1;
}

int main(int argc, char **argv)
{
	sigset_t set;
	int i = 1, sock, sigfd, ret;

	for (; i < argc && !strncmp(argv[i], "--", 2) && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--no-store"))
			keep = false;
		else if (!strcmp(argv[i], "--preload") && i + 1 < argc && !preload(argv[i + 1]))
			i++;
		else
			return fprintf(stderr, "svcman: bad option '%s'\n", argv[i]), 64;
	}
	if (argc - i < 4 || strcmp(argv[i + 2], "--"))
		return fprintf(stderr, "usage: svcman [--no-store] [--preload NAME=PINNED] "
				       "NOTIFY_PATH LOG -- CMD ARGS...\n"),
		       64;
	logfile = fopen(argv[i + 1], "we");
	sock = listen_notify(argv[i]);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (!logfile || sock < 0 || sigfd < 0)
		return perror("svcman"), 1;
	ret = run(&argv[i + 3], argv[i], sock, sigfd);
	while (store.n)
		store_remove(store.name[0]); /* systemctl stop: the links detach */
	fclose(logfile);
	return ret;
}
