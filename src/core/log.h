/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * log: structured log lines on stderr in logfmt (key=value, values with
 * spaces or quotes quoted), one line per event, safe from several threads.
 * Values written through log_kv*() are escaped so that input from outside
 * cannot forge lines.
 */
#ifndef RATHAUS_LOG_H
#define RATHAUS_LOG_H

#include "core/err.h"
#include "core/str.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Lines below `min` are dropped.  Default: LOG_INFO. */
void log_set_level(enum log_level min);
/* Parse "debug", "info", "warn", "error"; returns 0 or ERR_INVALID. */
int log_level_parse(const char *s, enum log_level *out);

/* A line: ts=... level=... msg="<formatted>". */
void log_msg(enum log_level lv, const char *fmt, ...) PRINTF_LIKE(2, 3);
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/*
 * A line of key/value pairs: ts=... level=... event=<event> then the pairs.
 * `kv` alternates keys and NUL-terminated values and ends with NULL.
 */
void log_kv(enum log_level lv, const char *event, const char *const *kv);

#endif
