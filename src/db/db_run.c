/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * One-call statements over db.h's prepare / bind / step / finalize: run a
 * statement to its end, read one integer, or call a function per row.  They
 * use only the public interface, so both backends behave alike by
 * construction.
 */
#include "db/db_int.h"

#include "core/arena.h"
#include "core/err.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

int
db_step_done(struct db_stmt *st, struct err *e)
{
	int rc;

	while ((rc = db_step(st, e)) == DB_ROW)
		;
	return rc == DB_DONE ? 0 : rc;
}

int
db_end(struct db *db, int rc, struct err *e)
{
	if (rc == 0)
		return db_commit(db, e);
	db_rollback(db);
	return rc;
}

void
db_bind_args(struct db_stmt *st, int first, const struct db_arg *args, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const struct db_arg *a = &args[k];
		int i = first + (int)k;

		switch (a->kind) {
		case DB_ARG_INT64:
			db_bind_int64(st, i, a->i);
			break;
		case DB_ARG_TEXT:
			db_bind_text(st, i, a->t);
			break;
		case DB_ARG_STR:
			db_bind_str(st, i, a->s);
			break;
		case DB_ARG_ID:
			if (a->i)
				db_bind_int64(st, i, a->i);
			else
				db_bind_null(st, i);
			break;
		case DB_ARG_NULL:
			db_bind_null(st, i);
			break;
		default:
			/* A bare value in the list: db_step() reports it. */
			if (!st->err.code)
				err_set(&st->err, ERR_INTERNAL, DB_USER_ERROR,
					"parameter $%d is not a DB_ value", i);
			break;
		}
	}
}

char *
db_col_dup(struct db_stmt *st, int i, struct arena *a)
{
	return arena_strndup(a, db_col_text(st, i), db_col_len(st, i));
}

/* Prepare `sql` and bind the list; the caller finalizes *out. */
static int
prepare_args(struct db *db, const char *sql, const struct db_arg *args, size_t n,
	     struct db_stmt **out, struct err *e)
{
	int rc = db_prepare(db, sql, out, e);

	if (rc == 0)
		db_bind_args(*out, 1, args, n);
	return rc;
}

int
db_run_args(struct db *db, struct err *e, int64_t *changes, const char *sql,
	    const struct db_arg *args, size_t n)
{
	struct db_stmt *st = NULL;
	int rc = prepare_args(db, sql, args, n, &st, e);

	if (changes)
		*changes = 0;
	if (rc)
		return rc;
	rc = db_step_done(st, e);
	if (rc == 0 && changes)
		*changes = db_changes(st);
	db_finalize(st);
	return rc;
}

static int
read_int64(struct db_stmt *st, void *ctx, struct err *e)
{
	*(int64_t *)ctx = db_col_int64(st, 0);
	return 0;
}

int
db_int64_args(struct db *db, struct err *e, int64_t *out, const char *sql,
	      const struct db_arg *args, size_t n)
{
	return db_one_args(db, e, sql, read_int64, out, args, n);
}

void
db_cols_dup_n(struct db_stmt *st, int first, struct arena *a, const char **const *dst, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*dst[i] = db_col_dup(st, first + (int)i, a);
}

void
db_cols_int64_n(struct db_stmt *st, int first, int64_t *const *dst, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*dst[i] = db_col_int64(st, first + (int)i);
}

static void
read_text(struct db_stmt *st, struct arena *a, void *row)
{
	*(const char **)row = db_col_dup(st, 0, a);
}

int
db_text_args(struct db *db, struct err *e, struct arena *a, const char **out, const char *sql,
	     const struct db_arg *args, size_t n)
{
	return db_get_args(db, e, sql, a, read_text, out, args, n);
}

/* Where db_text2() puts its two columns. */
struct text2 {
	const char **out, **out2;
};

static void
read_text2(struct db_stmt *st, struct arena *a, void *row)
{
	struct text2 *t = row;

	db_cols_dup(st, 0, a, t->out, t->out2);
}

int
db_text2_args(struct db *db, struct err *e, struct arena *a, const char **out, const char **out2,
	      const char *sql, const struct db_arg *args, size_t n)
{
	struct text2 t = {out, out2};

	return db_get_args(db, e, sql, a, read_text2, &t, args, n);
}

/*
 * Step `sql` calling fn() for each row, or only for the first with `one`;
 * *rows counts the rows fn() saw.
 */
static int
step_rows(struct db *db, struct err *e, const char *sql, db_row_fn *fn, void *ctx,
	  const struct db_arg *args, size_t n, bool one, size_t *rows)
{
	struct db_stmt *st = NULL;
	int rc = prepare_args(db, sql, args, n, &st, e);

	assert(fn);
	*rows = 0;
	if (rc)
		return rc;
	while ((rc = db_step(st, e)) == DB_ROW) {
		(*rows)++;
		if ((rc = fn(st, ctx, e)) != 0 || one)
			break;
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

int
db_each_args(struct db *db, struct err *e, const char *sql, db_row_fn *fn, void *ctx,
	     const struct db_arg *args, size_t n)
{
	size_t rows;

	return step_rows(db, e, sql, fn, ctx, args, n, false, &rows);
}

int
db_one_args(struct db *db, struct err *e, const char *sql, db_row_fn *fn, void *ctx,
	    const struct db_arg *args, size_t n)
{
	size_t rows;
	int rc = step_rows(db, e, sql, fn, ctx, args, n, true, &rows);

	if (rc == 0 && rows == 0)
		rc = err_set(e, ERR_NOTFOUND, NULL, "no row for a single-row query");
	return rc;
}

/* What db_get() and db_fill() fill. */
struct get {
	struct arena *a;
	db_read_fn *read;
	void *row;
};

static int
get_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct get *g = ctx;

	(void)e;
	g->read(st, g->a, g->row);
	return 0;
}

/* Call read(st, a, row) for the first row of `sql` with `one` (as db_one()), else for each. */
static int
read_rows(struct db *db, struct err *e, const char *sql, struct arena *a, db_read_fn *read,
	  void *row, const struct db_arg *args, size_t n, bool one)
{
	struct get g = {a, read, row};

	assert(read);
	if (one)
		return db_one_args(db, e, sql, get_row, &g, args, n);
	return db_each_args(db, e, sql, get_row, &g, args, n);
}

int
db_fill_args(struct db *db, struct err *e, const char *sql, struct arena *a, db_read_fn *read,
	     void *obj, const struct db_arg *args, size_t n)
{
	return read_rows(db, e, sql, a, read, obj, args, n, false);
}

int
db_get_args(struct db *db, struct err *e, const char *sql, struct arena *a, db_read_fn *read,
	    void *row, const struct db_arg *args, size_t n)
{
	return read_rows(db, e, sql, a, read, row, args, n, true);
}

/* What db_list() grows while stepping. */
struct list {
	struct arena *a;
	size_t size, cap;
	db_read_fn *read;
	void **v;
	size_t *n;
};

static int
list_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct list *l = ctx;

	*l->v = arena_grow(l->a, *l->v, *l->n, &l->cap, l->size);
	l->read(st, l->a, (char *)*l->v + *l->n * l->size);
	(*l->n)++;
	return 0;
}

int
db_list_args(struct db *db, struct err *e, const char *sql, struct arena *a, size_t size,
	     db_read_fn *read, void **out, size_t *n, const struct db_arg *args, size_t nargs)
{
	struct list l = {.a = a, .size = size, .read = read, .v = out, .n = n};

	assert(read && size > 0);
	*out = NULL;
	*n = 0;
	return db_each_args(db, e, sql, list_row, &l, args, nargs);
}

int
db_list_into(struct db *db, struct err *e, const char *sql, struct arena *a, size_t size,
	     db_read_fn *read, void *out, size_t *n, const struct db_arg *args, size_t nargs)
{
	void *v = NULL;
	int rc = db_list_args(db, e, sql, a, size, read, &v, n, args, nargs);

	/* Object pointers have one representation on every platform this builds on. */
	memcpy(out, &v, sizeof(v));
	return rc;
}

int
db_get_into(struct db *db, struct err *e, const char *sql, struct arena *a, size_t size,
	    db_read_fn *read, void *out, const struct db_arg *args, size_t nargs)
{
	void *row = arena_calloc(a, 1, size);
	int rc = db_get_args(db, e, sql, a, read, row, args, nargs);

	if (rc)
		row = NULL;
	memcpy(out, &row, sizeof(row)); /* as in db_list_into() */
	return rc;
}
