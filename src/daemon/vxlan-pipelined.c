// SPDX-License-Identifier: GPL-2.0-only
/* vxlan-pipelined: reads the configuration, attaches the data plane, tells
 * systemd, and runs until stopped. Detaches from the terminal unless told not
 * to or run by systemd, reporting start-up failure in its exit status. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon_cli.h"
#include "daemon_loop.h"
#include "daemon_reload.h"
#include "daemon_start.h"
#include "ingress_sysctl.h"
#include "notify.h"
#include "libvxp/log.h"

static bool under_systemd(void)
{
	return notify_available() || getenv("INVOCATION_ID");
}

/* The parent waits until the child says it is running, so its exit status
 * tells whether the start worked. Returns the pipe to say it through. */
static int detach_begin(void)
{
	int p[2], status;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) == 1 && c == 'R')
			_exit(0);
		waitpid(pid, &status, 0);
		_exit(WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
	}
	close(p[0]);
	setsid();
	return p[1];
}

static void detach_done(int fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (write(fd, "R", 1) != 1)
		log_warn("Failed to tell the starting process we are running: %s", strerror(errno));
	close(fd);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
	log_set_target(access("/run/systemd/journal/socket", W_OK) ? LOG_TARGET_SYSLOG
								   : LOG_TARGET_JOURNAL);
}

static int check_only(const struct daemon *d)
{
	printf("%s: configuration OK: %zu file%s, ingress '%s', egress '%s', %zu NAT rule%s\n",
	       d->opts.config_dir, d->cfg.n_files, d->cfg.n_files == 1 ? "" : "s", d->cfg.ingress,
	       d->cfg.egress, d->cfg.n_rules, d->cfg.n_rules == 1 ? "" : "s");
	return 0;
}

static void block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static void stopping(int err)
{
	const char *fields[] = { "MESSAGE_ID=" MESSAGE_ID_STOP, NULL };

	if (err)
		log_fields(LOG_ERR, fields, "stopping: the event loop failed: %s", strerror(-err));
	else
		log_fields(LOG_NOTICE, fields, "stopping: asked to");
}

static void started(struct daemon *d)
{
	const char *fields[] = { "MESSAGE_ID=" MESSAGE_ID_START, NULL };

	log_fields(LOG_NOTICE, fields,
		   "running: ingress '%s' (%s), egress '%s', %zu NAT rules, VXLAN port %u",
		   d->in.name, conf_xdp_mode_name(d->mode_in), d->out.name, d->cfg.n_rules,
		   d->cfg.vxlan_port);
	notify_ready();
	daemon_status(d);
}

int main(int argc, char **argv)
{
	static char dir[PATH_MAX];
	static struct daemon d;
	struct daemon_cli cli;
	int err, detach_fd = -1;
	char msg[256];

	if (daemon_cli_parse(argc, argv, &cli, msg, sizeof(msg))) {
		fprintf(stderr, "vxlan-pipelined: %s\n", msg);
		return EX_USAGE;
	}
	if (cli.help || cli.version) {
		if (cli.help)
			daemon_cli_usage(stdout);
		else
			printf("vxlan-pipelined %s\n", PACKAGE_VERSION);
		return 0;
	}
	log_init("vxlan-pipelined", LOG_TARGET_AUTO, LOG_INFO + cli.verbose);
	log_bridge_libbpf();
	/* reloads must find the directory after the daemon leaves its cwd */
	if (realpath(cli.opts.config_dir, dir))
		cli.opts.config_dir = dir;
	d.opts = cli.opts;
	if (daemon_load_config(&d.opts, &d.cfg)) {
		notify_errno(EINVAL);
		return EX_CONFIG;
	}
	if (cli.check_config)
		return check_only(&d);
	if (cli.prepare_sysctl)
		return ingress_sysctl_prepare(d.cfg.ingress) ? 1 : 0;
	block_signals();
	if (!cli.foreground && !under_systemd()) {
		detach_fd = detach_begin();
		if (detach_fd < 0 || chdir("/"))
			log_warn("Failed to detach: %s; staying in the foreground",
				 strerror(errno));
	}
	err = daemon_start(&d);
	if (err) {
		notify_errno(-err);
		daemon_shutdown(&d);
		return 1;
	}
	started(&d);
	if (detach_fd >= 0)
		detach_done(detach_fd);
	err = daemon_run(&d);
	notify_stopping();
	stopping(err);
	daemon_shutdown(&d);
	return err ? 1 : 0;
}
