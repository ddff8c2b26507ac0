/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Storage of the search: a tenant's own synonyms (import from TSV), and the
 * database's own full-text search as the baseline measurements compare with.
 */
#include "features/search/search_int.h"

#include "core/buf.h"
#include "db/db.h"
#include "features/catalog/svc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define SYNONYM_LINE_MAX 1024

static int
insert(struct db *db, const struct tenant *t, const char *term, const char *words, struct err *e)
{
	static const char sql[] =
		"INSERT INTO search_synonym (tenant_id, term, words, updated_at) "
		"VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, term) DO UPDATE SET "
		"words = excluded.words, updated_at = excluded.updated_at";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, term);
	db_bind_text(st, 3, words);
	db_bind_int64(st, 4, (int64_t)time(NULL));
	rc = db_step(st, e);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

static int
clear(struct db *db, const struct tenant *t, struct err *e)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, "DELETE FROM search_synonym WHERE tenant_id = $1", &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	rc = db_step(st, e);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

/* One line "term<TAB>word[,word...]" checked; 0 or ERR_INVALID. */
static int
parse_line(char *line, int no, char **term, char **words, struct err *e)
{
	char *tab = strchr(line, '\t');

	if (!str_valid_text(str_c(line)))
		return err_set(e, ERR_INVALID, "search.synonyms_bad_text",
			       "line %d: not UTF-8 text", no);
	if (!tab || tab == line || !tab[1] || strchr(tab + 1, '\t'))
		return err_set(e, ERR_INVALID, "search.synonyms_bad_line",
			       "line %d: expected term<TAB>word[,word...]", no);
	*tab = 0;
	*term = line;
	*words = tab + 1;
	return 0;
}

int
search_synonyms_save(struct db *db, const struct tenant *t, const char *text, size_t len, int *n,
		     int *line_no, struct err *e)
{
	const char *p = text, *end = text + len;
	char line[SYNONYM_LINE_MAX + 1];
	int rc, no = 0;

	*n = 0;
	*line_no = 0;
	rc = db_begin(db, e);
	if (rc == 0)
		rc = clear(db, t, e);
	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)((nl ? nl : end) - p);
		char *term = NULL, *words = NULL;

		no++;
		while (ll && p[ll - 1] == '\r')
			ll--;
		if (ll > SYNONYM_LINE_MAX) {
			rc = err_set(e, ERR_INVALID, "search.synonyms_long_line",
				     "line %d: longer than %d bytes", no, SYNONYM_LINE_MAX);
		} else if (ll && p[0] != '#') {
			memcpy(line, p, ll);
			line[ll] = 0;
			rc = parse_line(line, no, &term, &words, e);
			if (rc == 0)
				rc = insert(db, t, term, words, e);
			if (rc == 0)
				(*n)++;
		}
		p = nl ? nl + 1 : end;
	}
	if (rc) {
		*line_no = no;
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
}

int
search_synonyms_import(struct db *db, const struct tenant *t, const char *path, int *n,
		       struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t got;
	int rc = 0, line_no;

	*n = 0;
	if (!f)
		return err_set(e, ERR_IO, NULL, "cannot open '%s'", path);
	buf_init(&b, SYNONYMS_MAX);
	while (rc == 0 && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, got))
			rc = err_set(e, ERR_INVALID, NULL, "%s: larger than %d bytes", path,
				     SYNONYMS_MAX);
	fclose(f);
	if (rc == 0)
		rc = search_synonyms_save(db, t, b.p ? b.p : "", b.len, n, &line_no, e);
	if (rc == ERR_INVALID && line_no)
		err_set(e, ERR_INVALID, e->user, "%s:%d: %s", path, line_no,
			e->user && strcmp(e->user, "search.synonyms_long_line") == 0
				? "line too long"
				: "expected term<TAB>word[,word...] in UTF-8");
	buf_release(&b);
	return rc;
}

int
search_synonyms_text(struct db *db, const struct tenant *t, struct arena *a, const char **out,
		     struct err *e)
{
	struct db_stmt *st = NULL;
	struct buf b;
	int rc = db_prepare(db,
			    "SELECT term, words FROM search_synonym WHERE tenant_id = $1 "
			    "ORDER BY term",
			    &st, e);

	*out = "";
	if (rc)
		return rc;
	buf_init(&b, 4 * SYNONYMS_MAX);
	db_bind_int64(st, 1, t->id);
	while ((rc = db_step(st, e)) == DB_ROW)
		buf_addf(&b, "%s\t%s\n", db_col_text(st, 0), db_col_text(st, 1));
	db_finalize(st);
	if (b.p)
		*out = arena_strdup(a, b.p);
	buf_release(&b);
	return rc == DB_DONE ? 0 : rc;
}

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
search_baseline(struct db *db, const struct tenant *t, const char *query, size_t limit,
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
