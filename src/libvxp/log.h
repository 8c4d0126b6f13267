/* SPDX-License-Identifier: GPL-2.0-only */
/* Logging for the daemon and tools: journald with structured fields when stderr
 * is the journal (or the daemon runs detached), stderr otherwise; libbpf's own
 * messages one level lower, and the verifier's last lines on a rejection. */
#ifndef VXP_LOG_H
#define VXP_LOG_H

#include <stdbool.h>
#include <syslog.h>

enum log_target {
	LOG_TARGET_AUTO, /* journal when stderr is connected to it, else stderr */
	LOG_TARGET_STDERR,
	LOG_TARGET_JOURNAL,
	LOG_TARGET_SYSLOG, /* detached, with no journald to talk to */
};

void log_init(const char *ident, enum log_target target, int max_level);
void log_set_max_level(int max_level);
/* Switches where messages go, e.g. once the daemon has detached. */
void log_set_target(enum log_target target);
bool log_to_journal(void);

__attribute__((format(printf, 2, 3))) void log_msg(int level, const char *fmt, ...);

/* A record with extra journal fields: fields is a NULL-terminated list of
 * "NAME=value" strings (names in upper case, as journald wants them). On
 * stderr only the message is printed. */
__attribute__((format(printf, 3, 4))) void log_fields(int level, const char *const *fields,
						      const char *fmt, ...);

/* Routes libbpf's messages here, one level lower than libbpf gives them, and
 * keeps the tail of the last BPF load log for log_verifier_tail(). */
void log_bridge_libbpf(void);
/* Logs the last lines libbpf printed of a failed program load at error level. */
void log_verifier_tail(void);

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif /* VXP_LOG_H */
