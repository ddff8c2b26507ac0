/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Building a scope's index: every feature's search source adds its
 * documents to the feed, then the search adds its own synonyms (the data
 * file and the tenant's rows) and finishes the index.
 */
#include "features/search/search_int.h"

#include "app/feature.h"
#include "core/buf.h"
#include "core/file.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNIPPET_MAX 600 /* bytes of text kept per document for snippets */

struct search_feed {
	struct search_index *ix;
	struct db *db;
	const struct tenant *t;
};

const struct tenant *
search_feed_tenant(const struct search_feed *f)
{
	return f->t;
}

int
search_feed_run(struct search_feed *f, const char *sql,
		void (*row)(struct search_feed *f, struct db_stmt *st), struct err *e)
{
	struct db_stmt *st = NULL;
	bool net = f->t->kind == TENANT_NETWORK;
	int rc = db_prepare(f->db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, f->t->id);
	db_bind_int64(st, 2, net ? f->t->id : -1);
	db_bind_int64(st, 3, net && f->t->parent_id ? f->t->parent_id : -1);
	while ((rc = db_step(st, e)) == DB_ROW)
		row(f, st);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

uint32_t
search_feed_doc(struct search_feed *f, enum search_kind kind, const char *id, const char *title,
		const char *url, const char *tenant)
{
	return search_ix_doc(f->ix, kind, id, title, url, tenant);
}

void
search_feed_page(struct search_feed *f, const char *path, const char *title, const char *words)
{
	uint32_t d = search_ix_doc(f->ix, SEARCH_PAGE, path, title, path, f->t->slug);

	search_ix_text(f->ix, d, SEARCH_F_TITLE, title);
	search_ix_text(f->ix, d, SEARCH_F_KEYWORD, words);
}

bool
search_feed_find(const struct search_feed *f, const char *id, uint32_t *doc)
{
	return search_map_get(&f->ix->by_id, id, doc);
}

void
search_feed_text(struct search_feed *f, uint32_t doc, enum search_field field, const char *text)
{
	search_ix_text(f->ix, doc, field, text);
}

/* Markdown as plain text for a snippet: marks and link targets dropped. */
static const char *
plain(struct arena *a, const char *md)
{
	size_t n = strlen(md);
	char *out = arena_alloc(a, (n < SNIPPET_MAX ? n : SNIPPET_MAX) + 1), *o = out;

	for (const char *p = md; *p && o - out < SNIPPET_MAX; p++) {
		if (p[0] == ']' && p[1] == '(') {
			const char *close = strchr(p, ')');

			if (close) {
				p = close;
				continue;
			}
		}
		if (strchr("*_#>[]`|", *p))
			continue;
		*o++ = *p == '\n' ? ' ' : *p;
	}
	/* Do not end inside a UTF-8 sequence. */
	while (o > out && ((unsigned char)o[-1] & 0xC0) == 0x80)
		o--;
	if (o > out && ((unsigned char)o[-1] & 0xC0) == 0xC0)
		o--;
	*o = 0;
	return out;
}

void
search_feed_snippet(struct search_feed *f, uint32_t doc, const char *text, bool markdown)
{
	f->ix->docs[doc].snippet =
		markdown ? plain(&f->ix->mem, text) : arena_strdup(&f->ix->mem, text);
}

static void
tenant_synonym_row(struct search_feed *f, struct db_stmt *st)
{
	char *line = arena_printf(&f->ix->mem, "%s\t%s", db_col_text(st, 0), db_col_text(st, 1));

	search_ix_synonyms(f->ix, line, strlen(line));
}

static int
read_synonyms(struct search_index *ix, const char *path, struct err *e)
{
	char *text = NULL;
	size_t n = 0;
	int rc = file_read(path, 4u << 20, &text, &n, e);

	if (rc == 0)
		search_ix_synonyms(ix, text, n);
	free(text);
	return rc;
}

int
search_index_load(struct db *db, const struct tenant *t, const char *synonyms,
		  struct search_index **out, struct err *e)
{
	static const char tenant_synonyms[] =
		"SELECT term, words FROM search_synonym WHERE tenant_id = $1";
	struct search_feed f = {search_ix_new(), db, t};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < features_n; i++)
		if (features[i]->search)
			rc = features[i]->search->load(&f, e);
	if (rc == 0)
		rc = search_feed_run(&f, tenant_synonyms, tenant_synonym_row, e);
	if (rc == 0 && synonyms)
		rc = read_synonyms(f.ix, synonyms, e);
	if (rc) {
		search_index_free(f.ix);
		return rc;
	}
	search_ix_finish(f.ix);
	*out = f.ix;
	return 0;
}
