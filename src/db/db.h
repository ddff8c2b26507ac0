/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * db: one storage interface over two backends, SQLite (embedded default) and
 * PostgreSQL (shared by several stateless instances).  Only this folder
 * includes <sqlite3.h> or <libpq-fe.h>.
 *
 * SQL is written once with $1..$n parameters: PostgreSQL takes it natively,
 * the SQLite backend binds by name.  Statements are prepared once per
 * connection and cached by their text, so callers prepare and finalize freely.
 * Binds do not fail one by one: the statement keeps the first error and
 * db_step() reports it.
 *
 * A struct db is one connection and is used by one thread at a time; a
 * struct db_pool hands connections to request threads.
 */
#ifndef RATHAUS_DB_H
#define RATHAUS_DB_H

#include "core/err.h"
#include "core/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;
struct db_pool;

enum db_dialect { DB_SQLITE, DB_PG };

/* db_step() results besides errors; distinct from every enum err_code. */
enum { DB_ROW = 100, DB_DONE = 101 };

/*
 * Connect to `url`: "sqlite:PATH" (created if missing; WAL, foreign keys,
 * busy timeout) or "postgresql://..." / "postgres://...".  The caller closes
 * *out with db_close().  Returns 0 or ERR_DB / ERR_INVALID.
 */
int db_open(const char *url, struct db **out, struct err *e) MUST_CHECK;
void db_close(struct db *db);
enum db_dialect db_dialect(const struct db *db);

/* Run `sql`, one or more statements without parameters (migrations). */
int db_exec(struct db *db, const char *sql, struct err *e) MUST_CHECK;

/*
 * Prepare `sql` with $1..$n placeholders.  *out is valid until
 * db_finalize(), which returns it to the connection's cache.
 */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *e) MUST_CHECK;
void db_finalize(struct db_stmt *st); /* NULL is a no-op */

/*
 * Bind parameter $i (1-based).  Text is copied.  NULL text (a str with
 * p == NULL) binds SQL NULL.  Text with a NUL byte or malformed UTF-8 is
 * refused: db_step() returns ERR_INVALID.  A $i the SQL lacks is ignored.
 */
void db_bind_int64(struct db_stmt *st, int i, int64_t v);
void db_bind_text(struct db_stmt *st, int i, const char *s);
void db_bind_str(struct db_stmt *st, int i, struct str s);
void db_bind_null(struct db_stmt *st, int i);

/*
 * Run or advance the statement: DB_ROW when a row is ready, DB_DONE at the
 * end, else an error code (ERR_CONFLICT for unique/foreign-key violations,
 * ERR_DB for the rest) with the detail in `e`.
 */
int db_step(struct db_stmt *st, struct err *e);

/* Make the statement runnable again with new binds. */
void db_reset(struct db_stmt *st);

/* Columns of the current row, 0-based.  Text is borrowed until the next step. */
bool db_col_null(struct db_stmt *st, int i);
int64_t db_col_int64(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i); /* "" for NULL */
size_t db_col_len(struct db_stmt *st, int i);
/* Columns of the current row (0 when there is none). */
int db_col_count(struct db_stmt *st);
/* Text column i copied into arena `a` (lives in `a`; "" for NULL). */
struct arena;
char *db_col_dup(struct db_stmt *st, int i, struct arena *a);
/*
 * Text columns first, first+1, ... copied into `a`, one for each pointer:
 *	db_cols_dup(st, 0, a, &o->name, &o->street, &o->city);
 */
void db_cols_dup_n(struct db_stmt *st, int first, struct arena *a, const char **const *dst,
		   size_t n);
#define db_cols_dup(st, first, a, ...)                                                             \
	db_cols_dup_n((st), (first), (a), (const char **const[]){__VA_ARGS__},                     \
		      sizeof((const char **const[]){__VA_ARGS__}) / sizeof(const char **))
/* Integer columns first, first+1, ... one for each pointer, as db_cols_dup. */
void db_cols_int64_n(struct db_stmt *st, int first, int64_t *const *dst, size_t n);
#define db_cols_int64(st, first, ...)                                                              \
	db_cols_int64_n((st), (first), (int64_t *const[]){__VA_ARGS__},                            \
			sizeof((int64_t *const[]){__VA_ARGS__}) / sizeof(int64_t *))
/* Rows changed by the last INSERT/UPDATE/DELETE that ran to DB_DONE. */
int64_t db_changes(struct db_stmt *st);

/*
 * Step `st` to its end, passing over any rows: 0, or the error code.  The
 * statement stays prepared; the caller still finalizes it.
 */
int db_step_done(struct db_stmt *st, struct err *e) MUST_CHECK;

/*
 * One-call statements.  A parameter list is written with the DB_ macros
 * below, $1 first; each macro fixes the C type of its value, so passing an
 * int as text or a pointer as an int does not compile.  A bare value in the
 * list (not wrapped in a macro) draws -Wmissing-braces, and a bare number
 * that slips through is refused at run time as ERR_INTERNAL.
 *
 *	rc = db_run(db, e, "UPDATE office SET name = $3 WHERE tenant_id = $1 AND id = $2",
 *		    DB_INT(t->id), DB_INT(id), DB_TEXT(name));
 *
 * Text follows db_bind_text(): NULL text binds SQL NULL.  Each value is
 * evaluated once (the list's second mention sits in sizeof).
 */
enum db_arg_kind {
	/* Far from small integers, so a bare number in a list is noticed. */
	DB_ARG_INT64 = 0x5d1b00,
	DB_ARG_TEXT,
	DB_ARG_STR,
	DB_ARG_NULL,
	DB_ARG_ID,
};

struct db_arg {
	enum db_arg_kind kind;
	int64_t i;     /* DB_ARG_INT64, DB_ARG_ID */
	const char *t; /* DB_ARG_TEXT */
	struct str s;  /* DB_ARG_STR */
};

#define DB_INT(v) ((struct db_arg){.kind = DB_ARG_INT64, .i = (v)})
#define DB_TEXT(v) ((struct db_arg){.kind = DB_ARG_TEXT, .t = (v)})
#define DB_STR(v) ((struct db_arg){.kind = DB_ARG_STR, .s = (v)})
#define DB_NULL ((struct db_arg){.kind = DB_ARG_NULL})
/* A row id where 0 means "none": 0 binds SQL NULL. */
#define DB_ID(v) ((struct db_arg){.kind = DB_ARG_ID, .i = (v)})

/*
 * The list as an array and its length.  The leading empty element lets the
 * list be empty; it is skipped.
 */
#define DB_ARGS(...)                                                                               \
	((const struct db_arg[]){{0}, __VA_ARGS__} + 1),                                           \
		(sizeof((const struct db_arg[]){{0}, __VA_ARGS__}) / sizeof(struct db_arg) - 1)

/* Bind the `n` args to $first..$(first + n - 1) of `st`. */
void db_bind_args(struct db_stmt *st, int first, const struct db_arg *args, size_t n);

/*
 * Prepare `sql`, bind the list, step to the end and finalize.  With
 * `changes` non-NULL, *changes is the number of rows the statement changed.
 * Returns 0 or the error of db_prepare() / db_step().
 */
int db_run_args(struct db *db, struct err *e, int64_t *changes, const char *sql,
		const struct db_arg *args, size_t n) MUST_CHECK;
#define db_run(db, e, sql, ...) db_run_args((db), (e), NULL, (sql), DB_ARGS(__VA_ARGS__))
#define db_run_count(db, e, changes, sql, ...)                                                     \
	db_run_args((db), (e), (changes), (sql), DB_ARGS(__VA_ARGS__))

/*
 * The first column of the first row of `sql` as an integer: 0 with *out set,
 * ERR_NOTFOUND when there is no row (*out untouched), or the error.
 *
 *	rc = db_int64(db, e, &n, "SELECT count(*) FROM office WHERE tenant_id = $1",
 *		      DB_INT(t->id));
 */
int db_int64_args(struct db *db, struct err *e, int64_t *out, const char *sql,
		  const struct db_arg *args, size_t n) MUST_CHECK;
#define db_int64(db, e, out, sql, ...) db_int64_args((db), (e), (out), (sql), DB_ARGS(__VA_ARGS__))

/*
 * The first column of the first row of `sql` as text copied into arena `a`:
 * 0 with *out set, ERR_NOTFOUND when there is no row, or the error.
 */
int db_text_args(struct db *db, struct err *e, struct arena *a, const char **out, const char *sql,
		 const struct db_arg *args, size_t n) MUST_CHECK;
#define db_text(db, e, a, out, sql, ...)                                                           \
	db_text_args((db), (e), (a), (out), (sql), DB_ARGS(__VA_ARGS__))
/* The same for the first two columns, into *out and *out2 (both untouched when there is no row). */
int db_text2_args(struct db *db, struct err *e, struct arena *a, const char **out,
		  const char **out2, const char *sql, const struct db_arg *args,
		  size_t n) MUST_CHECK;
#define db_text2(db, e, a, out, out2, sql, ...)                                                    \
	db_text2_args((db), (e), (a), (out), (out2), (sql), DB_ARGS(__VA_ARGS__))

/*
 * Call fn(st, ctx, e) for each row of `sql`; the columns are read from `st`
 * as after db_step().  A non-zero return of `fn` stops the loop and is
 * returned.  Returns 0 after the last row, or the error.
 *
 *	static int add_name(struct db_stmt *st, void *ctx, struct err *e) { ... }
 *	rc = db_each(db, e, "SELECT name FROM office WHERE tenant_id = $1", add_name, &list,
 *		     DB_INT(t->id));
 */
typedef int db_row_fn(struct db_stmt *st, void *ctx, struct err *e);
int db_each_args(struct db *db, struct err *e, const char *sql, db_row_fn *fn, void *ctx,
		 const struct db_arg *args, size_t n) MUST_CHECK;
#define db_each(db, e, sql, fn, ctx, ...)                                                          \
	db_each_args((db), (e), (sql), (fn), (ctx), DB_ARGS(__VA_ARGS__))

/*
 * The rows of `sql` as an array in arena `a`: elements of `size` bytes,
 * zeroed, each filled by read(st, a, row) from the current row (strings it
 * keeps are copied into `a`).  *out is NULL when there are no rows; *out and
 * *n are set on error too, to what was read.
 *
 *	static void read_office(struct db_stmt *st, struct arena *a, void *row) { ... }
 *	void *v = NULL;
 *	rc = db_list(db, e, sql, a, sizeof(struct office), read_office, &v, &n, DB_INT(t->id));
 *	*out = v;
 */
typedef void db_read_fn(struct db_stmt *st, struct arena *a, void *row);
int db_list_args(struct db *db, struct err *e, const char *sql, struct arena *a, size_t size,
		 db_read_fn *read, void **out, size_t *n, const struct db_arg *args,
		 size_t nargs) MUST_CHECK;
#define db_list(db, e, sql, a, size, read, out, n, ...)                                            \
	db_list_args((db), (e), (sql), (a), (size), (read), (out), (n), DB_ARGS(__VA_ARGS__))
/*
 * db_list() into a typed array: `out` is the address of a `T *`, T the row
 * type that `read` fills, and the rows' size is taken from it.
 *
 *	rc = db_list_of(db, e, sql, a, read_office, out, n, DB_INT(t->id));
 */
#define db_list_of(db, e, sql, a, read, out, n, ...)                                               \
	db_list_into((db), (e), (sql), (a), sizeof(**(out)), (read), (out), (n),                   \
		     DB_ARGS(__VA_ARGS__))
/*
 * db_get() into a new row: *out (the address of a `T *`) is a zeroed T in
 * `a` filled from the first row of `sql`, or NULL when there is none
 * (ERR_NOTFOUND) or on error.
 */
#define db_get_of(db, e, sql, a, read, out, ...)                                                   \
	db_get_into((db), (e), (sql), (a), sizeof(**(out)), (read), (out), DB_ARGS(__VA_ARGS__))
int db_get_into(struct db *db, struct err *e, const char *sql, struct arena *a, size_t size,
		db_read_fn *read, void *out, const struct db_arg *args, size_t nargs) MUST_CHECK;
/* What db_list_of() calls: *(T **)out is set as db_list() sets its void *. */
int db_list_into(struct db *db, struct err *e, const char *sql, struct arena *a, size_t size,
		 db_read_fn *read, void *out, size_t *n, const struct db_arg *args,
		 size_t nargs) MUST_CHECK;

/*
 * Call read(st, a, obj) for each row of `sql`, all into the one object `obj`
 * (rows that add up to it: its settings, its opening hours).  Returns 0 after
 * the last row, or the error.
 */
int db_fill_args(struct db *db, struct err *e, const char *sql, struct arena *a, db_read_fn *read,
		 void *obj, const struct db_arg *args, size_t n) MUST_CHECK;
#define db_fill(db, e, sql, a, read, obj, ...)                                                     \
	db_fill_args((db), (e), (sql), (a), (read), (obj), DB_ARGS(__VA_ARGS__))

/*
 * Call fn(st, ctx, e) for the first row of `sql` only: its return, or
 * ERR_NOTFOUND when there is no row (with a generic detail in `e` that the
 * caller may overwrite), or the error.
 */
int db_one_args(struct db *db, struct err *e, const char *sql, db_row_fn *fn, void *ctx,
		const struct db_arg *args, size_t n) MUST_CHECK;
#define db_one(db, e, sql, fn, ctx, ...)                                                           \
	db_one_args((db), (e), (sql), (fn), (ctx), DB_ARGS(__VA_ARGS__))

/*
 * Fill `row` by read(st, a, row) from the first row of `sql` (strings it
 * keeps are copied into `a`): 0, ERR_NOTFOUND when there is no row (as
 * db_one), or the error.  The single-row twin of db_list():
 *
 *	rc = db_get(db, e, "SELECT name, city FROM office WHERE id = $1", a, read_office, &o,
 *		    DB_INT(id));
 */
int db_get_args(struct db *db, struct err *e, const char *sql, struct arena *a, db_read_fn *read,
		void *row, const struct db_arg *args, size_t n) MUST_CHECK;
#define db_get(db, e, sql, a, read, row, ...)                                                      \
	db_get_args((db), (e), (sql), (a), (read), (row), DB_ARGS(__VA_ARGS__))

/*
 * Transactions do not nest.  A statement that fails inside one dooms it, as
 * PostgreSQL does: db_commit() then rolls back and returns ERR_DB.  A failed
 * commit rolls back too.  SQLite's BEGIN takes the write lock at once.
 */
int db_begin(struct db *db, struct err *e) MUST_CHECK;
int db_commit(struct db *db, struct err *e) MUST_CHECK;
void db_rollback(struct db *db); /* safe when no transaction is open */
/*
 * End the open transaction by `rc`, the outcome of its work: commit when it
 * is 0 and return db_commit()'s result, else roll back and return `rc`.
 */
int db_end(struct db *db, int rc, struct err *e) MUST_CHECK;

/* Cheap liveness check for /healthz: 0 or ERR_DB. */
int db_ping(struct db *db, struct err *e);

/*
 * Apply the versioned migrations in `dir` (files NNNN_name.sql, in order)
 * that the schema_migrations table does not list yet, each in one
 * transaction.  In the files, @ID@ becomes the dialect's auto-increment
 * primary key and @BLOB@ its binary type.  *applied counts what ran.
 */
int db_migrate(struct db *db, const char *dir, int *applied, struct err *e) MUST_CHECK;

/*
 * Write a consistent copy of a SQLite database to the new file `path` while
 * the database stays in use (SQLite's online backup).  Returns 0,
 * ERR_INVALID on PostgreSQL (use pg_dump) or when `path` exists, else
 * ERR_IO / ERR_DB; a partial copy is removed.
 */
int db_backup(struct db *db, const char *path, struct err *e) MUST_CHECK;

/*
 * The pool: at most `max` connections to `url`, opened on demand.  A broken
 * PostgreSQL connection is reset on release.  Thread-safe.
 */
int db_pool_new(const char *url, int max, struct db_pool **out, struct err *e) MUST_CHECK;
void db_pool_free(struct db_pool *p);
/*
 * Borrow a connection; waits while all are busy.  Give it back with
 * db_pool_put(), its statements finalized; a forgotten transaction is rolled back.
 */
int db_pool_get(struct db_pool *p, struct db **out, struct err *e) MUST_CHECK;
void db_pool_put(struct db_pool *p, struct db *db);

#endif
