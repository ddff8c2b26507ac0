/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * err: error codes and the two-message error record.
 *
 * An error carries a key for the citizen (a message-catalogue key such as
 * "error.not_found", translated by the view) and a detail for the operator
 * (logged with the request id, never rendered: it may hold SQL or paths).
 * Fallible functions return 0 or an enum err_code; err_set() returns the code
 * so that failing is one statement.
 */
#ifndef RATHAUS_ERR_H
#define RATHAUS_ERR_H

#define MUST_CHECK __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

enum err_code {
	ERR_OK = 0,
	ERR_INVALID,	   /* malformed input: 400 */
	ERR_UNPROCESSABLE, /* well-formed but not acceptable: 422 */
	ERR_UNAUTHORIZED,  /* login required: 401 */
	ERR_FORBIDDEN,	   /* 403 */
	ERR_NOTFOUND,	   /* 404 */
	ERR_METHOD,	   /* 405 */
	ERR_CONFLICT,	   /* 409 */
	ERR_TOOBIG,	   /* a limit was hit: 413 */
	ERR_RATELIMIT,	   /* 429 */
	ERR_DB,		   /* storage failed: 500 or 503 */
	ERR_IO,		   /* file system or network: 500 */
	ERR_INTERNAL,	   /* a bug: 500 */
};

struct err {
	int code;	  /* enum err_code, 0 while no error */
	const char *user; /* static catalogue key for the citizen */
	char detail[512]; /* for the log only */
};

/* Record an error in `e` (may be NULL) and return `code`. */
int err_set(struct err *e, int code, const char *user, const char *fmt, ...) PRINTF_LIKE(4, 5);

/* Reset `e` to "no error". */
void err_clear(struct err *e);

/* A short English name of `code` for logs ("invalid", "not_found", ...). */
const char *err_name(int code);

#endif
