/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `rathaus import regions`: the register's 10,981 Gemeinden and 12,871
 * postal-code pairs, replaced in one transaction with multi-row INSERTs
 * (one statement per batch), so a full load takes about a second.
 */
#include "features/regions/region.h"

#include "core/buf.h"
#include "db/db.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REGION_NCOLS 19
#define REGION_BATCH 50 /* rows per INSERT: 950 parameters */
#define PLZ_BATCH 400	/* rows per INSERT: 800 parameters */

static const char region_head[] =
	"INSERT INTO region (ars, ags, name, display_name, fold, fold2, typ, land, land_name, rb, "
	"rb_name, kreis, kreis_name, kreis_typ, verband, verband_name, verband_typ, population, "
	"plz) VALUES ";

/* "head ($1, .., $ncols), (..), .." for `rows` rows, in `a`. */
static const char *
insert_sql(struct arena *a, const char *head, int ncols, int rows)
{
	struct buf b;
	char *s;

	buf_init(&b, 64 * 1024);
	buf_adds(&b, head);
	for (int r = 0; r < rows; r++) {
		buf_adds(&b, r ? ", (" : "(");
		for (int c = 0; c < ncols; c++)
			buf_addf(&b, "%s$%d", c ? ", " : "", r * ncols + c + 1);
		buf_addc(&b, ')');
	}
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

/* The type of Kreis `kreis` from kreise.csv, 0 if unknown; `hint` speeds sorted runs. */
static int
kreis_typ(const struct csvfile *k, int ck, int ct, const char *kreis, size_t *hint)
{
	int64_t typ = 0;

	for (size_t i = 0; i < k->nrows; i++) {
		size_t r = (*hint + i) % k->nrows;

		if (strcmp(csvfile_cell(k, r, ck), kreis) == 0) {
			*hint = r;
			if (str_to_int64(str_c(csvfile_cell(k, r, ct)), 41, 45, &typ))
				return 0;
			return (int)typ;
		}
	}
	return 0;
}

static void
bind_region(struct db_stmt *st, int base, const struct region *g)
{
	char fold[REGION_FOLD_MAX];
	char fold2[3];

	region_fold(g->display_name, fold, sizeof(fold));
	fold2[0] = fold[0];
	fold2[1] = fold[0] ? fold[1] : '\0';
	fold2[2] = '\0';
	const struct db_arg args[] = {
		DB_TEXT(g->ars),	  DB_TEXT(g->ags),	  DB_TEXT(g->name),
		DB_TEXT(g->display_name), DB_TEXT(fold),	  DB_TEXT(fold2),
		DB_INT(g->typ),		  DB_TEXT(g->land),	  DB_TEXT(g->land_name),
		DB_TEXT(g->rb),		  DB_TEXT(g->rb_name),	  DB_TEXT(g->kreis),
		DB_TEXT(g->kreis_name),	  DB_INT(g->kreis_typ),	  DB_TEXT(g->verband),
		DB_TEXT(g->verband_name), DB_INT(g->verband_typ), DB_INT(g->population),
		DB_TEXT(g->plz),
	};

	static_assert(sizeof(args) / sizeof(args[0]) == REGION_NCOLS, "one value per column");
	db_bind_args(st, base + 1, args, REGION_NCOLS);
}

static int
write_regions(struct db *db, struct region *v, size_t n, struct arena *a, struct err *e)
{
	const char *full = insert_sql(a, region_head, REGION_NCOLS, REGION_BATCH);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i += REGION_BATCH) {
		size_t rows = n - i < REGION_BATCH ? n - i : REGION_BATCH;
		const char *sql = rows == REGION_BATCH
					  ? full
					  : insert_sql(a, region_head, REGION_NCOLS, (int)rows);
		struct db_stmt *st = NULL;

		rc = db_prepare(db, sql, &st, e);
		for (size_t r = 0; rc == 0 && r < rows; r++)
			bind_region(st, (int)r * REGION_NCOLS, &v[i + r]);
		if (rc == 0)
			rc = db_step_done(st, e);
		db_finalize(st);
	}
	return rc;
}

static int
cmp_ars(const void *x, const void *y)
{
	return strcmp(((const struct region *)x)->ars, ((const struct region *)y)->ars);
}

static bool
known(const struct region *v, size_t n, const char *ars)
{
	struct region key = {.ars = ars};

	return bsearch(&key, v, n, sizeof(*v), cmp_ars) != NULL;
}

static int
write_plz(struct db *db, const struct csvfile *p, const struct region *v, size_t n,
	  struct region_import_stats *st, struct arena *a, struct err *e)
{
	static const char head[] = "INSERT INTO region_plz (plz, ars) VALUES ";
	int cp = csvfile_col(p, "plz", e), ca = csvfile_col(p, "ars", e);
	const char **pairs;
	size_t np = 0;
	int rc = 0;

	if (cp < 0 || ca < 0)
		return ERR_INVALID;
	pairs = arena_calloc(a, p->nrows * 2 + 1, sizeof(*pairs));
	for (size_t r = 0; r < p->nrows; r++) {
		const char *plz = csvfile_cell(p, r, cp), *ars = csvfile_cell(p, r, ca);

		if (!region_digits(plz, 5) || (ars[0] && !region_ars_valid(ars)))
			return err_set(e, ERR_INVALID, NULL, "%s:%ld: plz or ars malformed",
				       p->path, p->lines[r]);
		if (!ars[0] || !known(v, n, ars)) {
			st->plz_skipped++;
			continue;
		}
		pairs[2 * np] = plz;
		pairs[2 * np + 1] = ars;
		np++;
	}
	for (size_t i = 0; rc == 0 && i < np; i += PLZ_BATCH) {
		size_t rows = np - i < PLZ_BATCH ? np - i : PLZ_BATCH;
		struct db_stmt *s = NULL;

		rc = db_prepare(db, insert_sql(a, head, 2, (int)rows), &s, e);
		for (size_t r = 0; rc == 0 && r < rows * 2; r++)
			db_bind_text(s, (int)r + 1, pairs[2 * i + r]);
		if (rc == 0)
			rc = db_step_done(s, e);
		db_finalize(s);
	}
	st->plz = (int)np;
	return rc;
}

static int
load(const char *dir, const char *file, struct arena *a, struct csvfile *t, struct err *e)
{
	return csvfile_load(arena_printf(a, "%s/%s", dir, file), a, t, e);
}

int
region_import(struct db *db, const char *dir, struct region_import_stats *st, struct err *e)
{
	struct arena a;
	struct csvfile g, k, p;
	struct region_cols c;
	struct region *v = NULL;
	size_t hint = 0;
	int rc, ck = -1, ct = -1;

	memset(st, 0, sizeof(*st));
	arena_init(&a);
	rc = load(dir, "gemeinden.csv", &a, &g, e);
	if (rc == 0)
		rc = load(dir, "kreise.csv", &a, &k, e);
	if (rc == 0)
		rc = load(dir, "plz_gemeinde.csv", &a, &p, e);
	if (rc == 0)
		rc = region_cols_find(&g, &c, e);
	if (rc == 0 &&
	    ((ck = csvfile_col(&k, "kreis", e)) < 0 || (ct = csvfile_col(&k, "typ", e)) < 0))
		rc = ERR_INVALID;
	if (rc == 0)
		v = arena_calloc(&a, g.nrows + 1, sizeof(*v));
	for (size_t r = 0; rc == 0 && r < g.nrows; r++) {
		rc = region_from_row(&g, r, &c, &a, &v[r], e);
		if (rc == 0)
			v[r].kreis_typ = kreis_typ(&k, ck, ct, v[r].kreis, &hint);
	}
	if (rc == 0) {
		qsort(v, g.nrows, sizeof(*v), cmp_ars);
		for (size_t r = 1; rc == 0 && r < g.nrows; r++)
			if (strcmp(v[r - 1].ars, v[r].ars) == 0)
				rc = err_set(e, ERR_INVALID, NULL, "%s/gemeinden.csv: ars %s twice",
					     dir, v[r].ars);
	}
	if (rc == 0)
		rc = db_begin(db, e);
	if (rc == 0) {
		rc = db_exec(db, "DELETE FROM region_plz; DELETE FROM region", e);
		if (rc == 0)
			rc = write_regions(db, v, g.nrows, &a, e);
		if (rc == 0)
			rc = write_plz(db, &p, v, g.nrows, st, &a, e);
		rc = db_end(db, rc, e);
	}
	st->gemeinden = rc == 0 ? (int)g.nrows : 0;
	st->kreise = rc == 0 ? (int)k.nrows : 0;
	arena_release(&a);
	return rc;
}
