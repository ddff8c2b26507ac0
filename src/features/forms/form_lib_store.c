/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Storage of the form editor and the library: the forms of a tenant with
 * their origin, new versions, and the library's versions.  A tenant's form
 * exists from its form_entry row (made or adopted here) or from its
 * versions in `form` (loaded by rathaus demo); the list joins both.
 */
#include "features/forms/form_lib.h"

#include "db/db.h"

#include <string.h>

/* The newest version's column `col` of form k.id of tenant $1. */
#define NEWEST_COL(col)                                                                            \
	"(SELECT f." col " FROM form f WHERE f.tenant_id = $1 AND f.id = k.id "                    \
	"ORDER BY f.version DESC LIMIT 1)"

#define ENTRY_SELECT                                                                               \
	"SELECT k.id, COALESCE(" NEWEST_COL(                                                       \
		"title") ", e.title, k.id), "                                                      \
			 "COALESCE(" NEWEST_COL(                                                   \
				 "leika") ", ''), COALESCE(o.slug, ''), COALESCE(o.name, ''), "    \
					  "COALESCE(e.origin_form, ''), "                          \
					  "COALESCE((SELECT max(f.version) FROM form f WHERE "     \
					  "f.tenant_id = $1 AND f.id = k.id), 0), "                \
					  "COALESCE(e.origin_tenant_id, 0), "                      \
					  "COALESCE(e.base_version, 0), "                          \
					  "COALESCE((SELECT max(l.version) FROM form_library l "   \
					  "WHERE "                                                 \
					  "l.origin_tenant_id = e.origin_tenant_id AND l.form_id " \
					  "= e.origin_form), 0), "                                 \
					  "COALESCE((SELECT max(l.version) FROM form_library l "   \
					  "WHERE l.origin_tenant_id = $1 "                         \
					  "AND l.form_id = k.id), 0) "                             \
					  "FROM (SELECT id FROM form WHERE tenant_id = $1 UNION "  \
					  "SELECT id FROM form_entry WHERE tenant_id = $1) k "     \
					  "LEFT JOIN form_entry e ON e.tenant_id = $1 AND e.id = " \
					  "k.id "                                                  \
					  "LEFT JOIN tenant o ON o.id = e.origin_tenant_id "

static void
read_entry(struct db_stmt *st, struct arena *a, void *row)
{
	struct form_entry *x = row;

	db_cols_dup(st, 0, a, &x->id, &x->title, &x->leika, &x->origin_slug, &x->origin_name,
		    &x->origin_form);
	db_cols_int64(st, 6, &x->version, &x->origin_tenant_id, &x->base_version,
		      &x->library_version, &x->shared_version);
}

int
form_entries(struct db *db, const struct tenant *t, struct arena *a, struct form_entry **out,
	     size_t *n, struct err *e)
{
	static const char sql[] = ENTRY_SELECT "ORDER BY 2, 1";
	void *v = NULL;
	int rc = db_list(db, e, sql, a, sizeof(**out), read_entry, &v, n, DB_INT(t->id));

	*out = v;
	return rc;
}

int
form_entry_get(struct db *db, const struct tenant *t, const char *id, struct arena *a,
	       struct form_entry *out, struct err *e)
{
	static const char sql[] = ENTRY_SELECT "WHERE k.id = $2";

	return db_get(db, e, sql, a, read_entry, out, DB_INT(t->id), DB_TEXT(id));
}

int
form_entry_add(struct db *db, const struct tenant *t, const char *id, const char *title,
	       int64_t origin, const char *origin_form, int64_t base_version, int64_t now,
	       struct err *e)
{
	static const char taken[] = "SELECT count(*) FROM form WHERE tenant_id = $1 AND id = $2";
	static const char sql[] =
		"INSERT INTO form_entry (tenant_id, id, title, origin_tenant_id, origin_form, "
		"base_version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
		"ON CONFLICT (tenant_id, id) DO NOTHING";
	int64_t n = 0;
	int rc = db_int64(db, e, &n, taken, DB_INT(t->id), DB_TEXT(id));

	if (rc == 0 && n == 0)
		rc = db_run_count(db, e, &n, sql, DB_INT(t->id), DB_TEXT(id), DB_TEXT(title),
				  DB_ID(origin), DB_TEXT(origin_form), DB_INT(base_version),
				  DB_INT(now));
	else if (rc == 0)
		n = 0;
	if (rc == 0 && n == 0)
		return err_set(e, ERR_CONFLICT, "forms.ed.err.exists", "form '%s' exists", id);
	return rc;
}

int
form_entry_rebase(struct db *db, const struct tenant *t, const char *id, int64_t base_version,
		  struct err *e)
{
	static const char sql[] = "UPDATE form_entry SET base_version = $3 WHERE tenant_id = $1 "
				  "AND id = $2 AND origin_tenant_id IS NOT NULL";

	return db_run(db, e, sql, DB_INT(t->id), DB_TEXT(id), DB_INT(base_version));
}

int
form_version_add(struct db *db, const struct tenant *t, const char *id, const char *body,
		 const char *title, const char *leika, int64_t now, int64_t *version,
		 struct form_def_errors *errs, struct err *e)
{
	static const char next[] =
		"SELECT COALESCE(max(version), 0) + 1 FROM form WHERE tenant_id = $1 AND id = $2";
	struct arena a;
	struct form *f;
	const char *json;
	bool changed = false;
	int rc = db_int64(db, e, version, next, DB_INT(t->id), DB_TEXT(id));

	if (rc)
		return rc;
	arena_init(&a);
	rc = form_def_compose(body, strlen(body), id, *version, title, leika, &a, &json, &f, errs,
			      e);
	if (rc == 0)
		rc = form_save(db, t, json, strlen(json), now, errs, &changed, e);
	if (rc == 0 && !changed)
		rc = err_set(e, ERR_CONFLICT, "ed.err.conflict", "form '%s' version %lld exists",
			     id, (long long)*version);
	arena_release(&a);
	return rc;
}

int
form_lib_publish(struct db *db, const struct tenant *t, const char *id, int64_t now,
		 int64_t *version, bool *added, struct err *e)
{
	static const char sql[] =
		"INSERT INTO form_library (origin_tenant_id, form_id, version, title, leika, "
		"definition, published_at) SELECT f.tenant_id, f.id, f.version, f.title, f.leika, "
		"f.definition, $3 FROM form f WHERE f.tenant_id = $1 AND f.id = $2 "
		"ORDER BY f.version DESC LIMIT 1 "
		"ON CONFLICT (origin_tenant_id, form_id, version) DO NOTHING";
	static const char newest[] =
		"SELECT max(version) FROM form WHERE tenant_id = $1 AND id = $2";
	int64_t n = 0;
	int rc = db_run_count(db, e, &n, sql, DB_INT(t->id), DB_TEXT(id), DB_INT(now));

	*added = rc == 0 && n > 0;
	if (rc == 0)
		rc = db_int64(db, e, version, newest, DB_INT(t->id), DB_TEXT(id));
	if (rc == 0 && *version == 0)
		rc = err_set(e, ERR_NOTFOUND, "forms.lib.err.no_version",
			     "form '%s' has no version", id);
	return rc;
}

#define LIB_SELECT                                                                                 \
	"SELECT o.slug, o.name, l.form_id, l.title, l.leika, l.origin_tenant_id, l.version, "      \
	"l.published_at, l.definition FROM form_library l JOIN tenant o ON o.id = "                \
	"l.origin_tenant_id "

static void
read_lib(struct db_stmt *st, struct arena *a, void *row)
{
	struct form_lib_item *x = row;

	db_cols_dup(st, 0, a, &x->origin_slug, &x->origin_name, &x->form_id, &x->title, &x->leika);
	db_cols_int64(st, 5, &x->origin_tenant_id, &x->version, &x->published_at);
	x->definition = db_col_count(st) > 8 ? db_col_dup(st, 8, a) : NULL;
}

int
form_lib_list(struct db *db, struct arena *a, struct form_lib_item **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT o.slug, o.name, l.form_id, l.title, l.leika, l.origin_tenant_id, "
		"l.version, l.published_at FROM form_library l JOIN tenant o ON o.id = "
		"l.origin_tenant_id WHERE NOT EXISTS (SELECT 1 FROM form_library m WHERE "
		"m.origin_tenant_id = l.origin_tenant_id AND m.form_id = l.form_id AND "
		"m.version > l.version) ORDER BY l.title, o.name, l.form_id";
	void *v = NULL;
	int rc = db_list(db, e, sql, a, sizeof(**out), read_lib, &v, n);

	*out = v;
	return rc;
}

int
form_lib_get(struct db *db, int64_t origin, const char *form_id, int64_t version, struct arena *a,
	     struct form_lib_item *out, struct err *e)
{
	static const char one[] =
		LIB_SELECT "WHERE l.origin_tenant_id = $1 AND l.form_id = $2 AND l.version = $3";
	static const char newest[] = LIB_SELECT "WHERE l.origin_tenant_id = $1 AND l.form_id = $2 "
						"ORDER BY l.version DESC LIMIT 1";

	if (version)
		return db_get(db, e, one, a, read_lib, out, DB_INT(origin), DB_TEXT(form_id),
			      DB_INT(version));
	return db_get(db, e, newest, a, read_lib, out, DB_INT(origin), DB_TEXT(form_id));
}
