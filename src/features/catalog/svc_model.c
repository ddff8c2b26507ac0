/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The public catalogue from memory: a per-process read model of what each
 * tenant offers, so topic pages, the A-Z index, the list API, the sitemap
 * and the home page read no table per request, and a service's page reads
 * only the tenant's own layer.
 *
 * One base holds every service once, in title order, with the texts and
 * topic slugs the lists show; every tenant's offer is an array of positions
 * in that base (4 bytes a service), so 400 tenants cost little more than
 * one.  Both are keyed by the search's catalogue fingerprint
 * (search_cache_fingerprint()), so a published change reaches the lists of
 * every instance as it reaches the search: within the poll interval.  A
 * stale offer keeps serving while one request rebuilds it; only a tenant
 * without any offer waits.  Snapshots are reference-counted and held until
 * the request's arena is released, so a swap never frees what a request
 * still reads.
 *
 * A service page's shared part (columns, shared texts, legal basis,
 * sources, synonyms) is read once per base when first asked for; every
 * write to shared service data stamps service.updated_at, which is in the
 * fingerprint.  The tenant's layer (whether it publishes the service, its
 * online service, its own texts) is read per request.
 */
#include "features/catalog/svc_int.h"

#include "app/app.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "db/db.h"
#include "features/catalog/catalog.h"
#include "features/search/search.h"

#include <cmark-gfm.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FP_LEN 1024

/* One service as the lists show it. */
struct base_row {
	struct svc_item item; /* item.json and short_html NULL: see below */
	_Atomic(char *) json; /* item.json, made when first asked for (malloc'd) */
	_Atomic(char *) html; /* item.short_html, likewise */
	_Atomic(struct detail *)
		detail; /* the service page's shared part, made when first asked for */
	const char *themenfeld, *lage; /* slugs, interned in base->topics; NULL: none */
	int32_t tf_at, lage_at;	       /* positions in base->topic_v; -1: none */
	bool described;		       /* it has a shared short text */
	char letter;		       /* first letter, 'A'..'Z', or 0 */
};

/* One service's shared part, as svc_shared_load() reads it, in its own arena. */
struct detail {
	struct arena a;
	struct svc s;
};

static void
detail_free(struct detail *d)
{
	if (d) {
		arena_release(&d->a);
		free(d);
	}
}

struct base_key {
	const char *leika;
	uint32_t pos;
};

struct base {
	atomic_int refs;
	struct arena a;
	struct base_row *rows;	   /* by title, then LeiKa key */
	struct base_key *by_leika; /* positions in rows, by LeiKa key */
	size_t n;
	struct svc_map topics;	   /* each topic slug once: rows compare them by address */
	struct svc_topic *topic_v; /* every Themenfeld and Lage (count 0) */
	size_t n_topics, cap_topics;
	struct svc_map tf_at, lage_at; /* slug -> position in topic_v + 1 */
	char fp[FP_LEN];
};

struct offer {
	atomic_int refs;
	struct base *base; /* one reference */
	uint32_t *pos;	   /* the tenant's published services: positions in base->rows, ascending */
	uint32_t *counts;  /* of them, how many each of base->topic_v has */
	size_t n;
	char fp[FP_LEN];
};

struct entry {
	int64_t tenant_id;
	struct offer *offer;
};

struct svc_model {
	pthread_mutex_t mu;	  /* base, entries */
	pthread_mutex_t build_mu; /* one build at a time */
	struct base *base;
	struct entry *v;
	size_t n, cap;
};

static void
base_unref(struct base *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1) {
		for (size_t i = 0; i < b->n; i++) {
			free(atomic_load(&b->rows[i].json));
			free(atomic_load(&b->rows[i].html));
			detail_free(atomic_load(&b->rows[i].detail));
		}
		svc_map_release(&b->topics);
		svc_map_release(&b->tf_at);
		svc_map_release(&b->lage_at);
		free(b->topic_v);
		arena_release(&b->a);
		free(b->rows);
		free(b->by_leika);
		free(b);
	}
}

static void
base_release(void *p)
{
	base_unref(p);
}

static void
offer_unref(void *p)
{
	struct offer *o = p;

	if (o && atomic_fetch_sub(&o->refs, 1) == 1) {
		base_unref(o->base);
		free(o->pos);
		free(o->counts);
		free(o);
	}
}

struct svc_model *
svc_model_new(void)
{
	struct svc_model *m = xcalloc(1, sizeof(*m));

	pthread_mutex_init(&m->mu, NULL);
	pthread_mutex_init(&m->build_mu, NULL);
	return m;
}

void
svc_model_free(struct svc_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		offer_unref(m->v[i].offer);
	base_unref(m->base);
	free(m->v);
	pthread_mutex_destroy(&m->mu);
	pthread_mutex_destroy(&m->build_mu);
	free(m);
}

/* ---- Building ------------------------------------------------------------ */

struct base_build {
	struct base *b;
	size_t cap;
};

/* The one copy of topic slug `slug` in b, or NULL for "". */
static const char *
intern(struct base *b, const char *slug)
{
	char *have;

	if (!slug[0])
		return NULL;
	have = svc_map_get(&b->topics, slug);
	if (!have) {
		have = arena_strdup(&b->a, slug);
		svc_map_put(&b->topics, have, have);
	}
	return have;
}

static int
read_base_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct base_build *bb = ctx;
	struct base *b = bb->b;
	struct base_row *r;
	char c;

	(void)e;
	if (b->n == bb->cap) {
		bb->cap = bb->cap ? 2 * bb->cap : 1024;
		b->rows = xrealloc(b->rows, bb->cap * sizeof(*b->rows));
	}
	r = &b->rows[b->n++];
	db_cols_dup(st, 0, &b->a, &r->item.leika, &r->item.title, &r->item.slug,
		    &r->item.short_text, &r->item.level);
	r->themenfeld = intern(b, db_col_text(st, 5));
	r->lage = intern(b, db_col_text(st, 6));
	r->described = db_col_int64(st, 7) != 0;
	r->item.path = arena_printf(&b->a, "/leistungen/%s-%s", r->item.slug, r->item.leika);
	r->item.json = NULL;
	atomic_init(&r->json, NULL);
	atomic_init(&r->html, NULL);
	atomic_init(&r->detail, NULL);
	c = r->item.title[0];
	r->letter = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c >= 'A' && c <= 'Z' ? c : 0;
	return 0;
}

/* ORDER BY title, leika byte by byte, as SQLite's BINARY collation (and PostgreSQL's C) does. */
static int
by_title(const void *x, const void *y)
{
	const struct base_row *a = x, *b = y;
	int c = strcmp(a->item.title, b->item.title);

	return c ? c : strcmp(a->item.leika, b->item.leika);
}

static int
by_leika(const void *x, const void *y)
{
	return strcmp(((const struct base_key *)x)->leika, ((const struct base_key *)y)->leika);
}

static int
read_topic_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct base *b = ctx;
	struct svc_topic *tp;

	(void)e;
	if (b->n_topics == b->cap_topics) {
		b->cap_topics = b->cap_topics ? 2 * b->cap_topics : 64;
		b->topic_v = xrealloc(b->topic_v, b->cap_topics * sizeof(*b->topic_v));
	}
	tp = &b->topic_v[b->n_topics++];
	db_cols_dup(st, 0, &b->a, &tp->kind, &tp->slug, &tp->name);
	tp->id = db_col_int64(st, 3);
	tp->count = 0;
	svc_map_put(strcmp(tp->kind, "themenfeld") == 0 ? &b->tf_at : &b->lage_at, tp->slug,
		    (void *)(uintptr_t)b->n_topics);
	return 0;
}

/* The position in b->topic_v of the topic `slug` in `map`, or -1. */
static int32_t
topic_at(const struct svc_map *map, const char *slug)
{
	uintptr_t at = slug ? (uintptr_t)svc_map_get(map, slug) : 0;

	return at ? (int32_t)(at - 1) : -1;
}

/* Every Themenfeld and Lage, and where each row belongs. */
static int
base_topics(struct db *db, struct base *b, struct err *e)
{
	static const char sql[] = "SELECT 'themenfeld', slug, name, id FROM themenfeld "
				  "UNION ALL SELECT kind, slug, name, id FROM lage";
	int rc;

	svc_map_init(&b->tf_at);
	svc_map_init(&b->lage_at);
	rc = db_each(db, e, sql, read_topic_row, b);
	for (size_t i = 0; rc == 0 && i < b->n; i++) {
		b->rows[i].tf_at = topic_at(&b->tf_at, b->rows[i].themenfeld);
		b->rows[i].lage_at = topic_at(&b->lage_at, b->rows[i].lage);
	}
	return rc;
}

static int
base_build(struct db *db, const char *fp, struct base **out, struct err *e)
{
	static const char sql[] =
		"SELECT s.leika, s.title, s.slug, COALESCE(st.body, ''), s.level, "
		"COALESCE(tf.slug, ''), COALESCE(l.slug, ''), "
		"CASE WHEN st.leika IS NULL THEN 0 ELSE 1 END FROM service s "
		"LEFT JOIN service_text st ON st.leika = s.leika AND st.module = 'short' "
		"LEFT JOIN ozg_leistung o ON o.id = s.ozg_leistung_id "
		"LEFT JOIN lage l ON l.id = o.lage_id "
		"LEFT JOIN themenfeld tf ON tf.id = l.themenfeld_id";
	struct base *b = xcalloc(1, sizeof(*b));
	struct base_build bb = {b, 0};
	int rc;

	arena_init(&b->a);
	atomic_init(&b->refs, 1);
	snprintf(b->fp, sizeof(b->fp), "%s", fp);
	rc = db_each(db, e, sql, read_base_row, &bb);
	if (rc == 0)
		rc = base_topics(db, b, e);
	if (rc) {
		base_unref(b);
		return rc;
	}
	if (b->n)
		qsort(b->rows, b->n, sizeof(*b->rows), by_title);
	b->by_leika = xcalloc(b->n ? b->n : 1, sizeof(*b->by_leika));
	for (size_t i = 0; i < b->n; i++)
		b->by_leika[i] = (struct base_key){b->rows[i].item.leika, (uint32_t)i};
	if (b->n)
		qsort(b->by_leika, b->n, sizeof(*b->by_leika), by_leika);
	*out = b;
	return 0;
}

/* The position of service `leika` in b->rows, or -1. */
static int64_t
base_find(const struct base *b, const char *leika)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->by_leika[mid].leika, leika);

		if (c == 0)
			return b->by_leika[mid].pos;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

struct offer_build {
	struct offer *o;
	size_t cap;
};

static int
read_offer_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct offer_build *ob = ctx;
	int64_t at = base_find(ob->o->base, db_col_text(st, 0));

	(void)e;
	if (at < 0) /* a service newer than the base: the next fingerprint brings it */
		return 0;
	if (ob->o->n == ob->cap) {
		ob->cap = ob->cap ? 2 * ob->cap : 256;
		ob->o->pos = xrealloc(ob->o->pos, ob->cap * sizeof(*ob->o->pos));
	}
	ob->o->pos[ob->o->n++] = (uint32_t)at;
	return 0;
}

static int
by_pos(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return (a > b) - (a < b);
}

/* The current base, built first when its fingerprint is not `fp`; a reference for the caller. */
static int
base_current(struct svc_model *m, struct db *db, const char *fp, struct base **out, struct err *e)
{
	struct base *b;
	int rc;

	pthread_mutex_lock(&m->mu);
	b = m->base;
	if (b && strcmp(b->fp, fp) == 0) {
		atomic_fetch_add(&b->refs, 1);
		pthread_mutex_unlock(&m->mu);
		*out = b;
		return 0;
	}
	pthread_mutex_unlock(&m->mu);
	rc = base_build(db, fp, &b, e);
	if (rc)
		return rc;
	atomic_fetch_add(&b->refs, 1); /* the model's and the caller's */
	pthread_mutex_lock(&m->mu);
	base_unref(m->base);
	m->base = b;
	pthread_mutex_unlock(&m->mu);
	*out = b;
	return 0;
}

static struct entry *
entry_of(struct svc_model *m, int64_t tenant_id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].tenant_id == tenant_id)
			return &m->v[i];
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->v = xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n] = (struct entry){tenant_id, NULL};
	return &m->v[m->n++];
}

/* Build tenant `t`'s offer under fingerprint `fp` and make it the entry's.  Holds build_mu. */
static int
offer_build(struct svc_model *m, struct db *db, const struct tenant *t, const char *fp,
	    struct err *e)
{
	static const char sql[] = "SELECT ts.leika FROM tenant_service ts "
				  "WHERE ts.tenant_id = $1 AND " SVC_VISIBLE;
	struct offer *o = xcalloc(1, sizeof(*o)), *old;
	struct offer_build ob = {o, 0};
	int64_t t0 = clock_mono_us();
	int rc = base_current(m, db, fp, &o->base, e);

	atomic_init(&o->refs, 1);
	snprintf(o->fp, sizeof(o->fp), "%s", fp);
	if (rc == 0)
		rc = db_each(db, e, sql, read_offer_row, &ob, DB_INT(t->id));
	if (rc) {
		offer_unref(o);
		return rc;
	}
	if (o->n)
		qsort(o->pos, o->n, sizeof(*o->pos), by_pos);
	o->counts = xcalloc(o->base->n_topics + 1, sizeof(*o->counts));
	for (size_t i = 0; i < o->n; i++) {
		const struct base_row *r = &o->base->rows[o->pos[i]];

		if (r->tf_at >= 0)
			o->counts[r->tf_at]++;
		if (r->lage_at >= 0)
			o->counts[r->lage_at]++;
	}
	log_debug("catalogue lists of '%s': %zu services in %lld us", t->slug, o->n,
		  (long long)(clock_mono_us() - t0));
	pthread_mutex_lock(&m->mu);
	old = entry_of(m, t->id)->offer;
	entry_of(m, t->id)->offer = o;
	pthread_mutex_unlock(&m->mu);
	offer_unref(old);
	return 0;
}

/* The entry's offer with a reference for the caller, or NULL. */
static struct offer *
take(struct svc_model *m, int64_t tenant_id, const char *fp, bool *fresh)
{
	struct offer *o;

	pthread_mutex_lock(&m->mu);
	o = entry_of(m, tenant_id)->offer;
	if (o) {
		atomic_fetch_add(&o->refs, 1);
		*fresh = strcmp(o->fp, fp) == 0;
	}
	pthread_mutex_unlock(&m->mu);
	return o;
}

/* Tenant `t`'s offer, fresh if it can be, held until `a` is released. */
static int
offer_get(struct svc_model *m, struct db *db, const struct tenant *t, const char *fp,
	  struct arena *a, struct offer **out, struct err *e)
{
	bool fresh = false;
	struct offer *o = take(m, t->id, fp, &fresh);
	int rc = 0;

	if (o && !fresh && pthread_mutex_trylock(&m->build_mu) == 0) {
		/* Stale: this request rebuilds, the others keep the old offer. */
		rc = offer_build(m, db, t, fp, e);
		pthread_mutex_unlock(&m->build_mu);
		if (rc)
			log_warn("catalogue lists of '%s' not rebuilt: %s", t->slug, e->detail);
		offer_unref(o);
		o = take(m, t->id, fp, &fresh);
		rc = 0;
	} else if (!o) {
		pthread_mutex_lock(&m->build_mu);
		o = take(m, t->id, fp, &fresh);
		if (!o) {
			rc = offer_build(m, db, t, fp, e);
			if (rc == 0)
				o = take(m, t->id, fp, &fresh);
		}
		pthread_mutex_unlock(&m->build_mu);
	}
	if (rc)
		return rc;
	arena_defer(a, offer_unref, o);
	*out = o;
	return 0;
}

/* ---- Reading ------------------------------------------------------------- */

/* Keep `made` in `slot` unless another request was first; the kept one. */
static const char *
keep(_Atomic(char *) *slot, char *made)
{
	char *expected = NULL;

	if (!made || atomic_compare_exchange_strong(slot, &expected, made))
		return made;
	free(made);
	return expected;
}

/* The short text as HTML, made by cmark once per row and base, as view_markdown() makes it. */
static const char *
row_html(struct base_row *r)
{
	char *have = atomic_load(&r->html);

	if (have || !r->item.short_text[0])
		return have;
	return keep(&r->html, cmark_markdown_to_html(r->item.short_text, strlen(r->item.short_text),
						     CMARK_OPT_DEFAULT | CMARK_OPT_SMART));
}

/*
 * The row's members as the list API writes them, made by jansson once per
 * row and base: compact, ASCII, in the API's order, without the braces.
 */
static const char *
row_json(struct base_row *r)
{
	char *have = atomic_load(&r->json), *text;
	json_t *doc;
	size_t n;

	if (have)
		return have;
	doc = json_pack("{s:s, s:s, s:s, s:s}", "leika", r->item.leika, "title", r->item.title,
			"short_text", r->item.short_text, "level", r->item.level);
	text = doc ? json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(doc);
	if (!text || (n = strlen(text)) < 2)
		return free(text), NULL;
	memmove(text, text + 1, n - 2);
	text[n - 2] = '\0';
	return keep(&r->json, text);
}

/* A filter's topics as the base's interned slugs: an unknown slug matches no row. */
struct topics {
	const char *themenfeld, *lage;
};

static bool
matches(const struct base_row *r, const struct svc_filter *f, struct topics t)
{
	return (!f->themenfeld || (t.themenfeld && r->themenfeld == t.themenfeld)) &&
	       (!f->lage || (t.lage && r->lage == t.lage)) &&
	       (!f->letter || r->letter == f->letter) && (!f->described_only || r->described);
}

/* What the model's snapshots are keyed by: the catalogue fingerprint and this process's writes. */
static int
model_key(struct rq *q, char fp[FP_LEN])
{
	/* The count is read before the fingerprint: a write between them costs a rebuild. */
	uint_fast64_t writes = atomic_load(&q->app->staff_writes);
	int rc = search_cache_fingerprint(search_cache_of(q->app), q->db, fp, FP_LEN, &q->err);
	size_t len = rc ? 0 : strlen(fp);

	if (rc == 0)
		snprintf(fp + len, FP_LEN - len, "w%llu", (unsigned long long)writes);
	return rc;
}

/* Tenant q's current offer, held until q->a is released. */
static int
offer_now(struct svc_model *m, struct rq *q, struct offer **out)
{
	char fp[FP_LEN];
	int rc = model_key(q, fp);

	return rc ? rc : offer_get(m, q->db, q->tenant, fp, q->a, out, &q->err);
}

int
svc_model_list(struct svc_model *m, struct rq *q, const struct svc_filter *f, struct svc_item **out,
	       size_t *n, int64_t *total)
{
	struct offer *o;
	size_t max = f->limit > 0 ? (size_t)f->limit : 0,
	       skip = f->offset > 0 ? (size_t)f->offset : 0;
	size_t matched = 0, cap = 0;
	struct svc_item *v = NULL;
	int rc = offer_now(m, q, &o);
	struct topics t = {NULL, NULL};

	*n = 0;
	if (rc)
		return rc;
	if (f->themenfeld)
		t.themenfeld = svc_map_get(&o->base->topics, f->themenfeld);
	if (f->lage)
		t.lage = svc_map_get(&o->base->topics, f->lage);
	for (size_t i = 0; i < o->n; i++) {
		struct base_row *r = &o->base->rows[o->pos[i]];

		if (!matches(r, f, t))
			continue;
		if (matched++ < skip || *n >= max) {
			if (!total && *n >= max)
				break;
			continue;
		}
		v = arena_grow(q->a, v, *n, &cap, sizeof(*v));
		v[*n] = r->item;
		if (f->no_text)
			v[*n].short_text = "";
		else if (f->json)
			v[*n].json = row_json(r);
		else
			v[*n].short_html = row_html(r);
		(*n)++;
	}
	if (total)
		*total = (int64_t)matched;
	*out = v ? v : arena_calloc(q->a, 1, sizeof(*v));
	return 0;
}

int
svc_offered(struct rq *q, const struct svc_filter *f, struct svc_item **out, size_t *n,
	    int64_t *total)
{
	struct svc_model *m = app_state(q->app, &catalog_feature);

	/* Words in titles and synonyms are the database's to match. */
	if (!m || !search_cache_of(q->app) || (f->q && f->q[0]))
		return svc_list(q->db, q->tenant, f, q->a, out, n, total, &q->err);
	return svc_model_list(m, q, f, out, n, total);
}

/* ---- Topics -------------------------------------------------------------- */

/* At most this many topics of one kind, as svc_topics() reads them. */
#define TOPICS_MAX 64

static int
by_name(const void *x, const void *y)
{
	return strcmp(((const struct svc_topic *)x)->name, ((const struct svc_topic *)y)->name);
}

int
svc_offered_topics(struct rq *q, const char *kind, struct svc_topic **out, size_t *n)
{
	struct svc_model *m = app_state(q->app, &catalog_feature);
	struct offer *o;
	struct svc_topic *v;
	int rc;

	if (!m || !search_cache_of(q->app))
		return svc_topics(q->db, q->tenant, kind, q->a, out, n, &q->err);
	rc = offer_now(m, q, &o);
	if (rc)
		return rc;
	*out = v = arena_alloc(q->a, TOPICS_MAX * sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < o->base->n_topics && *n < TOPICS_MAX; i++)
		if (o->counts[i] && strcmp(o->base->topic_v[i].kind, kind) == 0) {
			v[*n] = o->base->topic_v[i];
			v[(*n)++].count = o->counts[i];
		}
	qsort(v, *n, sizeof(*v), by_name);
	return 0;
}

int
svc_offered_topic(struct rq *q, const char *kind, const char *slug, struct svc_topic **out)
{
	struct svc_topic *v;
	size_t n;
	int rc = svc_offered_topics(q, kind, &v, &n);

	for (size_t i = 0; rc == 0 && i < n; i++)
		if (strcmp(v[i].slug, slug) == 0) {
			*out = &v[i];
			return 0;
		}
	return rc ? rc
		  : err_set(&q->err, ERR_NOTFOUND, "error.404.text", "no %s '%s' at '%s'", kind,
			    slug, q->tenant->slug);
}

/* ---- One service --------------------------------------------------------- */

/* The current base with a reference held by q->a, or NULL while another request builds it. */
static struct base *
base_for(struct svc_model *m, struct rq *q)
{
	char fp[FP_LEN];
	struct base *b = NULL;

	if (model_key(q, fp))
		return NULL;
	pthread_mutex_lock(&m->mu);
	if (m->base && strcmp(m->base->fp, fp) == 0) {
		b = m->base;
		atomic_fetch_add(&b->refs, 1);
	}
	pthread_mutex_unlock(&m->mu);
	if (!b && pthread_mutex_trylock(&m->build_mu) == 0) {
		if (base_current(m, q->db, fp, &b, &q->err))
			b = NULL;
		pthread_mutex_unlock(&m->build_mu);
	}
	if (b)
		arena_defer(q->a, base_release, b);
	return b;
}

/* Row r's shared part, read from the database when first asked for. */
static const struct svc *
row_detail(struct base_row *r, struct db *db, struct err *e)
{
	struct detail *d = atomic_load(&r->detail), *expected = NULL;

	if (d)
		return &d->s;
	d = xcalloc(1, sizeof(*d));
	arena_init(&d->a);
	if (svc_shared_load(db, r->item.leika, &d->a, &d->s, e)) {
		detail_free(d);
		return NULL;
	}
	if (atomic_compare_exchange_strong(&r->detail, &expected, d))
		return &d->s;
	detail_free(d); /* another request was first */
	return &expected->s;
}

int
svc_offered_one(struct rq *q, const char *leika, struct svc **out)
{
	struct svc_model *m = app_state(q->app, &catalog_feature);
	struct base *b = m && search_cache_of(q->app) ? base_for(m, q) : NULL;
	int64_t at = b && svc_leika_valid(leika) ? base_find(b, leika) : -1;
	const struct svc *shared = at >= 0 ? row_detail(&b->rows[at], q->db, &q->err) : NULL;
	struct svc *s;
	int rc;

	if (!shared) /* no base yet, a service newer than it, or a failed read: as it stands */
		return svc_find(q->db, q->tenant, leika, q->a, out, &q->err);
	s = arena_alloc(q->a, sizeof(*s));
	*s = *shared;
	rc = svc_tenant_layer(q->db, q->tenant, s, q->a, &q->err);
	if (rc)
		return rc;
	*out = s;
	return 0;
}
