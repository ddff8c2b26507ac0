/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A service's authored description as stored: the service row, its text
 * modules, synonyms, legal basis and sources, read and written as a whole.
 * The descriptions import compares against it and the export writes it out,
 * so both see the same shape.  Synonyms are sorted in C, not by ORDER BY, because SQLite and a
 * PostgreSQL locale collate differently and the comparison must not depend
 * on the backend.
 */
#include "features/catalog/svc_int.h"

#include "db/db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *
svc_desc_key(enum svc_module m)
{
	switch (m) {
	case SVC_SHORT:
		return "short_text";
	case SVC_FULL:
		return "full_text";
	default:
		return svc_module_name(m);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t
svc_sort_unique(const char **v, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i], v[k]) != 0)
			v[++k] = v[i];
	return k + 1;
}

bool
svc_desc_authored(const struct svc_desc *d)
{
	if (d->reviewed[0] || d->n_synonyms || d->n_sources)
		return true;
	for (int m = 0; m < SVC_N_MODULES; m++)
		if (d->text[m][0])
			return true;
	return false;
}

static int
load_service(struct db *db, const char *leika, struct arena *a, struct svc_desc *d, struct err *e)
{
	static const char sql[] = "SELECT leika, leika_name, title, slug, level, reviewed FROM "
				  "service WHERE leika = $1";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, leika);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		d->leika = arena_strdup(a, db_col_text(st, 0));
		d->leika_name = arena_strdup(a, db_col_text(st, 1));
		d->title = arena_strdup(a, db_col_text(st, 2));
		d->slug = arena_strdup(a, db_col_text(st, 3));
		d->level = arena_strdup(a, db_col_text(st, 4));
		d->reviewed = arena_strdup(a, db_col_text(st, 5));
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOTFOUND, NULL, "no service '%s'", leika);
	}
	db_finalize(st);
	return rc;
}

static int
load_texts(struct db *db, const char *leika, struct arena *a, struct svc_desc *d, struct err *e)
{
	static const char sql[] = "SELECT module, body FROM service_text WHERE leika = $1";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	for (int m = 0; m < SVC_N_MODULES; m++)
		d->text[m] = "";
	if (rc)
		return rc;
	db_bind_text(st, 1, leika);
	while ((rc = db_step(st, e)) == DB_ROW) {
		enum svc_module m;

		/* A module this version does not know is left alone. */
		if (svc_module_parse(db_col_text(st, 0), &m) == 0)
			d->text[m] = arena_strdup(a, db_col_text(st, 1));
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

static int
load_synonyms(struct db *db, const char *leika, struct arena *a, struct svc_desc *d, struct err *e)
{
	static const char sql[] = "SELECT term FROM service_synonym WHERE leika = $1";
	struct db_stmt *st = NULL;
	size_t cap = 0, n = 0;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, leika);
	while ((rc = db_step(st, e)) == DB_ROW) {
		d->synonyms = arena_grow(a, d->synonyms, n, &cap, sizeof(*d->synonyms));
		d->synonyms[n++] = arena_strdup(a, db_col_text(st, 0));
	}
	db_finalize(st);
	d->n_synonyms = svc_sort_unique(d->synonyms, n);
	return rc == DB_DONE ? 0 : rc;
}

static int
load_legal(struct db *db, const char *leika, struct arena *a, struct svc_desc *d, struct err *e)
{
	static const char sql[] =
		"SELECT title, url FROM service_legal WHERE leika = $1 ORDER BY pos";
	struct db_stmt *st = NULL;
	size_t cap = 0;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, leika);
	while ((rc = db_step(st, e)) == DB_ROW) {
		d->legal = arena_grow(a, d->legal, d->n_legal, &cap, sizeof(*d->legal));
		d->legal[d->n_legal].title = arena_strdup(a, db_col_text(st, 0));
		d->legal[d->n_legal++].url = arena_strdup(a, db_col_text(st, 1));
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

static int
load_sources(struct db *db, const char *leika, struct arena *a, struct svc_desc *d, struct err *e)
{
	static const char sql[] =
		"SELECT url, title, checked FROM service_source WHERE leika = $1 ORDER BY pos";
	struct db_stmt *st = NULL;
	size_t cap = 0;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, leika);
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct svc_source *s;

		d->sources = arena_grow(a, d->sources, d->n_sources, &cap, sizeof(*d->sources));
		s = &d->sources[d->n_sources++];
		s->url = arena_strdup(a, db_col_text(st, 0));
		s->title = arena_strdup(a, db_col_text(st, 1));
		s->checked = arena_strdup(a, db_col_text(st, 2));
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

int
svc_desc_load(struct db *db, const char *leika, struct arena *a, struct svc_desc *out,
	      struct err *e)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load_service(db, leika, a, out, e);
	if (rc == 0)
		rc = load_texts(db, leika, a, out, e);
	if (rc == 0)
		rc = load_synonyms(db, leika, a, out, e);
	if (rc == 0)
		rc = load_legal(db, leika, a, out, e);
	if (rc == 0)
		rc = load_sources(db, leika, a, out, e);
	return rc;
}

static int
step_done(struct db_stmt *st, struct err *e)
{
	int rc = db_step(st, e);

	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

static int
save_texts(struct db *db, const struct svc_desc *d, const struct svc_desc *old, struct err *e)
{
	static const char delete_sql[] =
		"DELETE FROM service_text WHERE leika = $1 AND module = $2";
	static const char upsert_sql[] =
		"INSERT INTO service_text (leika, module, body) VALUES ($1, $2, $3) "
		"ON CONFLICT (leika, module) DO UPDATE SET body = excluded.body";
	struct db_stmt *st = NULL;
	int rc = 0;

	for (int m = 0; m < SVC_N_MODULES && rc == 0; m++) {
		if (strcmp(d->text[m], old->text[m]) == 0)
			continue;
		rc = db_prepare(db, d->text[m][0] ? upsert_sql : delete_sql, &st, e);
		if (rc)
			break;
		db_bind_text(st, 1, d->leika);
		db_bind_text(st, 2, svc_module_name((enum svc_module)m));
		db_bind_text(st, 3, d->text[m]);
		rc = step_done(st, e);
	}
	return rc;
}

static int
save_synonyms(struct db *db, const struct svc_desc *d, struct err *e)
{
	static const char delete_sql[] = "DELETE FROM service_synonym WHERE leika = $1";
	static const char insert_sql[] =
		"INSERT INTO service_synonym (leika, term) VALUES ($1, $2)";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, delete_sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, d->leika);
	rc = step_done(st, e);
	for (size_t i = 0; i < d->n_synonyms && rc == 0; i++) {
		rc = db_prepare(db, insert_sql, &st, e);
		if (rc)
			break;
		db_bind_text(st, 1, d->leika);
		db_bind_text(st, 2, d->synonyms[i]);
		rc = step_done(st, e);
	}
	return rc;
}

static int
save_sources(struct db *db, const struct svc_desc *d, struct err *e)
{
	static const char delete_sql[] = "DELETE FROM service_source WHERE leika = $1";
	static const char insert_sql[] =
		"INSERT INTO service_source (leika, pos, url, title, checked) "
		"VALUES ($1, $2, $3, $4, $5)";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, delete_sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, d->leika);
	rc = step_done(st, e);
	for (size_t i = 0; i < d->n_sources && rc == 0; i++) {
		rc = db_prepare(db, insert_sql, &st, e);
		if (rc)
			break;
		db_bind_text(st, 1, d->leika);
		db_bind_int64(st, 2, (int64_t)i);
		db_bind_text(st, 3, d->sources[i].url);
		db_bind_text(st, 4, d->sources[i].title);
		db_bind_text(st, 5, d->sources[i].checked);
		rc = step_done(st, e);
	}
	return rc;
}

static int
save_row(struct db *db, const struct svc_desc *d, struct err *e)
{
	static const char sql[] = "UPDATE service SET title = $2, slug = $3, level = $4, "
				  "reviewed = $5, updated_at = $6 WHERE leika = $1";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, d->leika);
	db_bind_text(st, 2, d->title);
	db_bind_text(st, 3, d->slug);
	db_bind_text(st, 4, d->level);
	db_bind_text(st, 5, d->reviewed);
	db_bind_int64(st, 6, (int64_t)time(NULL));
	return step_done(st, e);
}

static bool
same_strings(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static bool
same_sources(const struct svc_desc *a, const struct svc_desc *b)
{
	if (a->n_sources != b->n_sources)
		return false;
	for (size_t i = 0; i < a->n_sources; i++)
		if (strcmp(a->sources[i].url, b->sources[i].url) != 0 ||
		    strcmp(a->sources[i].title, b->sources[i].title) != 0 ||
		    strcmp(a->sources[i].checked, b->sources[i].checked) != 0)
			return false;
	return true;
}

int
svc_desc_save(struct db *db, const struct svc_desc *d, const struct svc_desc *old, bool *changed,
	      struct err *e)
{
	bool fields, texts = false, legal, synonyms, sources;
	int rc;

	fields = strcmp(d->title, old->title) != 0 || strcmp(d->slug, old->slug) != 0 ||
		 strcmp(d->level, old->level) != 0 || strcmp(d->reviewed, old->reviewed) != 0;
	for (int m = 0; m < SVC_N_MODULES; m++)
		texts = texts || strcmp(d->text[m], old->text[m]) != 0;
	legal = !svc_links_equal(d->legal, d->n_legal, old->legal, old->n_legal);
	synonyms = !same_strings(d->synonyms, d->n_synonyms, old->synonyms, old->n_synonyms);
	sources = !same_sources(d, old);
	*changed = fields || texts || legal || synonyms || sources;
	rc = fields ? save_row(db, d, e) : 0;
	if (rc == 0 && texts)
		rc = save_texts(db, d, old, e);
	if (rc == 0 && legal)
		rc = svc_legal_save(db, d->leika, d->legal, d->n_legal, e);
	if (rc == 0 && synonyms)
		rc = save_synonyms(db, d, e);
	if (rc == 0 && sources)
		rc = save_sources(db, d, e);
	return rc;
}
