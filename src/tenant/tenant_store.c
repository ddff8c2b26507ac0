/* SPDX-License-Identifier: EUPL-1.2 */
/* Reading and saving the tenant table. */
#include "tenant/tenant.h"

#include "core/str.h"
#include "db/db.h"

#include <string.h>
#include <time.h>

static const char *const kind_names[] = {
	[TENANT_GEMEINDE] = "gemeinde",
	[TENANT_STADT] = "stadt",
	[TENANT_SAMTGEMEINDE] = "samtgemeinde",
	[TENANT_KREIS] = "kreis",
	[TENANT_LAND] = "land",
	[TENANT_NETWORK] = "portal_network",
};

const char *
tenant_kind_name(enum tenant_kind k)
{
	return kind_names[k];
}

int
tenant_kind_parse(const char *s, enum tenant_kind *out)
{
	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum tenant_kind)i;
			return 0;
		}
	}
	return ERR_INVALID;
}

bool
tenant_slug_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

#define TENANT_COLUMNS                                                                             \
	"t.id, t.slug, t.name, t.kind, t.ars, COALESCE(t.parent_id, 0), COALESCE(p.slug, ''), "    \
	"COALESCE(t.host, ''), t.languages, t.theme_primary, t.logo_text, t.street, "              \
	"t.postal_code, t.city, t.phone, t.email, t.web "                                          \
	"FROM tenant t LEFT JOIN tenant p ON p.id = t.parent_id "

static void
read_row(struct db_stmt *st, struct arena *a, struct tenant *t)
{
	t->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &t->slug, &t->name);
	if (tenant_kind_parse(db_col_text(st, 3), &t->kind))
		t->kind = TENANT_GEMEINDE; /* the schema's CHECK makes this unreachable */
	t->ars = db_col_dup(st, 4, a);
	t->parent_id = db_col_int64(st, 5);
	db_cols_dup(st, 6, a, &t->parent_slug, &t->host, &t->languages, &t->primary, &t->logo_text,
		    &t->contact.street, &t->contact.postal_code, &t->contact.city,
		    &t->contact.phone, &t->contact.email, &t->contact.web);
}

static void
read_tenant(struct db_stmt *st, struct arena *a, void *row)
{
	read_row(st, a, row);
}

static int
find_one(struct db *db, const char *sql, const char *key, struct arena *a, struct tenant **out,
	 struct err *e)
{
	void *v = NULL;
	size_t n = 0;
	int rc = db_list(db, e, sql, a, sizeof(**out), read_tenant, &v, &n, DB_TEXT(key));

	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "error.not_found", "no tenant '%s'", key);
	*out = v;
	return rc;
}

int
tenant_find_by_host(struct db *db, const char *host, struct arena *a, struct tenant **out,
		    struct err *e)
{
	static const char sql[] = "SELECT " TENANT_COLUMNS "WHERE t.host = $1";

	return find_one(db, sql, host, a, out, e);
}

int
tenant_find_by_slug(struct db *db, const char *slug, struct arena *a, struct tenant **out,
		    struct err *e)
{
	static const char sql[] = "SELECT " TENANT_COLUMNS "WHERE t.slug = $1";

	return find_one(db, sql, slug, a, out, e);
}

int
tenant_list(struct db *db, int64_t parent_id, struct arena *a, struct tenant **out, size_t *n,
	    struct err *e)
{
	static const char sql[] =
		"SELECT " TENANT_COLUMNS "WHERE $1 < 0 OR t.parent_id = $1 ORDER BY t.name, t.id";
	void *v = NULL;
	int rc = db_list(db, e, sql, a, sizeof(**out), read_tenant, &v, n, DB_INT(parent_id));

	*out = v;
	return rc;
}
