/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Saving tenants, one at a time or from a JSON document, idempotently: a
 * tenant that is already stored as given is left alone and counted as
 * unchanged, so a re-import reports exactly what it changed.
 */
#include "tenant/tenant.h"

#include "core/str.h"
#include "core/xalloc.h"
#include "db/db.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool
is_colour(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

static bool
is_ars(const char *s)
{
	size_t n = strlen(s);

	if (n != 0 && n != 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
validate(const struct tenant *t, struct err *e)
{
	if (!tenant_slug_valid(t->slug))
		return err_set(e, ERR_INVALID, NULL, "tenant slug '%s' is not [a-z0-9-]", t->slug);
	if (!t->name[0] || !str_valid_text(str_c(t->name)))
		return err_set(e, ERR_INVALID, NULL, "tenant '%s' has no valid name", t->slug);
	if (!is_ars(t->ars))
		return err_set(e, ERR_INVALID, NULL, "tenant '%s': ARS '%s' is not 12 digits",
			       t->slug, t->ars);
	if (!is_colour(t->primary))
		return err_set(e, ERR_INVALID, NULL, "tenant '%s': colour '%s' is not #rrggbb",
			       t->slug, t->primary);
	return 0;
}

static bool
same(const struct tenant *a, const struct tenant *b)
{
	const char *const fa[] = {a->name,
				  a->ars,
				  a->parent_slug,
				  a->host,
				  a->languages,
				  a->primary,
				  a->logo_text,
				  a->contact.street,
				  a->contact.postal_code,
				  a->contact.city,
				  a->contact.phone,
				  a->contact.email,
				  a->contact.web};
	const char *const fb[] = {b->name,
				  b->ars,
				  b->parent_slug,
				  b->host,
				  b->languages,
				  b->primary,
				  b->logo_text,
				  b->contact.street,
				  b->contact.postal_code,
				  b->contact.city,
				  b->contact.phone,
				  b->contact.email,
				  b->contact.web};

	for (size_t i = 0; i < sizeof(fa) / sizeof(fa[0]); i++)
		if (strcmp(fa[i], fb[i]) != 0)
			return false;
	return a->kind == b->kind;
}

static void
bind_fields(struct db_stmt *st, const struct tenant *t, int64_t parent_id)
{
	db_bind_text(st, 1, t->slug);
	db_bind_text(st, 2, t->name);
	db_bind_text(st, 3, tenant_kind_name(t->kind));
	db_bind_text(st, 4, t->ars);
	if (parent_id)
		db_bind_int64(st, 5, parent_id);
	else
		db_bind_null(st, 5);
	db_bind_text(st, 6, t->host[0] ? t->host : NULL);
	db_bind_text(st, 7, t->languages);
	db_bind_text(st, 8, t->primary);
	db_bind_text(st, 9, t->logo_text);
	db_bind_text(st, 10, t->contact.street);
	db_bind_text(st, 11, t->contact.postal_code);
	db_bind_text(st, 12, t->contact.city);
	db_bind_text(st, 13, t->contact.phone);
	db_bind_text(st, 14, t->contact.email);
	db_bind_text(st, 15, t->contact.web);
	db_bind_int64(st, 16, (int64_t)time(NULL));
}

int
tenant_save(struct db *db, struct tenant *t, bool *changed, struct err *e)
{
	static const char insert_sql[] =
		"INSERT INTO tenant (slug, name, kind, ars, parent_id, host, languages, "
		"theme_primary, logo_text, street, postal_code, city, phone, email, web, "
		"created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
		"$12, $13, $14, $15, $16, $16) RETURNING id";
	static const char update_sql[] =
		"UPDATE tenant SET name = $2, kind = $3, ars = $4, parent_id = $5, host = $6, "
		"languages = $7, theme_primary = $8, logo_text = $9, street = $10, "
		"postal_code = $11, city = $12, phone = $13, email = $14, web = $15, "
		"updated_at = $16 WHERE slug = $1 RETURNING id";
	struct arena a;
	struct tenant *old = NULL, *parent = NULL;
	struct db_stmt *st = NULL;
	int64_t parent_id = 0;
	int rc = validate(t, e);

	*changed = false;
	if (rc)
		return rc;
	arena_init(&a);
	if (t->parent_slug[0]) {
		rc = tenant_find_by_slug(db, t->parent_slug, &a, &parent, e);
		if (rc == ERR_NOTFOUND)
			rc = err_set(e, ERR_INVALID, NULL, "tenant '%s': unknown parent '%s'",
				     t->slug, t->parent_slug);
		if (rc)
			goto out;
		parent_id = parent->id;
	}
	rc = tenant_find_by_slug(db, t->slug, &a, &old, e);
	if (rc && rc != ERR_NOTFOUND)
		goto out;
	if (old && same(old, t)) {
		t->id = old->id;
		rc = 0;
		goto out;
	}
	rc = db_prepare(db, old ? update_sql : insert_sql, &st, e);
	if (rc)
		goto out;
	bind_fields(st, t, parent_id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		t->id = db_col_int64(st, 0);
		t->parent_id = parent_id;
		*changed = true;
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_DB, NULL, "tenant '%s' was not saved", t->slug);
	}
out:
	db_finalize(st);
	arena_release(&a);
	return rc;
}

static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Fill `t` from one JSON object; strings point into `doc`. */
static int
from_json(json_t *o, struct tenant *t, struct err *e)
{
	json_t *theme = json_object_get(o, "theme"), *contact = json_object_get(o, "contact");
	json_t *langs = json_object_get(o, "languages");
	const char *first = json_string_value(json_array_get(langs, 0));

	memset(t, 0, sizeof(*t));
	t->slug = jstr(o, "slug");
	t->name = jstr(o, "name");
	t->ars = jstr(o, "ars");
	t->parent_slug = jstr(o, "parent");
	t->host = jstr(o, "host");
	t->primary = theme ? jstr(theme, "primary") : "";
	if (!t->primary[0])
		t->primary = "#004b76";
	t->logo_text = theme ? jstr(theme, "logo_text") : "";
	t->contact.street = jstr(contact, "street");
	t->contact.postal_code = jstr(contact, "postal_code");
	t->contact.city = jstr(contact, "city");
	t->contact.phone = jstr(contact, "phone");
	t->contact.email = jstr(contact, "email");
	t->contact.web = jstr(contact, "web");
	t->languages = "de,en";
	if (json_array_size(langs) == 1 && first && strcmp(first, "de") == 0)
		t->languages = "de";
	if (tenant_kind_parse(jstr(o, "kind"), &t->kind))
		return err_set(e, ERR_INVALID, NULL, "tenant '%s': unknown kind '%s'", t->slug,
			       jstr(o, "kind"));
	return 0;
}

/* True when the file has an entry for `slug` that is not saved yet. */
static bool
pending(json_t *list, const bool *done, const char *slug)
{
	size_t i;
	json_t *o;

	json_array_foreach(list, i, o)
	{
		if (!done[i] && strcmp(jstr(o, "slug"), slug) == 0)
			return true;
	}
	return false;
}

/*
 * Save every tenant after its parent, at any depth (Land, Kreis, Gemeinde in
 * any order of the file): each pass saves those whose parent is saved or not
 * in the file, until a pass saves nothing.
 */
static int
save_in_order(struct db *db, json_t *list, int *saved, int *changed, struct err *e)
{
	size_t n = json_array_size(list), left = n;
	bool *done = xcalloc(n ? n : 1, sizeof(*done)), progress = true;
	int rc = 0;

	while (rc == 0 && left && progress) {
		size_t i;
		json_t *o;

		progress = false;
		json_array_foreach(list, i, o)
		{
			struct tenant t;
			bool did = false;

			if (done[i])
				continue;
			rc = from_json(o, &t, e);
			if (rc)
				break;
			if (t.parent_slug[0] && pending(list, done, t.parent_slug))
				continue;
			rc = tenant_save(db, &t, &did, e);
			if (rc)
				break;
			done[i] = true;
			left--;
			progress = true;
			(*saved)++;
			*changed += did;
		}
	}
	if (rc == 0 && left)
		rc = err_set(e, ERR_INVALID, NULL, "%zu tenants are their own ancestors", left);
	free(done);
	return rc;
}

int
tenant_import_json(struct db *db, const char *path, int *saved, int *changed, struct err *e)
{
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je), *list;
	int rc = 0;

	*saved = *changed = 0;
	if (!doc)
		return err_set(e, ERR_INVALID, NULL, "%s:%d: %s", path, je.line, je.text);
	list = json_object_get(doc, "tenants");
	if (!json_is_array(list)) {
		rc = err_set(e, ERR_INVALID, NULL, "%s: no \"tenants\" array", path);
		goto out;
	}
	rc = db_begin(db, e);
	if (rc)
		goto out;
	rc = save_in_order(db, list, saved, changed, e);
	rc = db_end(db, rc, e);
out:
	json_decref(doc);
	return rc;
}
