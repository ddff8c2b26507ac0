/* SPDX-License-Identifier: EUPL-1.2 */
/* The error record: one code, a citizen's message key, an operator's detail. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

int
err_set(struct err *e, int code, const char *user, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->code = code;
	e->user = user ? user : "error.internal";
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return code;
}

void
err_clear(struct err *e)
{
	e->code = 0;
	e->user = NULL;
	e->detail[0] = '\0';
}

const char *
err_name(int code)
{
	static const char *const names[] = {
		[ERR_OK] = "ok",
		[ERR_INVALID] = "invalid",
		[ERR_UNPROCESSABLE] = "unprocessable",
		[ERR_UNAUTHORIZED] = "unauthorized",
		[ERR_FORBIDDEN] = "forbidden",
		[ERR_NOTFOUND] = "not_found",
		[ERR_METHOD] = "method",
		[ERR_CONFLICT] = "conflict",
		[ERR_TOOBIG] = "too_big",
		[ERR_RATELIMIT] = "rate_limit",
		[ERR_DB] = "db",
		[ERR_IO] = "io",
		[ERR_INTERNAL] = "internal",
	};

	if (code < 0 || (size_t)code >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[code];
}
