/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A per-process snapshot of the tenant table, shared by request threads.
 * Snapshots are reference-counted: a reload swaps in a new one while
 * requests still reading the old one keep it alive until their arena goes.
 */
#include "tenant/tenant.h"

#include "core/clock.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A name missing from the snapshot reloads it, but not more often than this. */
#define MISS_RELOAD_S 1

struct snap {
	atomic_int refs;
	int64_t loaded_at;
	struct arena mem; /* the tenants and their strings */
	struct tenant *v; /* sorted by name, as tenant_list() gives them */
	size_t n;
};

struct tenant_cache {
	pthread_mutex_t mu;
	struct snap *cur;
	int ttl_s;
};

static void
snap_unref(void *p)
{
	struct snap *s = p;

	if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
		arena_release(&s->mem);
		free(s);
	}
}

struct tenant_cache *
tenant_cache_new(int ttl_s)
{
	struct tenant_cache *c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	c->ttl_s = ttl_s;
	return c;
}

void
tenant_cache_free(struct tenant_cache *c)
{
	if (!c)
		return;
	snap_unref(c->cur);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static int
snap_load(struct db *db, struct snap **out, struct err *e)
{
	struct snap *s = xcalloc(1, sizeof(*s));
	int rc;

	arena_init(&s->mem);
	rc = tenant_list(db, -1, &s->mem, &s->v, &s->n, e);
	if (rc == 0)
		rc = tenant_settings_attach(db, s->v, s->n, &s->mem, e);
	if (rc) {
		arena_release(&s->mem);
		free(s);
		return rc;
	}
	atomic_init(&s->refs, 1);
	s->loaded_at = clock_mono_s();
	*out = s;
	return 0;
}

/* The current snapshot, reloaded when stale, held until `a` is released. */
static int
snap_get(struct tenant_cache *c, struct db *db, struct arena *a, struct snap **out, struct err *e)
{
	struct snap *s, *fresh = NULL, *old = NULL;
	int rc;

	pthread_mutex_lock(&c->mu);
	s = c->cur;
	if (s && clock_mono_s() - s->loaded_at < c->ttl_s) {
		atomic_fetch_add(&s->refs, 1);
		pthread_mutex_unlock(&c->mu);
		goto out;
	}
	pthread_mutex_unlock(&c->mu);
	/* Load outside the lock; two threads may both load, the last one wins. */
	rc = snap_load(db, &fresh, e);
	if (rc)
		return rc;
	pthread_mutex_lock(&c->mu);
	old = c->cur;
	c->cur = fresh;
	atomic_fetch_add(&fresh->refs, 1);
	pthread_mutex_unlock(&c->mu);
	snap_unref(old);
	s = fresh;
out:
	arena_defer(a, snap_unref, s);
	*out = s;
	return 0;
}

/* Make the next snap_get() reload. */
static void
invalidate(struct tenant_cache *c)
{
	pthread_mutex_lock(&c->mu);
	if (c->cur)
		c->cur->loaded_at = INT64_MIN / 2;
	pthread_mutex_unlock(&c->mu);
}

static const struct tenant *
lookup(const struct snap *s, bool by_host, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(by_host ? s->v[i].host : s->v[i].slug, key) == 0)
			return &s->v[i];
	return NULL;
}

static int
find(struct tenant_cache *c, struct db *db, bool by_host, const char *key, struct arena *a,
     const struct tenant **out, struct err *e)
{
	struct snap *s;
	int rc = snap_get(c, db, a, &s, e);

	if (rc)
		return rc;
	*out = lookup(s, by_host, key);
	/*
	 * Not in the snapshot: it may be new.  Reload, but at most once every
	 * MISS_RELOAD_S, so unknown names (every request to a shared domain
	 * is one) cannot turn each request into a query.
	 */
	if (!*out && clock_mono_s() - s->loaded_at >= MISS_RELOAD_S) {
		invalidate(c);
		rc = snap_get(c, db, a, &s, e);
		if (rc)
			return rc;
		*out = lookup(s, by_host, key);
	}
	if (!*out)
		return err_set(e, ERR_NOTFOUND, "error.not_found", "no tenant '%s'", key);
	return 0;
}

int
tenant_cache_by_host(struct tenant_cache *c, struct db *db, const char *host, struct arena *a,
		     const struct tenant **out, struct err *e)
{
	if (!host[0])
		return ERR_NOTFOUND;
	return find(c, db, true, host, a, out, e);
}

int
tenant_cache_by_slug(struct tenant_cache *c, struct db *db, const char *slug, struct arena *a,
		     const struct tenant **out, struct err *e)
{
	return find(c, db, false, slug, a, out, e);
}

int
tenant_cache_list(struct tenant_cache *c, struct db *db, int64_t parent_id, struct arena *a,
		  const struct tenant **out, size_t *n, struct err *e)
{
	struct snap *s;
	struct tenant *v;
	int rc = snap_get(c, db, a, &s, e);

	if (rc)
		return rc;
	v = arena_alloc(a, (s->n ? s->n : 1) * sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < s->n; i++)
		if (parent_id < 0 || s->v[i].parent_id == parent_id)
			v[(*n)++] = s->v[i];
	*out = v;
	return 0;
}
