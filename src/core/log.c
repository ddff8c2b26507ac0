/* SPDX-License-Identifier: EUPL-1.2 */
/* logfmt lines on stderr, written with one write() each so threads do not interleave. */
#include "core/log.h"

#include "core/buf.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX (8u * 1024)

static atomic_int min_level = LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void
log_set_level(enum log_level min)
{
	atomic_store(&min_level, (int)min);
}

int
log_level_parse(const char *s, enum log_level *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

/* Append `v`, quoted and escaped when it holds anything but plain characters. */
static void
add_value(struct buf *b, const char *v)
{
	bool plain = *v != '\0';

	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' ||
		    (unsigned char)*p == 0x7f)
			plain = false;
	if (plain) {
		buf_adds(b, v);
		return;
	}
	buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addf(b, "\\%c", *p);
		else if (*p == '\n')
			buf_adds(b, "\\n");
		else if (*p < ' ' || *p == 0x7f)
			buf_addf(b, "\\x%02x", *p);
		else
			buf_addc(b, (char)*p);
	}
	buf_addc(b, '"');
}

static void
line_start(struct buf *b, enum log_level lv)
{
	struct timespec ts;
	struct tm tm;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_addf(b, "ts=%s.%03ldZ level=%s", when, ts.tv_nsec / 1000000, level_names[lv]);
}

static void
line_end(struct buf *b)
{
	if (b->toobig) {
		buf_reset(b);
		buf_adds(b, "level=error msg=\"log line too long\"");
	}
	buf_addc(b, '\n');
	/* One write per line; a short write to stderr has nowhere to be reported. */
	if (write(STDERR_FILENO, b->p, b->len) < 0)
		return;
}

void
log_msg(enum log_level lv, const char *fmt, ...)
{
	struct buf b, m;
	va_list ap;

	if ((int)lv < atomic_load(&min_level))
		return;
	buf_init(&b, LOG_LINE_MAX);
	buf_init(&m, LOG_LINE_MAX);
	va_start(ap, fmt);
	buf_vaddf(&m, fmt, ap);
	va_end(ap);
	line_start(&b, lv);
	buf_adds(&b, " msg=");
	add_value(&b, m.p);
	line_end(&b);
	buf_release(&m);
	buf_release(&b);
}

void
log_kv(enum log_level lv, const char *event, const char *const *kv)
{
	struct buf b;

	if ((int)lv < atomic_load(&min_level))
		return;
	buf_init(&b, LOG_LINE_MAX);
	line_start(&b, lv);
	buf_adds(&b, " event=");
	add_value(&b, event);
	for (; kv[0] && kv[1]; kv += 2) {
		buf_addf(&b, " %s=", kv[0]);
		add_value(&b, kv[1]);
	}
	line_end(&b);
	buf_release(&b);
}
