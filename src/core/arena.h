/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * arena: memory for one request (h2o's pool, lwan's coro_malloc).  Everything
 * allocated from an arena is freed at once by arena_release(), after the
 * deferred cleanups run in reverse order of registration (lwan's coro_defer),
 * so statements and handles can be tied to the request's life.
 *
 * Allocation never fails (it aborts, like xmalloc), but an arena has a cap:
 * past it arena_alloc() aborts the process too, so callers that size
 * allocations from input must check that input against their own limits first.
 */
#ifndef RATHAUS_ARENA_H
#define RATHAUS_ARENA_H

#include "core/err.h"
#include "core/str.h"

#include <stdarg.h>
#include <stddef.h>

struct arena_block;
struct arena_defer;

struct arena {
	struct arena_block *head;   /* newest block first */
	struct arena_defer *defers; /* newest first */
	size_t used;		    /* bytes handed out, for metrics */
};

void arena_init(struct arena *a);
/* Run the deferred cleanups, free every block; `a` may be used again. */
void arena_release(struct arena *a);

/* n bytes aligned for any type, lives in arena `a`.  Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* Zeroed array of nmemb * size bytes (checked for overflow), lives in `a`. */
void *arena_calloc(struct arena *a, size_t nmemb, size_t size);
/* NUL-terminated copies, live in `a`. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup_str(struct arena *a, struct str s);
char *arena_printf(struct arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * Room for element `n` of the array `v` of `*cap` elements of `size` bytes:
 * `v` itself, or a zeroed copy twice as large (at least 8) in arena `a`,
 * with *cap updated.  Grows arrays whose length is not known in advance.
 */
void *arena_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size);

/* Call fn(p) when the arena is released. */
void arena_defer(struct arena *a, void (*fn)(void *), void *p);

#endif
