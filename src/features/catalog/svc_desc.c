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

static void
read_service(struct db_stmt *st, struct arena *a, void *row)
{
	struct svc_desc *d = row;

	db_cols_dup(st, 0, a, &d->leika, &d->leika_name, &d->title, &d->slug, &d->level,
		    &d->reviewed);
}

static int
load_service(struct db *db, const char *leika, struct arena *a, struct svc_desc *d, struct err *e)
{
	static const char sql[] = "SELECT leika, leika_name, title, slug, level, reviewed FROM "
				  "service WHERE leika = $1";
	int rc = db_get(db, e, sql, a, read_service, d, DB_TEXT(leika));

	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_NOTFOUND, NULL, "no service '%s'", leika);
	return rc;
}

static void
read_text(struct db_stmt *st, struct arena *a, void *desc)
{
	struct svc_desc *d = desc;
	enum svc_module m;

	/* A module this version does not know is left alone. */
	if (svc_module_parse(db_col_text(st, 0), &m) == 0)
		d->text[m] = db_col_dup(st, 1, a);
}

static void
read_term(struct db_stmt *st, struct arena *a, void *row)
{
	*(const char **)row = db_col_dup(st, 0, a);
}

static void
read_legal(struct db_stmt *st, struct arena *a, void *row)
{
	struct svc_link *l = row;

	db_cols_dup(st, 0, a, &l->title, &l->url);
}

static void
read_source(struct db_stmt *st, struct arena *a, void *row)
{
	struct svc_source *s = row;

	db_cols_dup(st, 0, a, &s->url, &s->title, &s->checked);
}

/* The synonyms, legal basis and sources of `d`. */
static int
load_lists(struct db *db, const char *leika, struct arena *a, struct svc_desc *d, struct err *e)
{
	static const char synonyms_sql[] = "SELECT term FROM service_synonym WHERE leika = $1";
	static const char legal_sql[] =
		"SELECT title, url FROM service_legal WHERE leika = $1 ORDER BY pos";
	static const char sources_sql[] =
		"SELECT url, title, checked FROM service_source WHERE leika = $1 ORDER BY pos";
	void *v = NULL;
	int rc = db_list(db, e, synonyms_sql, a, sizeof(*d->synonyms), read_term, &v,
			 &d->n_synonyms, DB_TEXT(leika));

	d->synonyms = v;
	d->n_synonyms = svc_sort_unique(d->synonyms, d->n_synonyms);
	if (rc)
		return rc;
	rc = db_list(db, e, legal_sql, a, sizeof(*d->legal), read_legal, &v, &d->n_legal,
		     DB_TEXT(leika));
	d->legal = v;
	if (rc)
		return rc;
	rc = db_list(db, e, sources_sql, a, sizeof(*d->sources), read_source, &v, &d->n_sources,
		     DB_TEXT(leika));
	d->sources = v;
	return rc;
}

int
svc_desc_load(struct db *db, const char *leika, struct arena *a, struct svc_desc *out,
	      struct err *e)
{
	static const char texts_sql[] = "SELECT module, body FROM service_text WHERE leika = $1";
	int rc;

	memset(out, 0, sizeof(*out));
	for (int m = 0; m < SVC_N_MODULES; m++)
		out->text[m] = "";
	rc = load_service(db, leika, a, out, e);
	if (rc == 0)
		rc = db_fill(db, e, texts_sql, a, read_text, out, DB_TEXT(leika));
	if (rc == 0)
		rc = load_lists(db, leika, a, out, e);
	return rc;
}

static int
save_texts(struct db *db, const struct svc_desc *d, const struct svc_desc *old, struct err *e)
{
	static const char delete_sql[] =
		"DELETE FROM service_text WHERE leika = $1 AND module = $2";
	static const char upsert_sql[] =
		"INSERT INTO service_text (leika, module, body) VALUES ($1, $2, $3) "
		"ON CONFLICT (leika, module) DO UPDATE SET body = excluded.body";
	int rc = 0;

	for (int m = 0; m < SVC_N_MODULES && rc == 0; m++)
		if (strcmp(d->text[m], old->text[m]) != 0)
			rc = db_run(db, e, d->text[m][0] ? upsert_sql : delete_sql,
				    DB_TEXT(d->leika), DB_TEXT(svc_module_name((enum svc_module)m)),
				    DB_TEXT(d->text[m]));
	return rc;
}

static int
save_synonyms(struct db *db, const struct svc_desc *d, struct err *e)
{
	static const char delete_sql[] = "DELETE FROM service_synonym WHERE leika = $1";
	static const char insert_sql[] =
		"INSERT INTO service_synonym (leika, term) VALUES ($1, $2)";
	int rc = db_run(db, e, delete_sql, DB_TEXT(d->leika));

	for (size_t i = 0; i < d->n_synonyms && rc == 0; i++)
		rc = db_run(db, e, insert_sql, DB_TEXT(d->leika), DB_TEXT(d->synonyms[i]));
	return rc;
}

static int
save_sources(struct db *db, const struct svc_desc *d, struct err *e)
{
	static const char delete_sql[] = "DELETE FROM service_source WHERE leika = $1";
	static const char insert_sql[] =
		"INSERT INTO service_source (leika, pos, url, title, checked) "
		"VALUES ($1, $2, $3, $4, $5)";
	int rc = db_run(db, e, delete_sql, DB_TEXT(d->leika));

	for (size_t i = 0; i < d->n_sources && rc == 0; i++)
		rc = db_run(db, e, insert_sql, DB_TEXT(d->leika), DB_INT((int64_t)i),
			    DB_TEXT(d->sources[i].url), DB_TEXT(d->sources[i].title),
			    DB_TEXT(d->sources[i].checked));
	return rc;
}

static int
save_row(struct db *db, const struct svc_desc *d, struct err *e)
{
	static const char sql[] = "UPDATE service SET title = $2, slug = $3, level = $4, "
				  "reviewed = $5, updated_at = $6 WHERE leika = $1";

	return db_run(db, e, sql, DB_TEXT(d->leika), DB_TEXT(d->title), DB_TEXT(d->slug),
		      DB_TEXT(d->level), DB_TEXT(d->reviewed), DB_INT((int64_t)time(NULL)));
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
	/* Any change stamps updated_at: the read models of every instance notice it by that. */
	rc = *changed ? save_row(db, d, e) : 0;
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
