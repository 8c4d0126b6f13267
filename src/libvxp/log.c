// SPDX-License-Identifier: GPL-2.0-only
/* Logging for the daemon and tools: journald with structured fields when stderr
 * is the journal (or the daemon runs detached), stderr otherwise; libbpf's own
 * messages one level lower, and the verifier's last lines on a rejection. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <systemd/sd-journal.h>

#include "log.h"

#define LOG_LINE_MAX   1024
#define LOG_FIELDS_MAX 16
#define VERIFIER_LINES 16

static const char *log_ident = "vxlan-pipeline";
static bool log_journal;
static bool log_syslog;
static bool log_color;
static int log_max = LOG_INFO;

/* The tail of the BPF load log libbpf printed last. */
static char verifier_tail[VERIFIER_LINES][LOG_LINE_MAX];
static unsigned verifier_next, verifier_count;
static bool in_load_log;

/* systemd sets JOURNAL_STREAM to the device and inode of the stream it gave us. */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!env || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st))
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void log_init(const char *ident, enum log_target target, int max_level)
{
	log_ident = ident;
	log_max = max_level;
	log_journal =
		target == LOG_TARGET_JOURNAL || (target == LOG_TARGET_AUTO && stderr_is_journal());
	log_color = !log_journal && isatty(STDERR_FILENO) && !getenv("NO_COLOR");
}

void log_set_target(enum log_target target)
{
	log_init(log_ident, target, log_max);
}

void log_set_max_level(int max_level)
{
	log_max = max_level;
}

bool log_to_journal(void)
{
	return log_journal;
}

static const char *level_name(int level)
{
	static const char *const names[] = { "emergency", "alert",  "critical", "error",
					     "warning",	  "notice", "info",	"debug" };

	return level >= 0 && level <= LOG_DEBUG ? names[level] : "log";
}

static void emit_stderr(int level, const char *msg)
{
	const char *on = "", *off = "";

	if (log_color && level <= LOG_ERR)
		on = "\033[1;31m", off = "\033[0m";
	else if (log_color && level == LOG_WARNING)
		on = "\033[1;33m", off = "\033[0m";
	if (level <= LOG_WARNING)
		fprintf(stderr, "%s: %s%s:%s %s\n", log_ident, on, level_name(level), off, msg);
	else
		fprintf(stderr, "%s: %s\n", log_ident, msg);
}

static void emit_journal(int level, const char *const *fields, const char *msg)
{
	char prio[32], ident[128];
	char *message;
	struct iovec iov[LOG_FIELDS_MAX + 3];
	int n = 0;

	if (asprintf(&message, "MESSAGE=%s", msg) < 0)
		return;
	snprintf(prio, sizeof(prio), "PRIORITY=%d", level);
	snprintf(ident, sizeof(ident), "SYSLOG_IDENTIFIER=%s", log_ident);
	iov[n++] = (struct iovec){ message, strlen(message) };
	iov[n++] = (struct iovec){ prio, strlen(prio) };
	iov[n++] = (struct iovec){ ident, strlen(ident) };
	for (; fields && *fields && n < (int)(sizeof(iov) / sizeof(iov[0])); fields++)
		iov[n++] = (struct iovec){ (void *)*fields, strlen(*fields) };
	sd_journal_sendv(iov, n);
	free(message);
}

static void log_vmsg(int level, const char *const *fields, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];

	if (level > log_max)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_syslog)
		syslog(level, "%s", msg);
	else if (log_journal)
		emit_journal(level, fields, msg);
	else
		emit_stderr(level, msg);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, NULL, fmt, ap);
	va_end(ap);
}

void log_fields(int level, const char *const *fields, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fields, fmt, ap);
	va_end(ap);
}

/* Keeps the lines of a program load log; returns whether line is one. */
static bool verifier_keep(const char *line)
{
	if (strstr(line, "-- BEGIN PROG LOAD LOG --")) {
		in_load_log = true;
		verifier_next = verifier_count = 0;
		return true;
	}
	if (strstr(line, "-- END PROG LOAD LOG --")) {
		in_load_log = false;
		return true;
	}
	if (!in_load_log)
		return false;
	snprintf(verifier_tail[verifier_next], LOG_LINE_MAX, "%s", line);
	verifier_next = (verifier_next + 1) % VERIFIER_LINES;
	if (verifier_count < VERIFIER_LINES)
		verifier_count++;
	return true;
}

/* libbpf WARN becomes notice, INFO debug; DEBUG is dropped. A verifier log,
 * which can run to thousands of lines, goes to debug: log_verifier_tail()
 * shows its end where it matters. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static const int to_syslog[] = {
		[LIBBPF_WARN] = LOG_NOTICE,
		[LIBBPF_INFO] = LOG_DEBUG,
		[LIBBPF_DEBUG] = LOG_DEBUG + 1,
	};
	char text[8192], *line, *save = NULL;
	int to;

	vsnprintf(text, sizeof(text), fmt, ap);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		to = verifier_keep(line) ? LOG_DEBUG : to_syslog[level];
		if (to > log_max)
			continue;
		/* -vv's libbpf debug level is ours, not syslog's */
		to = to > LOG_DEBUG ? LOG_DEBUG : to;
		if (!strncmp(line, "libbpf: ", 8))
			log_msg(to, "%s", line);
		else
			log_msg(to, "libbpf: %s", line);
	}
	return 0;
}

void log_bridge_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

void log_verifier_tail(void)
{
	unsigned i, first = (verifier_next + VERIFIER_LINES - verifier_count) % VERIFIER_LINES;

	if (!verifier_count)
		return;
	log_err("the verifier rejected the program; the end of its log:");
	for (i = 0; i < verifier_count; i++)
		log_err("  %s", verifier_tail[(first + i) % VERIFIER_LINES]);
}
