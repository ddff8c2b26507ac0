/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * buf: a growable byte buffer, always NUL-terminated, p never NULL (git's
 * strbuf), with a cap set at init (curl's dynbuf).  Appends past the cap fail
 * with ERR_TOOBIG and set a sticky flag, so a renderer may append freely and
 * check once at the end: hostile input hits a limit, not the allocator.
 *
 * buf is a low-level primitive: it knows nothing of HTML, HTTP or SQL.
 */
#ifndef RATHAUS_BUF_H
#define RATHAUS_BUF_H

#include "core/err.h"
#include "core/str.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *p;     /* the bytes, NUL-terminated; never NULL */
	size_t len;  /* bytes used, without the NUL */
	size_t cap;  /* bytes allocated */
	size_t max;  /* the most `len` may reach */
	bool toobig; /* an append hit `max`; sticky until buf_reset() */
};

/* Named caps beside their users. */
#define BUF_MAX_DEFAULT (16u * 1024 * 1024)

/* Set up an empty buffer that may grow to `max` bytes.  Nothing is allocated yet. */
void buf_init(struct buf *b, size_t max);
/* Free the storage; `b` may be used again after buf_init(). */
void buf_release(struct buf *b);
/* Empty the buffer, keep the storage, clear the toobig flag. */
void buf_reset(struct buf *b);
/* Take the storage: the caller frees it with free().  `b` is left empty. */
char *buf_detach(struct buf *b, size_t *len);

/* Appends return 0 or ERR_TOOBIG (and then append nothing). */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addc(struct buf *b, char c);
int buf_adds(struct buf *b, const char *s);
int buf_addstr(struct buf *b, struct str s);
int buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);

/* A view of the current contents, valid until the next change of `b`. */
struct str buf_str(const struct buf *b);

#endif
