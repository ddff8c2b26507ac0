/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reading the catalogue as one tenant offers it: lists with filters, one
 * service with its shared texts overlaid by the tenant's own, and the
 * taxonomy with counts.  Every query is bound to the tenant's id.
 */
#include "features/catalog/svc.h"

#include "core/buf.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

/* The tenant's published services and where they sit in the taxonomy. */
#define OFFERED                                                                                    \
	"FROM tenant_service ts JOIN service s ON s.leika = ts.leika "                             \
	"LEFT JOIN ozg_leistung o ON o.id = s.ozg_leistung_id "                                    \
	"LEFT JOIN lage l ON l.id = o.lage_id "                                                    \
	"LEFT JOIN themenfeld tf ON tf.id = l.themenfeld_id "                                      \
	"WHERE ts.tenant_id = $1 AND " SVC_VISIBLE " "

static const char *
dup(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strdup(a, db_col_text(st, i));
}

/*
 * A list query for filter `f` with only the joins and conditions the filter
 * needs, so the common cases use the indexes.  PostgreSQL wants every
 * parameter it is given to appear, so they are numbered as they are used.
 */
struct query {
	struct buf sql;
	const char *text[8]; /* parameter values by number - 1; [0] is the tenant id's place */
	int n;
};

/* Record a parameter; returns its number. */
static int
param(struct query *qy, const char *value)
{
	qy->text[qy->n++] = value;
	return qy->n;
}

static void
build(struct query *qy, const struct svc_filter *f, struct arena *a, bool for_count)
{
	bool topic = f->themenfeld || f->lage;

	qy->n = 1; /* $1 is the tenant */
	buf_adds(&qy->sql, "FROM tenant_service ts ");
	/* Counting every offered service needs no service row: the key references one. */
	if (!for_count || topic || f->described_only || f->letter || (f->q && f->q[0]))
		buf_adds(&qy->sql, "JOIN service s ON s.leika = ts.leika ");
	if (topic)
		buf_adds(&qy->sql, "JOIN ozg_leistung o ON o.id = s.ozg_leistung_id "
				   "JOIN lage l ON l.id = o.lage_id "
				   "JOIN themenfeld tf ON tf.id = l.themenfeld_id ");
	if (f->described_only)
		buf_adds(&qy->sql, "JOIN service_text st ON st.leika = s.leika AND "
				   "st.module = 'short' ");
	else if (!for_count)
		buf_adds(&qy->sql, "LEFT JOIN service_text st ON st.leika = s.leika AND "
				   "st.module = 'short' ");
	buf_adds(&qy->sql, "WHERE ts.tenant_id = $1 AND " SVC_VISIBLE " ");
	if (f->themenfeld) {
		int i = param(qy, f->themenfeld);

		buf_addf(&qy->sql, "AND tf.slug = $%d ", i);
	}
	if (f->lage) {
		int i = param(qy, f->lage);

		buf_addf(&qy->sql, "AND l.slug = $%d ", i);
	}
	if (f->letter) {
		int i = param(qy, arena_printf(a, "%c", f->letter));

		buf_addf(&qy->sql, "AND upper(substr(s.title, 1, 1)) = $%d ", i);
	}
	if (f->q && f->q[0]) {
		int i = param(qy, arena_printf(a, "%%%s%%", f->q));

		buf_addf(&qy->sql,
			 "AND (lower(s.title) LIKE $%d OR EXISTS (SELECT 1 FROM service_synonym sy "
			 "WHERE sy.leika = s.leika AND lower(sy.term) LIKE $%d)) ",
			 i, i);
	}
}

static void
bind_query(struct db_stmt *st, const struct tenant *t, const struct query *qy)
{
	db_bind_int64(st, 1, t->id);
	for (int i = 1; i < qy->n; i++)
		db_bind_text(st, i + 1, qy->text[i]);
}

static int
count(struct db *db, const struct tenant *t, const struct svc_filter *f, struct arena *a,
      int64_t *total, struct err *e)
{
	struct query qy = {0};
	struct db_stmt *st = NULL;
	int rc;

	buf_init(&qy.sql, 4096);
	buf_adds(&qy.sql, "SELECT count(*) ");
	build(&qy, f, a, true);
	rc = db_prepare(db, qy.sql.p, &st, e);
	buf_release(&qy.sql);
	if (rc)
		return rc;
	bind_query(st, t, &qy);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*total = db_col_int64(st, 0);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

int
svc_list(struct db *db, const struct tenant *t, const struct svc_filter *f, struct arena *a,
	 struct svc_item **out, size_t *n, int64_t *total, struct err *e)
{
	struct query qy = {0};
	struct db_stmt *st = NULL;
	int rc = total ? count(db, t, f, a, total, e) : 0;

	*n = 0;
	if (rc)
		return rc;
	*out = arena_calloc(a, f->limit > 0 ? (size_t)f->limit : 1, sizeof(**out));
	buf_init(&qy.sql, 4096);
	buf_adds(&qy.sql, "SELECT s.leika, s.title, s.slug, COALESCE(st.body, ''), s.level ");
	build(&qy, f, a, false);
	buf_addf(&qy.sql, "ORDER BY s.title, s.leika LIMIT $%d OFFSET $%d", qy.n + 1, qy.n + 2);
	rc = db_prepare(db, qy.sql.p, &st, e);
	buf_release(&qy.sql);
	if (rc)
		return rc;
	bind_query(st, t, &qy);
	db_bind_int64(st, qy.n + 1, f->limit);
	db_bind_int64(st, qy.n + 2, f->offset);
	while ((rc = db_step(st, e)) == DB_ROW && *n < (size_t)f->limit) {
		struct svc_item *it = &(*out)[(*n)++];

		it->leika = dup(a, st, 0);
		it->title = dup(a, st, 1);
		it->slug = dup(a, st, 2);
		it->short_text = dup(a, st, 3);
		it->level = dup(a, st, 4);
	}
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}

static int
load_head(struct db *db, const struct tenant *t, const char *leika, struct arena *a, struct svc *s,
	  struct err *e)
{
	static const char sql[] =
		"SELECT s.leika, s.title, s.slug, s.leika_name, s.objekt, s.verrichtung, "
		"s.typisierung, s.level, s.reviewed, ts.online_url, COALESCE(o.ozg_id, ''), "
		"COALESCE(o.name, ''), COALESCE(l.slug, ''), COALESCE(l.name, ''), "
		"COALESCE(l.kind, ''), COALESCE(tf.slug, ''), COALESCE(tf.name, '') " OFFERED
		"AND s.leika = $2";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, leika);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		const char **f[] = {&s->leika,		 &s->title,	     &s->slug,
				    &s->leika_name,	 &s->objekt,	     &s->verrichtung,
				    &s->typisierung,	 &s->level,	     &s->reviewed,
				    &s->online_url,	 &s->ozg_id,	     &s->ozg_name,
				    &s->lage_slug,	 &s->lage_name,	     &s->lage_kind,
				    &s->themenfeld_slug, &s->themenfeld_name};

		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			*f[i] = dup(a, st, (int)i);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOTFOUND, "error.404.text", "tenant '%s' offers no '%s'",
			     t->slug, leika);
	}
	db_finalize(st);
	return rc;
}

/* Shared texts, then the tenant's: 'append' adds a paragraph, 'replace' wins. */
static int
load_texts(struct db *db, const struct tenant *t, struct arena *a, struct svc *s, struct err *e)
{
	static const char sql[] = "SELECT module, body, '' FROM service_text WHERE leika = $2 "
				  "UNION ALL SELECT module, body, mode FROM tenant_service_text "
				  "WHERE tenant_id = $1 AND leika = $2 ORDER BY 3";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	for (int i = 0; i < SVC_N_MODULES; i++)
		s->text[i] = "";
	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, s->leika);
	while ((rc = db_step(st, e)) == DB_ROW) {
		enum svc_module m;
		const char *body = db_col_text(st, 1), *mode = db_col_text(st, 2);

		if (svc_module_parse(db_col_text(st, 0), &m))
			continue;
		if (strcmp(mode, "append") == 0 && s->text[m][0])
			s->text[m] = arena_printf(a, "%s\n\n%s", s->text[m], body);
		else
			s->text[m] = arena_strdup(a, body);
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

static int
load_links(struct db *db, const char *sql, const char *leika, struct arena *a,
	   struct svc_link **out, size_t *n, struct err *e)
{
	struct db_stmt *st = NULL;
	size_t cap = 0;
	int rc = db_prepare(db, sql, &st, e);

	*n = 0;
	*out = NULL;
	if (rc)
		return rc;
	db_bind_text(st, 1, leika);
	while ((rc = db_step(st, e)) == DB_ROW) {
		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		(*out)[*n].title = dup(a, st, 0);
		(*out)[(*n)++].url = dup(a, st, 1);
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

int
svc_find(struct db *db, const struct tenant *t, const char *leika, struct arena *a,
	 struct svc **out, struct err *e)
{
	static const char legal_sql[] =
		"SELECT title, url FROM service_legal WHERE leika = $1 ORDER BY pos";
	static const char source_sql[] =
		"SELECT CASE WHEN title = '' THEN url ELSE title END, url FROM service_source "
		"WHERE leika = $1 ORDER BY pos";
	static const char synonym_sql[] =
		"SELECT term, '' FROM service_synonym WHERE leika = $1 ORDER BY term";
	struct svc *s = arena_calloc(a, 1, sizeof(*s));
	struct svc_link *syn = NULL;
	int rc;

	if (!svc_leika_valid(leika))
		return err_set(e, ERR_NOTFOUND, "error.404.text", "'%s' is no LeiKa key", leika);
	rc = load_head(db, t, leika, a, s, e);
	if (rc == 0)
		rc = load_texts(db, t, a, s, e);
	if (rc == 0)
		rc = load_links(db, legal_sql, leika, a, &s->legal, &s->n_legal, e);
	if (rc == 0)
		rc = load_links(db, source_sql, leika, a, &s->sources, &s->n_sources, e);
	if (rc == 0)
		rc = load_links(db, synonym_sql, leika, a, &syn, &s->n_synonyms, e);
	if (rc)
		return rc;
	s->synonyms = arena_alloc(a, (s->n_synonyms + 1) * sizeof(*s->synonyms));
	for (size_t i = 0; i < s->n_synonyms; i++)
		s->synonyms[i] = syn[i].title;
	*out = s;
	return 0;
}

int
svc_topics(struct db *db, const struct tenant *t, const char *kind, struct arena *a,
	   struct svc_topic **out, size_t *n, struct err *e)
{
	static const char sql[] = "SELECT topic_id, slug, name, kind, services FROM tenant_topic "
				  "WHERE tenant_id = $1 AND kind = $2 ORDER BY name";
	struct db_stmt *st = NULL;
	size_t cap = 64;
	int rc = db_prepare(db, sql, &st, e);

	*n = 0;
	if (rc)
		return rc;
	*out = arena_alloc(a, cap * sizeof(**out));
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, kind);
	while ((rc = db_step(st, e)) == DB_ROW && *n < cap) {
		struct svc_topic *tp = &(*out)[(*n)++];

		tp->id = db_col_int64(st, 0);
		tp->slug = dup(a, st, 1);
		tp->name = dup(a, st, 2);
		tp->kind = dup(a, st, 3);
		tp->count = db_col_int64(st, 4);
	}
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
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

	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct db_stmt *st = NULL;

		rc = db_prepare(db, sql[i], &st, e);
		if (rc)
			break;
		db_bind_int64(st, 1, t->id);
		rc = db_step(st, e);
		db_finalize(st);
		rc = rc == DB_DONE ? 0 : rc;
	}
	return rc;
}

int
svc_topic_find(struct db *db, const struct tenant *t, const char *kind, const char *slug,
	       struct arena *a, struct svc_topic **out, struct err *e)
{
	struct svc_topic *all;
	size_t n;
	int rc = svc_topics(db, t, kind, a, &all, &n, e);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(all[i].slug, slug) == 0) {
			*out = &all[i];
			return 0;
		}
	}
	return err_set(e, ERR_NOTFOUND, "error.404.text", "no %s '%s' at '%s'", kind, slug,
		       t->slug);
}
