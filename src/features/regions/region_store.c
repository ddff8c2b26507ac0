/* SPDX-License-Identifier: EUPL-1.2 */
/* Reading the regions: one Gemeinde by ARS, suggestions by postal code or name. */
#include "features/regions/region.h"

#include "core/str.h"
#include "db/db.h"

#include <string.h>

#define COLS                                                                                       \
	"r.ars, r.ags, r.name, r.display_name, r.typ, r.land, r.land_name, r.rb, r.rb_name, "      \
	"r.kreis, r.kreis_name, r.kreis_typ, r.verband, r.verband_name, r.verband_typ, "           \
	"r.population, "

static void
of_row(struct db_stmt *st, struct arena *a, struct region *g)
{
	db_cols_dup(st, 0, a, &g->ars, &g->ags, &g->name, &g->display_name);
	g->typ = (int)db_col_int64(st, 4);
	db_cols_dup(st, 5, a, &g->land, &g->land_name, &g->rb, &g->rb_name, &g->kreis,
		    &g->kreis_name);
	g->kreis_typ = (int)db_col_int64(st, 11);
	db_cols_dup(st, 12, a, &g->verband, &g->verband_name);
	g->verband_typ = (int)db_col_int64(st, 14);
	g->population = db_col_int64(st, 15);
	g->plz = db_col_dup(st, 16, a);
}

static void
read_region(struct db_stmt *st, struct arena *a, void *row)
{
	of_row(st, a, row);
}

int
region_find(struct db *db, const char *ars, struct arena *a, struct region **out, struct err *e)
{
	static const char sql[] = "SELECT " COLS "r.plz FROM region r WHERE r.ars = $1";
	struct region *g = arena_calloc(a, 1, sizeof(*g));
	int rc;

	if (!region_ars_valid(ars))
		return err_set(e, ERR_NOTFOUND, NULL, "malformed ars");
	rc = db_get(db, e, sql, a, read_region, g, DB_TEXT(ars));
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, NULL, "no region %s", ars);
	if (rc == 0)
		*out = g;
	return rc;
}

/* Of places found by postal code, keep those whose name starts with `name`, if any do. */
static void
keep_named(struct region *v, size_t *n, const char *name)
{
	char want[REGION_FOLD_MAX], have[REGION_FOLD_MAX];
	size_t k = 0;

	region_fold(name, want, sizeof(want));
	for (size_t i = 0; i < *n; i++) {
		region_fold(v[i].display_name, have, sizeof(have));
		if (strncmp(have, want, strlen(want)) == 0)
			v[k++] = v[i];
	}
	if (k)
		*n = k;
}

int
region_suggest(struct db *db, const char *q, size_t max, struct arena *a, struct region **out,
	       size_t *n, struct err *e)
{
	static const char by_plz[] =
		"SELECT " COLS "p.plz FROM region_plz p JOIN region r ON r.ars = p.ars "
		"WHERE p.plz BETWEEN $1 AND $2 "
		"ORDER BY p.plz, r.typ IN (65, 66), r.population DESC, r.ars LIMIT $3";
	static const char by_name[] =
		"SELECT " COLS "r.plz FROM region r WHERE r.fold2 = $1 AND r.fold LIKE $2 "
		"ORDER BY r.fold = $3 DESC, r.typ IN (65, 66), r.population DESC, r.ars LIMIT $4";
	char fold[REGION_FOLD_MAX], lo[6], hi[6];
	struct str t = str_trim(str_c(q ? q : ""));
	const char *s = arena_strdup_str(a, t);
	size_t digits = strspn(s, "0123456789");
	const char *rest = s + digits;
	bool by_code = digits >= 2 && digits <= 5 && (!*rest || *rest == ' ');
	void *v = NULL;
	int rc;

	*n = 0;
	*out = NULL;
	if (by_code) {
		memcpy(lo, s, digits);
		memcpy(hi, s, digits);
		for (size_t i = digits; i < 5; i++) {
			lo[i] = '0';
			hi[i] = '9';
		}
		lo[5] = hi[5] = '\0';
		rc = db_list(db, e, by_plz, a, sizeof(**out), read_region, &v, n, DB_TEXT(lo),
			     DB_TEXT(hi), DB_INT((int64_t)max));
	} else {
		region_fold(s, fold, sizeof(fold));
		if (strlen(fold) < 2)
			return 0;
		rc = db_list(db, e, by_name, a, sizeof(**out), read_region, &v, n,
			     DB_TEXT(arena_strndup(a, fold, 2)),
			     DB_TEXT(arena_printf(a, "%s%%", fold)), DB_TEXT(fold),
			     DB_INT((int64_t)max));
	}
	*out = v;
	if (rc)
		return rc;
	if (by_code && *rest)
		keep_named(*out, n, rest); /* "21357 Barum" */
	return 0;
}
