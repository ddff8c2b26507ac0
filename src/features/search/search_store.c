/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Storage of the search: a tenant's own synonyms (import from TSV).
 */
#include "features/search/search_int.h"

#include "core/buf.h"
#include "core/file.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
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

	return db_run(db, e, sql, DB_INT(t->id), DB_TEXT(term), DB_TEXT(words),
		      DB_INT((int64_t)time(NULL)));
}

static int
clear(struct db *db, const struct tenant *t, struct err *e)
{
	return db_run(db, e, "DELETE FROM search_synonym WHERE tenant_id = $1", DB_INT(t->id));
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
	char *text = NULL;
	size_t len = 0;
	int rc = file_read(path, SYNONYMS_MAX, &text, &len, e), line_no = 0;

	*n = 0;
	if (rc == 0)
		rc = search_synonyms_save(db, t, text, len, n, &line_no, e);
	if (rc == ERR_INVALID && line_no)
		err_set(e, ERR_INVALID, e->user, "%s:%d: %s", path, line_no,
			e->user && strcmp(e->user, "search.synonyms_long_line") == 0
				? "line too long"
				: "expected term<TAB>word[,word...] in UTF-8");
	free(text);
	return rc;
}

static int
add_line(struct db_stmt *st, void *ctx, struct err *e)
{
	(void)e;
	buf_addf(ctx, "%s\t%s\n", db_col_text(st, 0), db_col_text(st, 1));
	return 0;
}

int
search_synonyms_text(struct db *db, const struct tenant *t, struct arena *a, const char **out,
		     struct err *e)
{
	struct buf b;
	int rc;

	buf_init(&b, 4 * SYNONYMS_MAX);
	rc = db_each(db, e,
		     "SELECT term, words FROM search_synonym WHERE tenant_id = $1 "
		     "ORDER BY term",
		     add_line, &b, DB_INT(t->id));
	*out = b.p ? arena_strdup(a, b.p) : "";
	buf_release(&b);
	return rc;
}
