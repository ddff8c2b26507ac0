/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The database's own full-text search over the catalogue: the baseline that
 * measurements of the citizen search (rathaus search-eval --baseline)
 * compare with.
 */
#include "features/catalog/svc.h"

#include "db/db.h"
#include "features/search/search.h"

#include <string.h>

/* The baseline's query on PostgreSQL: the texts as one german tsvector. */
static const char pg_sql[] =
	"SELECT s.leika FROM tenant_service ts JOIN service s ON s.leika = ts.leika "
	"JOIN tenant tn ON tn.id = ts.tenant_id, plainto_tsquery('german', $4) q, "
	"LATERAL (SELECT to_tsvector('german', s.title || ' ' || s.leika_name || ' ' || "
	"COALESCE((SELECT string_agg(term, ' ') FROM service_synonym sy WHERE sy.leika = s.leika), "
	"'') || ' ' || COALESCE((SELECT string_agg(body, ' ') FROM service_text x "
	"WHERE x.leika = s.leika), '')) AS v) d "
	"WHERE (ts.tenant_id = $1 OR tn.parent_id = $2 OR ts.tenant_id = $3) AND " SVC_VISIBLE
	" AND d.v @@ q GROUP BY s.leika, d.v, q ORDER BY max(ts_rank(d.v, q)) DESC, s.leika "
	"LIMIT $5";

/* On SQLite: a temporary FTS5 table (unicode61, diacritics removed) per connection. */
static const char fts_create[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.baseline USING fts5(leika UNINDEXED, body, "
	"tokenize = 'unicode61 remove_diacritics 2')";
static const char fts_fill[] =
	"INSERT INTO temp.baseline (leika, body) SELECT s.leika, s.title || ' ' || s.leika_name || "
	"' ' || COALESCE((SELECT group_concat(term, ' ') FROM service_synonym sy "
	"WHERE sy.leika = s.leika), '') || ' ' || COALESCE((SELECT group_concat(body, ' ') "
	"FROM service_text x WHERE x.leika = s.leika), '') FROM service s "
	"WHERE NOT EXISTS (SELECT 1 FROM temp.baseline)";
static const char fts_sql[] =
	"SELECT b.leika FROM temp.baseline b JOIN tenant_service ts ON ts.leika = b.leika "
	"JOIN tenant tn ON tn.id = ts.tenant_id WHERE baseline MATCH $4 AND "
	"(ts.tenant_id = $1 OR tn.parent_id = $2 OR ts.tenant_id = $3) AND " SVC_VISIBLE
	" GROUP BY b.leika ORDER BY min(b.rank), b.leika LIMIT $5";

static int
exec_step(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	rc = db_step(st, e);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

/* Words as an FTS5 query of quoted terms (all must match): no operator gets through. */
static const char *
fts_query(const char *query, struct arena *a)
{
	struct search_word *w;
	size_t n = search_words(query, strlen(query), SEARCH_WORDS_MAX, a, &w);
	const char *q = "";

	for (size_t i = 0; i < n; i++)
		q = arena_printf(a, "%s%s\"%s\"", q, i ? " " : "", w[i].lower);
	return q;
}

int
svc_fts_baseline(struct db *db, const struct tenant *t, const char *query, size_t limit,
		 struct arena *a, const char ***keys, size_t *n, const char **name, struct err *e)
{
	bool pg = db_dialect(db) == DB_PG, net = t->kind == TENANT_NETWORK;
	struct db_stmt *st = NULL;
	const char *q = query;
	int rc = 0;

	*n = 0;
	*keys = arena_calloc(a, limit + 1, sizeof(**keys));
	*name = pg ? "PostgreSQL to_tsvector('german') @@ plainto_tsquery, ts_rank"
		   : "SQLite FTS5 unicode61 MATCH (all words), bm25";
	if (!pg) {
		rc = exec_step(db, fts_create, e);
		if (rc == 0)
			rc = exec_step(db, fts_fill, e);
		q = fts_query(query, a);
		if (!q[0])
			return rc;
	}
	if (rc == 0)
		rc = db_prepare(db, pg ? pg_sql : fts_sql, &st, e);
	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_int64(st, 2, net ? t->id : -1);
	db_bind_int64(st, 3, net && t->parent_id ? t->parent_id : -1);
	db_bind_text(st, 4, q);
	db_bind_int64(st, 5, (int64_t)limit);
	while ((rc = db_step(st, e)) == DB_ROW && *n < limit)
		(*keys)[(*n)++] = arena_strdup(a, db_col_text(st, 0));
	db_finalize(st);
	return rc == DB_DONE || rc == DB_ROW ? 0 : rc;
}
