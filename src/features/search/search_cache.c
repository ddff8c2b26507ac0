/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The per-process cache of scope indexes.  A fingerprint of the catalogue
 * (counts and newest change times) is read once per poll interval by a
 * background thread (so no request waits for it; without a pool, by the
 * first request after the interval); an index built under another
 * fingerprint is stale.  A stale index keeps
 * serving while one request rebuilds it; only a scope without any index
 * makes its requests wait for the build.  Indexes are reference-counted so a
 * swap never frees one a request still reads.
 */
#include "features/search/search_int.h"

#include "app/feature.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "tenant/tenant.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FP_MAX 1024

struct snap {
	atomic_int refs;
	struct search_index *ix;
	char fp[FP_MAX];
};

struct entry {
	int64_t tenant_id;
	struct snap *snap;
};

struct search_cache {
	pthread_mutex_t mu;	  /* entries, the fingerprint, stop */
	pthread_cond_t wake;	  /* stops the poller */
	pthread_mutex_t build_mu; /* one build at a time */
	struct entry *v;
	size_t n, cap;
	char fp[FP_MAX];
	int64_t polled_at; /* monotonic seconds, 0: never */
	int poll_s;
	char *synonyms;
	struct db_pool *pool; /* the poller's connections, or NULL: no poller */
	pthread_t poller;
	bool stop;
};

static void
snap_unref(void *p)
{
	struct snap *s = p;

	if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
		search_index_free(s->ix);
		free(s);
	}
}

static int fingerprint(struct db *db, char *out, struct err *e);

/* One poll with a pooled connection; a failure keeps the old fingerprint. */
static void
poll_once(struct search_cache *c)
{
	char fp[FP_MAX];
	struct db *db = NULL;
	struct err e = {0};
	int rc = db_pool_get(c->pool, &db, &e);

	if (rc == 0) {
		rc = fingerprint(db, fp, &e);
		db_pool_put(c->pool, db);
	}
	if (rc) {
		log_warn("search: catalogue fingerprint not read: %s", e.detail);
		return;
	}
	pthread_mutex_lock(&c->mu);
	memcpy(c->fp, fp, FP_MAX);
	c->polled_at = clock_mono_s();
	pthread_mutex_unlock(&c->mu);
}

static struct snap *take(struct search_cache *c, int64_t tenant_id, const char *fp, bool *fresh);
static int build(struct search_cache *c, struct db *db, const struct tenant *t, const char *fp,
		 struct err *e);

/* Scopes built at start-up: memory stays bounded on large installations. */
#define WARM_MAX 64

/*
 * At start-up the poller builds the indexes of the first WARM_MAX tenants'
 * scopes, one at a time, so that the first search of a scope finds it
 * ready.  A request that comes first builds its scope itself, as without
 * the warm-up, and does not wait for it.
 */
static void
warm_up(struct search_cache *c)
{
	char fp[FP_MAX];
	struct arena a;
	struct tenant *ts = NULL;
	struct db *db = NULL;
	struct err e = {0};
	size_t n = 0;
	bool stop, fresh, due;

	poll_once(c);
	pthread_mutex_lock(&c->mu);
	memcpy(fp, c->fp, FP_MAX);
	stop = c->stop || !c->polled_at;
	pthread_mutex_unlock(&c->mu);
	if (stop || db_pool_get(c->pool, &db, &e))
		return;
	arena_init(&a);
	if (tenant_list(db, -1, &a, &ts, &n, &e))
		log_warn("search: no warm-up: %s", e.detail);
	for (size_t i = 0; i < n && i < WARM_MAX && !stop; i++) {
		struct snap *s;

		/* Without build_mu: a request for another scope does not wait for this one. */
		s = take(c, ts[i].id, fp, &fresh);
		if (!s && build(c, db, &ts[i], fp, &e))
			log_warn("search index of '%s' not built: %s", ts[i].slug, e.detail);
		snap_unref(s);
		pthread_mutex_lock(&c->mu);
		stop = c->stop;
		due = clock_mono_s() - c->polled_at >= c->poll_s;
		pthread_mutex_unlock(&c->mu);
		/* Others key by the fingerprint too: it stays current during the warm-up. */
		if (due && !stop)
			poll_once(c);
	}
	arena_release(&a);
	db_pool_put(c->pool, db);
}

static void *
poll_loop(void *arg)
{
	struct search_cache *c = arg;

	warm_up(c);
	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += c->poll_s;
		pthread_cond_timedwait(&c->wake, &c->mu, &until);
		if (c->stop)
			break;
		pthread_mutex_unlock(&c->mu);
		poll_once(c);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

struct search_cache *
search_cache_new(struct db_pool *pool, const char *synonyms_path, int poll_s)
{
	struct search_cache *c = xcalloc(1, sizeof(*c));
	sigset_t all, old;

	pthread_mutex_init(&c->mu, NULL);
	pthread_mutex_init(&c->build_mu, NULL);
	pthread_cond_init(&c->wake, NULL);
	c->poll_s = poll_s > 0 ? poll_s : 1;
	c->synonyms = synonyms_path ? xstrdup(synonyms_path) : NULL;
	c->pool = pool;
	/* The poller takes no signals: SIGTERM is for the thread that waits for it. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pool && pthread_create(&c->poller, NULL, poll_loop, c)) {
		log_warn("search: no poller thread; requests poll the catalogue");
		c->pool = NULL;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return c;
}

void
search_cache_free(struct search_cache *c)
{
	if (!c)
		return;
	if (c->pool) {
		pthread_mutex_lock(&c->mu);
		c->stop = true;
		pthread_cond_signal(&c->wake);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->poller, NULL);
	}
	for (size_t i = 0; i < c->n; i++)
		snap_unref(c->v[i].snap);
	free(c->v);
	free(c->synonyms);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->build_mu);
	free(c);
}

/* Append the integers of the one row of `sql` to out (at *at). */
static int
fingerprint_add(struct db *db, const char *sql, char *out, size_t *at, struct err *e)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		for (int i = 0; i < db_col_count(st) && *at < FP_MAX - 24; i++)
			*at += (size_t)snprintf(out + *at, FP_MAX - *at, "%lld.",
						(long long)db_col_int64(st, i));
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

/* Counts and newest changes of everything an index is built from: each source's and ours. */
static int
fingerprint(struct db *db, char *out, struct err *e)
{
	static const char own[] = "SELECT (SELECT count(*) FROM search_synonym), "
				  "(SELECT COALESCE(max(updated_at), 0) FROM search_synonym), "
				  "(SELECT count(*) FROM tenant)";
	size_t at = 0;
	int rc = fingerprint_add(db, own, out, &at, e);

	for (size_t i = 0; rc == 0 && i < features_n; i++) {
		const struct search_source *src = features[i]->search;

		if (src && src->fingerprint_sql)
			rc = fingerprint_add(db, src->fingerprint_sql, out, &at, e);
	}
	return rc;
}

/*
 * The current fingerprint: the poller's, else read again when older than
 * poll_s.  Only the first request of a process with a poller reads it.
 */
static int
current_fp(struct search_cache *c, struct db *db, char *fp, struct err *e)
{
	int64_t now = clock_mono_s();
	int rc = 0;

	pthread_mutex_lock(&c->mu);
	if (c->polled_at && (c->pool || now - c->polled_at < c->poll_s)) {
		memcpy(fp, c->fp, FP_MAX);
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	c->polled_at = now; /* others use the old value meanwhile */
	pthread_mutex_unlock(&c->mu);
	rc = fingerprint(db, fp, e);
	pthread_mutex_lock(&c->mu);
	if (rc == 0)
		memcpy(c->fp, fp, FP_MAX);
	else
		c->polled_at = 0;
	pthread_mutex_unlock(&c->mu);
	return rc;
}

int
search_cache_fingerprint(struct search_cache *c, struct db *db, char *out, size_t n, struct err *e)
{
	char fp[FP_MAX];
	int rc = current_fp(c, db, fp, e);

	if (rc == 0)
		snprintf(out, n, "%s", fp);
	return rc;
}

static struct entry *
entry_of(struct search_cache *c, int64_t tenant_id)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].tenant_id == tenant_id)
			return &c->v[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n] = (struct entry){tenant_id, NULL};
	return &c->v[c->n++];
}

/* The entry's snapshot with a reference for the caller, or NULL. */
static struct snap *
take(struct search_cache *c, int64_t tenant_id, const char *fp, bool *fresh)
{
	struct snap *s;

	pthread_mutex_lock(&c->mu);
	s = entry_of(c, tenant_id)->snap;
	if (s) {
		atomic_fetch_add(&s->refs, 1);
		*fresh = strcmp(s->fp, fp) == 0;
	}
	pthread_mutex_unlock(&c->mu);
	return s;
}

static int
build(struct search_cache *c, struct db *db, const struct tenant *t, const char *fp, struct err *e)
{
	struct snap *s = xcalloc(1, sizeof(*s)), *old;
	int64_t t0 = clock_mono_us();
	int rc = search_index_load(db, t, c->synonyms, &s->ix, e);

	if (rc) {
		free(s);
		return rc;
	}
	atomic_init(&s->refs, 1);
	memcpy(s->fp, fp, FP_MAX);
	log_info("search index of '%s': %zu services in %lld ms", t->slug, search_index_size(s->ix),
		 (long long)((clock_mono_us() - t0) / 1000));
	pthread_mutex_lock(&c->mu);
	old = entry_of(c, t->id)->snap;
	entry_of(c, t->id)->snap = s;
	pthread_mutex_unlock(&c->mu);
	snap_unref(old);
	return 0;
}

int
search_cache_get(struct search_cache *c, struct db *db, const struct tenant *t, struct arena *a,
		 const struct search_index **out, struct err *e)
{
	char fp[FP_MAX];
	bool fresh = false;
	struct snap *s;
	int rc = current_fp(c, db, fp, e);

	if (rc)
		return rc;
	s = take(c, t->id, fp, &fresh);
	if (s && !fresh && pthread_mutex_trylock(&c->build_mu) == 0) {
		/* Stale: this request rebuilds, the others keep the old index. */
		rc = build(c, db, t, fp, e);
		pthread_mutex_unlock(&c->build_mu);
		if (rc)
			log_warn("search index of '%s' not rebuilt: %s", t->slug, e->detail);
		snap_unref(s);
		s = take(c, t->id, fp, &fresh);
	} else if (!s) {
		pthread_mutex_lock(&c->build_mu);
		s = take(c, t->id, fp, &fresh);
		if (!s) {
			rc = build(c, db, t, fp, e);
			if (rc == 0)
				s = take(c, t->id, fp, &fresh);
		}
		pthread_mutex_unlock(&c->build_mu);
		if (rc)
			return rc;
	}
	arena_defer(a, snap_unref, s);
	*out = s->ix;
	return 0;
}
