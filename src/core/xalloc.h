/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * xalloc: allocation that aborts on failure, for process and explicit lifetimes.
 * Request-lifetime memory comes from arena.h instead.  Sizes are checked for
 * overflow here so callers need not.
 */
#ifndef RATHAUS_XALLOC_H
#define RATHAUS_XALLOC_H

#include <stddef.h>

/* Each returns memory the caller frees with free(); never NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
