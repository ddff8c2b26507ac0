/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Markdown to HTML with cmark-gfm in safe mode: raw HTML blocks and inline
 * HTML become comments and unsafe URLs are emptied, so editors' texts can be
 * printed raw without letting them inject markup.
 *
 * The same texts come back on every request (a service's sections, an
 * office's notes), so each process keeps the HTML of recent sources in a
 * direct-mapped table keyed by the source itself: a slot holds one source
 * and its HTML, a new source in an occupied slot replaces the old one, and
 * a hit compares the whole source, so an entry can never be stale or wrong.
 * Sources over MD_CACHE_SOURCE_MAX bytes and entries beyond the byte budget
 * are converted every time.
 */
#include "view/view.h"

#include <cmark-gfm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MD_CACHE_SLOTS 2048
#define MD_CACHE_SOURCE_MAX 16384
#define MD_CACHE_BUDGET (16u << 20) /* bytes of sources and HTML together */

struct md_entry {
	char *md, *html; /* one malloc: the source, its NUL, then the HTML */
	size_t md_len, html_len;
};

static struct {
	pthread_mutex_t lock;
	struct md_entry slot[MD_CACHE_SLOTS];
	size_t bytes;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* FNV-1a: the slot only; a hit is decided by comparing the source. */
static size_t
slot_of(const char *md, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)md[i]) * 0x100000001b3u;
	return (size_t)(h % MD_CACHE_SLOTS);
}

/* The cached HTML of `md` copied into `a`, or NULL. */
static struct view_val *
cache_get(struct arena *a, size_t slot, const char *md, size_t n)
{
	struct view_val *v = NULL;
	struct md_entry *ent = &cache.slot[slot];

	pthread_mutex_lock(&cache.lock);
	if (ent->md && ent->md_len == n && memcmp(ent->md, md, n) == 0)
		v = view_html_trusted(a, ent->html, ent->html_len);
	pthread_mutex_unlock(&cache.lock);
	return v;
}

static void
cache_put(size_t slot, const char *md, size_t n, const char *html, size_t html_len)
{
	struct md_entry *ent = &cache.slot[slot];
	char *mem;

	if (n > MD_CACHE_SOURCE_MAX)
		return;
	pthread_mutex_lock(&cache.lock);
	if (ent->md) {
		cache.bytes -= ent->md_len + ent->html_len;
		free(ent->md);
		*ent = (struct md_entry){0};
	}
	if (cache.bytes + n + html_len <= MD_CACHE_BUDGET && (mem = malloc(n + 1 + html_len + 1))) {
		memcpy(mem, md, n);
		mem[n] = '\0';
		memcpy(mem + n + 1, html, html_len + 1);
		*ent = (struct md_entry){mem, mem + n + 1, n, html_len};
		cache.bytes += n + html_len;
	}
	pthread_mutex_unlock(&cache.lock);
}

struct view_val *
view_markdown(struct arena *a, const char *md)
{
	size_t n = strlen(md), slot = slot_of(md, n), len;
	struct view_val *v = cache_get(a, slot, md, n);
	char *html;

	if (v)
		return v;
	html = cmark_markdown_to_html(md, n, CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
	if (!html)
		return view_text(a, "");
	len = strlen(html);
	v = view_html_trusted(a, html, len);
	cache_put(slot, md, n, html, len);
	free(html);
	return v;
}
