/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reading the catalogue as one tenant offers it: lists with filters, one
 * service with its shared texts overlaid by the tenant's own, and the
 * taxonomy with counts.  Every query is bound to the tenant's id.
 */
#include "features/catalog/svc.h"

#include "core/buf.h"
#include "db/db.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tenant's published services and where they sit in the taxonomy. */
#define OFFERED                                                                                    \
	"FROM tenant_service ts JOIN service s ON s.leika = ts.leika "                             \
	"LEFT JOIN ozg_leistung o ON o.id = s.ozg_leistung_id "                                    \
	"LEFT JOIN lage l ON l.id = o.lage_id "                                                    \
	"LEFT JOIN themenfeld tf ON tf.id = l.themenfeld_id "                                      \
	"WHERE ts.tenant_id = $1 AND " SVC_VISIBLE " "

/*
 * A list query for filter `f` with only the joins and conditions the filter
 * needs, so the common cases use the indexes.  PostgreSQL wants every
 * parameter it is given to appear, so they are numbered as they are used.
 */
struct query {
	struct buf sql;
	struct db_arg args[8]; /* parameter values by number - 1; [0] is the tenant id */
	int n;
};

/* Record a parameter; returns its number. */
static int
param(struct query *qy, struct db_arg value)
{
	assert(qy->n < (int)(sizeof(qy->args) / sizeof(qy->args[0])));
	qy->args[qy->n++] = value;
	return qy->n;
}

static void
build(struct query *qy, const struct tenant *t, const struct svc_filter *f, struct arena *a,
      bool for_count)
{
	bool topic = f->themenfeld || f->lage;
	bool with_service =
		!for_count || topic || f->described_only || f->letter || (f->q && f->q[0]);

	qy->n = 0;
	param(qy, DB_INT(t->id)); /* $1 */
	/*
	 * Counting every offered service needs no service row: the key
	 * references one.  Lists walk the services (in title order, or a
	 * topic's few) and look each up in the tenant's offer; CROSS JOIN keeps
	 * SQLite from starting at the tenant's rows and sorting them all.
	 */
	if (with_service)
		buf_adds(&qy->sql, "FROM service s CROSS JOIN tenant_service ts ");
	else
		buf_adds(&qy->sql, "FROM tenant_service ts ");
	if (f->described_only)
		buf_adds(&qy->sql, "JOIN service_text st ON st.leika = s.leika AND "
				   "st.module = 'short' ");
	else if (!for_count && !f->no_text)
		buf_adds(&qy->sql, "LEFT JOIN service_text st ON st.leika = s.leika AND "
				   "st.module = 'short' ");
	buf_adds(&qy->sql, "WHERE ts.tenant_id = $1 AND " SVC_VISIBLE " ");
	if (with_service)
		buf_adds(&qy->sql, "AND ts.leika = s.leika ");
	/*
	 * A topic is a set of OZG-Leistungen: the services are found by
	 * service_ozg from that set and sorted afterwards, instead of walking
	 * the whole catalogue in title order and testing each row.
	 */
	if (f->themenfeld) {
		int i = param(qy, DB_TEXT(f->themenfeld));

		buf_addf(&qy->sql,
			 "AND s.ozg_leistung_id IN (SELECT o.id FROM themenfeld tf "
			 "JOIN lage l ON l.themenfeld_id = tf.id JOIN ozg_leistung o "
			 "ON o.lage_id = l.id WHERE tf.slug = $%d) ",
			 i);
	}
	if (f->lage) {
		int i = param(qy, DB_TEXT(f->lage));

		buf_addf(&qy->sql,
			 "AND s.ozg_leistung_id IN (SELECT o.id FROM lage l JOIN ozg_leistung o "
			 "ON o.lage_id = l.id WHERE l.slug = $%d) ",
			 i);
	}
	if (f->letter) {
		int i = param(qy, DB_TEXT(arena_printf(a, "%c", f->letter)));

		buf_addf(&qy->sql, "AND upper(substr(s.title, 1, 1)) = $%d ", i);
	}
	if (f->q && f->q[0]) {
		int i = param(qy, DB_TEXT(arena_printf(a, "%%%s%%", f->q)));

		buf_addf(&qy->sql,
			 "AND (lower(s.title) LIKE $%d OR EXISTS (SELECT 1 FROM service_synonym sy "
			 "WHERE sy.leika = s.leika AND lower(sy.term) LIKE $%d)) ",
			 i, i);
	}
}

static int
count(struct db *db, const struct tenant *t, const struct svc_filter *f, struct arena *a,
      int64_t *total, struct err *e)
{
	struct query qy = {0};
	int rc;

	buf_init(&qy.sql, 4096);
	buf_adds(&qy.sql, "SELECT count(*) ");
	build(&qy, t, f, a, true);
	rc = db_int64_args(db, e, total, qy.sql.p, qy.args, (size_t)qy.n);
	buf_release(&qy.sql);
	return rc;
}

struct item_rows {
	struct arena *a;
	struct svc_item *v;
	size_t n, cap, max;
};

/* The array grows with the rows: a large limit (the sitemap's) costs nothing in advance. */
static int
read_item(struct db_stmt *st, void *ctx, struct err *e)
{
	struct item_rows *r = ctx;
	struct svc_item *it;

	if (r->n == r->max)
		return 0;
	r->v = arena_grow(r->a, r->v, r->n, &r->cap, sizeof(*r->v));
	it = &r->v[r->n];
	db_cols_dup(st, 0, r->a, &it->leika, &it->title, &it->slug, &it->short_text, &it->level);
	r->n++;
	return 0;
}

/* ORDER BY s.title, s.leika: both compared byte by byte, as SQLite's BINARY collation does. */
static int
by_title(const void *x, const void *y)
{
	const struct svc_item *a = x, *b = y;
	int c = strcmp(a->title, b->title);

	return c ? c : strcmp(a->leika, b->leika);
}

int
svc_list(struct db *db, const struct tenant *t, const struct svc_filter *f, struct arena *a,
	 struct svc_item **out, size_t *n, int64_t *total, struct err *e)
{
	struct query qy = {0};
	struct item_rows r = {.a = a, .max = f->limit > 0 ? (size_t)f->limit : 0};
	/*
	 * A topic's few services come unordered from its OZG-Leistungen and
	 * are sorted here: cheaper than SQLite's sorter, which copies each
	 * row with its text once more.
	 */
	bool sort_here = (f->themenfeld || f->lage) && f->offset == 0;
	int rc = total ? count(db, t, f, a, total, e) : 0;

	*n = 0;
	if (rc)
		return rc;
	buf_init(&qy.sql, 4096);
	buf_adds(&qy.sql,
		 f->no_text && !f->described_only
			 ? "SELECT s.leika, s.title, s.slug, '', s.level "
			 : "SELECT s.leika, s.title, s.slug, COALESCE(st.body, ''), s.level ");
	build(&qy, t, f, a, false);
	if (sort_here) {
		r.max = SIZE_MAX;
	} else {
		buf_addf(&qy.sql, "ORDER BY s.title, s.leika LIMIT $%d OFFSET $%d", qy.n + 1,
			 qy.n + 2);
		param(&qy, DB_INT(f->limit));
		param(&qy, DB_INT(f->offset));
	}
	rc = db_each_args(db, e, qy.sql.p, read_item, &r, qy.args, (size_t)qy.n);
	buf_release(&qy.sql);
	if (sort_here && r.n) {
		qsort(r.v, r.n, sizeof(*r.v), by_title);
		if (f->limit > 0 && r.n > (size_t)f->limit)
			r.n = (size_t)f->limit;
	}
	*out = r.v ? r.v : arena_calloc(a, 1, sizeof(**out));
	*n = r.n;
	return rc;
}

struct svc_row {
	struct arena *a;
	struct svc *s;
};

static void
read_head(struct db_stmt *st, struct arena *a, void *row)
{
	struct svc *s = row;

	db_cols_dup(st, 0, a, &s->leika, &s->title, &s->slug, &s->leika_name, &s->objekt,
		    &s->verrichtung, &s->typisierung, &s->level, &s->reviewed, &s->online_url,
		    &s->ozg_id, &s->ozg_name, &s->lage_slug, &s->lage_name, &s->lage_kind,
		    &s->themenfeld_slug, &s->themenfeld_name);
}

/* The shared columns of one service; the tenant's online service comes with its layer. */
static int
load_shared_head(struct db *db, const char *leika, struct arena *a, struct svc *s, struct err *e)
{
	static const char sql[] =
		"SELECT s.leika, s.title, s.slug, s.leika_name, s.objekt, s.verrichtung, "
		"s.typisierung, s.level, s.reviewed, '', COALESCE(o.ozg_id, ''), "
		"COALESCE(o.name, ''), COALESCE(l.slug, ''), COALESCE(l.name, ''), "
		"COALESCE(l.kind, ''), COALESCE(tf.slug, ''), COALESCE(tf.name, '') FROM service s "
		"LEFT JOIN ozg_leistung o ON o.id = s.ozg_leistung_id "
		"LEFT JOIN lage l ON l.id = o.lage_id "
		"LEFT JOIN themenfeld tf ON tf.id = l.themenfeld_id WHERE s.leika = $1";
	int rc = db_get(db, e, sql, a, read_head, s, DB_TEXT(leika));

	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_NOTFOUND, "error.404.text", "no service '%s'", leika);
	return rc;
}

/* A text row's module, body and mode from column `col` on: 'append' adds a paragraph. */
static void
apply_text(struct db_stmt *st, int col, struct svc_row *r)
{
	enum svc_module m;
	const char *body = db_col_text(st, col + 1), *mode = db_col_text(st, col + 2);

	if (svc_module_parse(db_col_text(st, col), &m))
		return;
	if (strcmp(mode, "append") == 0 && r->s->text[m][0])
		r->s->text[m] = arena_printf(r->a, "%s\n\n%s", r->s->text[m], body);
	else
		r->s->text[m] = arena_strdup(r->a, body);
}

static int
read_text(struct db_stmt *st, void *ctx, struct err *e)
{
	(void)e;
	apply_text(st, 0, ctx);
	return 0;
}

static int
load_shared_texts(struct db *db, struct arena *a, struct svc *s, struct err *e)
{
	static const char sql[] = "SELECT module, body, '' FROM service_text WHERE leika = $1";
	struct svc_row r = {a, s};

	for (int i = 0; i < SVC_N_MODULES; i++)
		s->text[i] = "";
	return db_each(db, e, sql, read_text, &r, DB_TEXT(s->leika));
}

/* The tenant's layer on top: whether it offers the service, its online service, its texts. */
struct layer_rows {
	struct svc_row text;
	bool offered;
};

static int
read_layer(struct db_stmt *st, void *ctx, struct err *e)
{
	struct layer_rows *r = ctx;

	(void)e;
	if (db_col_int64(st, 0) == 0) {
		r->offered = true;
		r->text.s->online_url = db_col_dup(st, 2, r->text.a);
	} else {
		apply_text(st, 1, &r->text);
	}
	return 0;
}

int
svc_tenant_layer(struct db *db, const struct tenant *t, struct svc *s, struct arena *a,
		 struct err *e)
{
	/* 'append' adds a paragraph to the shared text, 'replace' wins: in this order. */
	static const char sql[] = "SELECT 0, '', ts.online_url, '' FROM tenant_service ts "
				  "WHERE ts.tenant_id = $1 AND ts.leika = $2 AND " SVC_VISIBLE " "
				  "UNION ALL SELECT 1, module, body, mode FROM tenant_service_text "
				  "WHERE tenant_id = $1 AND leika = $2 ORDER BY 1, 4";
	struct layer_rows r = {{a, s}, false};
	int rc = db_each(db, e, sql, read_layer, &r, DB_INT(t->id), DB_TEXT(s->leika));

	if (rc == 0 && !r.offered)
		rc = err_set(e, ERR_NOTFOUND, "error.404.text", "tenant '%s' offers no '%s'",
			     t->slug, s->leika);
	return rc;
}

/* The legal basis, the sources and the synonyms of one service, as they come. */
struct link_rows {
	struct arena *a;
	struct svc_link *v[3];
	size_t n[3], cap[3];
};

static int
read_link(struct db_stmt *st, void *ctx, struct err *e)
{
	struct link_rows *r = ctx;
	int64_t k = db_col_int64(st, 0);
	struct svc_link *l;

	(void)e;
	if (k < 0 || k > 2)
		return 0;
	r->v[k] = arena_grow(r->a, r->v[k], r->n[k], &r->cap[k], sizeof(*r->v[k]));
	l = &r->v[k][r->n[k]++];
	db_cols_dup(st, 1, r->a, &l->title, &l->url);
	return 0;
}

/* One statement instead of three: each is a round trip to PostgreSQL. */
static int
load_links(struct db *db, struct arena *a, struct svc *s, struct err *e)
{
	static const char sql[] =
		"SELECT 0, title, url, pos FROM service_legal WHERE leika = $1 "
		"UNION ALL SELECT 1, CASE WHEN title = '' THEN url ELSE title END, url, pos "
		"FROM service_source WHERE leika = $1 "
		"UNION ALL SELECT 2, term, '', 0 FROM service_synonym WHERE leika = $1 "
		"ORDER BY 1, 4, 2";
	struct link_rows r = {.a = a};
	int rc = db_each(db, e, sql, read_link, &r, DB_TEXT(s->leika));

	if (rc)
		return rc;
	s->legal = r.v[0];
	s->n_legal = r.n[0];
	s->sources = r.v[1];
	s->n_sources = r.n[1];
	s->n_synonyms = r.n[2];
	s->synonyms = arena_alloc(a, (s->n_synonyms + 1) * sizeof(*s->synonyms));
	for (size_t i = 0; i < s->n_synonyms; i++)
		s->synonyms[i] = r.v[2][i].title;
	return 0;
}

int
svc_shared_load(struct db *db, const char *leika, struct arena *a, struct svc *s, struct err *e)
{
	int rc = load_shared_head(db, leika, a, s, e);

	if (rc == 0)
		rc = load_shared_texts(db, a, s, e);
	return rc ? rc : load_links(db, a, s, e);
}

int
svc_find(struct db *db, const struct tenant *t, const char *leika, struct arena *a,
	 struct svc **out, struct err *e)
{
	struct svc *s = arena_calloc(a, 1, sizeof(*s));
	int rc;

	if (!svc_leika_valid(leika))
		return err_set(e, ERR_NOTFOUND, "error.404.text", "'%s' is no LeiKa key", leika);
	rc = svc_shared_load(db, leika, a, s, e);
	if (rc == 0)
		rc = svc_tenant_layer(db, t, s, a, e);
	if (rc)
		return rc;
	*out = s;
	return 0;
}

struct topic_rows {
	struct arena *a;
	struct svc_topic *v;
	size_t n, max;
};

static int
read_topic(struct db_stmt *st, void *ctx, struct err *e)
{
	struct topic_rows *r = ctx;
	struct svc_topic *tp = &r->v[r->n];

	if (r->n == r->max)
		return 0;
	tp->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, r->a, &tp->slug, &tp->name, &tp->kind);
	tp->count = db_col_int64(st, 4);
	r->n++;
	return 0;
}

int
svc_topics(struct db *db, const struct tenant *t, const char *kind, struct arena *a,
	   struct svc_topic **out, size_t *n, struct err *e)
{
	static const char sql[] = "SELECT topic_id, slug, name, kind, services FROM tenant_topic "
				  "WHERE tenant_id = $1 AND kind = $2 ORDER BY name";
	struct topic_rows r = {.a = a, .max = 64};
	int rc;

	*out = r.v = arena_alloc(a, r.max * sizeof(**out));
	rc = db_each(db, e, sql, read_topic, &r, DB_INT(t->id), DB_TEXT(kind));
	*n = rc ? 0 : r.n;
	return rc;
}

int
svc_refresh_topics(struct db *db, const struct tenant *t, struct err *e)
{
	static const char *const sql[] = {
		"DELETE FROM tenant_topic WHERE tenant_id = $1",
		"INSERT INTO tenant_topic (tenant_id, kind, topic_id, slug, name, services) "
		"SELECT $1, 'themenfeld', tf.id, tf.slug, tf.name, count(*) " OFFERED
		"AND tf.id IS NOT NULL GROUP BY tf.id, tf.slug, tf.name",
		"INSERT INTO tenant_topic (tenant_id, kind, topic_id, slug, name, services) "
		"SELECT $1, l.kind, l.id, l.slug, l.name, count(*) " OFFERED
		"AND l.id IS NOT NULL GROUP BY l.id, l.kind, l.slug, l.name",
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++)
		rc = db_run(db, e, sql[i], DB_INT(t->id));
	return rc;
}
