/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The response micro-cache: a hash table of copies with an expiry and a byte
 * budget.  When a busy page expires, the first request renders it anew while
 * the others are served the old copy for up to REFRESH_S seconds, so a page
 * is never rendered by every waiting request at once.
 */
#include "app/page_cache.h"

#include "core/clock.h"
#include "core/hash.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUCKETS 4096 /* a power of two */
#define REFRESH_S 2  /* how long one request may take to render an expired page anew */

struct entry {
	struct entry *next;
	char *key;
	int64_t expires;    /* monotonic seconds */
	int64_t refreshing; /* until then one request renders it anew; 0: none */
	int status;
	char *content_type;
	char **headers; /* name, value, name, value ... */
	size_t n_headers;
	char *body;
	size_t len;
	size_t bytes; /* what it costs the budget */
};

struct page_cache {
	pthread_mutex_t mu;
	struct entry *buckets[BUCKETS];
	size_t bytes, max_bytes;
	int ttl_s;
};

static uint64_t
hash(const char *s)
{
	return hash_fnv1a(s, strlen(s));
}

static void
entry_free(struct entry *e)
{
	for (size_t i = 0; i < 2 * e->n_headers; i++)
		free(e->headers[i]);
	free(e->headers);
	free(e->key);
	free(e->content_type);
	free(e->body);
	free(e);
}

struct page_cache *
page_cache_new(int ttl_s, size_t max_bytes)
{
	struct page_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	c->ttl_s = ttl_s;
	c->max_bytes = max_bytes;
	return c;
}

/* Drop entries: the expired ones, or all when `all`.  Called with the lock held. */
static void
sweep(struct page_cache *c, bool all)
{
	int64_t now = clock_mono_s();

	for (size_t b = 0; b < BUCKETS; b++) {
		struct entry **pp = &c->buckets[b];

		while (*pp) {
			struct entry *e = *pp;

			if (all || e->expires <= now) {
				*pp = e->next;
				c->bytes -= e->bytes;
				entry_free(e);
			} else {
				pp = &e->next;
			}
		}
	}
}

void
page_cache_free(struct page_cache *c)
{
	if (!c)
		return;
	sweep(c, true);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static const char *
etag_of(const struct entry *e)
{
	for (size_t i = 0; i < e->n_headers; i++)
		if (strcasecmp(e->headers[2 * i], "ETag") == 0)
			return e->headers[2 * i + 1];
	return NULL;
}

bool
page_cache_get(struct page_cache *c, const char *key, struct http_req *r, struct http_resp *resp)
{
	struct entry *e;
	const char *inm = http_header(r, "If-None-Match"), *etag;
	int64_t now = clock_mono_s();
	bool hit = false;

	pthread_mutex_lock(&c->mu);
	for (e = c->buckets[hash(key) & (BUCKETS - 1)]; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			break;
	if (e && e->expires <= now) {
		if (e->refreshing <= now) {
			e->refreshing = now + REFRESH_S; /* this request renders it */
			e = NULL;
		} else if (now >= e->expires + c->ttl_s) {
			e = NULL; /* older than two lifetimes: never served */
		}
	}
	if (e) {
		hit = true;
		resp->status = e->status;
		resp->content_type = arena_strdup(&r->arena, e->content_type);
		for (size_t i = 0; i < e->n_headers; i++)
			http_resp_header(r, resp, e->headers[2 * i], e->headers[2 * i + 1]);
		etag = etag_of(e);
		if (inm && etag && strstr(inm, etag))
			resp->status = 304;
		else
			buf_add(&resp->body, e->body, e->len);
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void
page_cache_put(struct page_cache *c, const char *key, const struct http_resp *resp)
{
	struct entry *e, **pp;
	size_t b = hash(key) & (BUCKETS - 1);

	/* A page that would take an eighth of the budget is not worth it. */
	if (resp->body.len > c->max_bytes / 8)
		return;
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->expires = clock_mono_s() + c->ttl_s;
	e->status = resp->status;
	e->content_type = xstrdup(resp->content_type ? resp->content_type : "text/plain");
	e->n_headers = resp->headers.n;
	e->headers = xcalloc(2 * e->n_headers + 1, sizeof(char *));
	e->bytes = sizeof(*e) + strlen(key) + resp->body.len;
	for (size_t i = 0; i < e->n_headers; i++) {
		e->headers[2 * i] = xstrndup(resp->headers.v[i].key.p, resp->headers.v[i].key.len);
		e->headers[2 * i + 1] =
			xstrndup(resp->headers.v[i].val.p, resp->headers.v[i].val.len);
		e->bytes += resp->headers.v[i].key.len + resp->headers.v[i].val.len;
	}
	e->body = xmalloc(resp->body.len + 1);
	memcpy(e->body, resp->body.p, resp->body.len);
	e->len = resp->body.len;
	pthread_mutex_lock(&c->mu);
	if (c->bytes + e->bytes > c->max_bytes)
		sweep(c, false);
	if (c->bytes + e->bytes > c->max_bytes)
		sweep(c, true);
	/* Replace an older copy of the same key. */
	for (pp = &c->buckets[b]; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->key, key) == 0) {
			struct entry *old = *pp;

			*pp = old->next;
			c->bytes -= old->bytes;
			entry_free(old);
			break;
		}
	}
	e->next = c->buckets[b];
	c->buckets[b] = e;
	c->bytes += e->bytes;
	pthread_mutex_unlock(&c->mu);
}
