/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * page_cache: a micro-cache of whole responses to anonymous GET requests
 * (as nginx's proxy_cache with a few seconds' validity).  A page reused for
 * `ttl_s` seconds spares the database and the renderer under load, and a
 * change is visible everywhere within that time (on a busy page, plus the
 * few seconds one request takes to render it anew, while the others get the
 * old copy).  Bounded in bytes; when
 * full, expired entries go first, then everything.  Thread-safe.
 */
#ifndef RATHAUS_PAGE_CACHE_H
#define RATHAUS_PAGE_CACHE_H

#include "http/http.h"

#include <stdbool.h>
#include <stddef.h>

struct page_cache;

struct page_cache *page_cache_new(int ttl_s, size_t max_bytes);
void page_cache_free(struct page_cache *c);

/*
 * Fill `resp` from the entry for `key` if it is fresh, or expired while
 * another request renders it anew (headers and body are copied into the
 * request).  A miss on an expired entry makes the caller the one to render
 * and page_cache_put() it.  A matching If-None-Match gets a 304.
 */
bool page_cache_get(struct page_cache *c, const char *key, struct http_req *r,
		    struct http_resp *resp);
/* Keep a copy of `resp` under `key`. */
void page_cache_put(struct page_cache *c, const char *key, const struct http_resp *resp);

#endif
