/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The SQLite backend.  A connection is used by one thread at a time (the
 * pool hands it over under its mutex), so it is opened with
 * SQLITE_OPEN_NOMUTEX.  $1..$n are bound by name, since SQLite numbers named
 * parameters in order of first appearance, not by their digits.  Caveat:
 * SQLite reads "$1::text" as one parameter name, so PostgreSQL casts belong
 * in dialect-specific SQL only.
 */
#include "db/db_int.h"

#include "core/xalloc.h"

#include <assert.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How long a writer waits for another connection's write lock. */
#define SQLITE_BUSY_MS 5000

static const char SQLITE_SETUP_SQL[] = "PRAGMA journal_mode = WAL;"
				       "PRAGMA synchronous = NORMAL;"
				       "PRAGMA foreign_keys = ON;";

struct sqlite_db {
	struct db base; /* first: db.c sees this */
	sqlite3 *h;
};

struct sqlite_stmt {
	struct db_stmt base; /* first: db.c sees this */
	sqlite3_stmt *h;
};

static_assert(offsetof(struct sqlite_db, base) == 0, "base first");
static_assert(offsetof(struct sqlite_stmt, base) == 0, "base first");

static sqlite3 *
handle(struct db *db)
{
	return ((struct sqlite_db *)db)->h;
}

static sqlite3_stmt *
stmt_handle(struct db_stmt *st)
{
	return ((struct sqlite_stmt *)st)->h;
}

/* Our code for SQLite result `rc`: constraint violations are conflicts. */
static int
code_of(int rc)
{
	return (rc & 0xff) == SQLITE_CONSTRAINT ? ERR_CONFLICT : ERR_DB;
}

/* Record the failure `rc` of `what` with the connection's message. */
static int
fail(sqlite3 *h, int rc, const char *what, struct err *e)
{
	int code = code_of(rc);

	return err_set(e, code, db_user_key(code), "sqlite %s: %s (%d)", what,
		       h ? sqlite3_errmsg(h) : sqlite3_errstr(rc), rc);
}

static int
sqlite_open(const char *path, struct db **out, struct err *e)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	struct sqlite_db *db;
	sqlite3 *h = NULL;
	char *msg = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &h, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = err_set(e, ERR_DB, DB_USER_ERROR, "sqlite open '%s': %s", path,
			     h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		goto out_close;
	}
	sqlite3_extended_result_codes(h, 1);
	/* Before the pragmas: switching to WAL needs a lock another connection may hold. */
	sqlite3_busy_timeout(h, SQLITE_BUSY_MS);
	rc = sqlite3_exec(h, SQLITE_SETUP_SQL, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		rc = err_set(e, ERR_DB, DB_USER_ERROR, "sqlite setup of '%s': %s", path,
			     msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		goto out_close;
	}
	db = xcalloc(1, sizeof(*db));
	db->h = h;
	*out = &db->base;
	return 0;
out_close:
	sqlite3_close_v2(h);
	return rc;
}

static void
sqlite_close(struct db *db)
{
	sqlite3_close_v2(handle(db));
	free(db);
}

static int
sqlite_exec(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL;
	int rc, code;

	rc = sqlite3_exec(handle(db), sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return 0;
	code = code_of(rc);
	err_set(e, code, db_user_key(code), "sqlite exec: %s (%d)", msg ? msg : sqlite3_errstr(rc),
		rc);
	sqlite3_free(msg);
	return code;
}

/* True when `tail` holds another statement, not just blanks and comments. */
static bool
has_more(sqlite3 *h, const char *tail)
{
	sqlite3_stmt *next = NULL;

	tail += strspn(tail, " \t\r\n;");
	if (*tail == '\0')
		return false;
	if (sqlite3_prepare_v2(h, tail, -1, &next, NULL) != SQLITE_OK)
		return true;
	sqlite3_finalize(next);
	return next != NULL;
}

static int
sqlite_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *e)
{
	sqlite3 *h = handle(db);
	sqlite3_stmt *stmt = NULL;
	struct sqlite_stmt *st;
	const char *tail = NULL;
	char excerpt[DB_EXCERPT_MAX];
	int rc;

	rc = sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
	if (rc != SQLITE_OK)
		return err_set(e, ERR_DB, DB_USER_ERROR, "sqlite prepare \"%s\": %s (%d)",
			       db_sql_excerpt(sql, excerpt), sqlite3_errmsg(h), rc);
	/* PostgreSQL prepares exactly one statement; so do we. */
	if (!stmt || has_more(h, tail)) {
		sqlite3_finalize(stmt);
		return err_set(e, ERR_DB, DB_USER_ERROR,
			       "sqlite prepare \"%s\": not exactly one statement",
			       db_sql_excerpt(sql, excerpt));
	}
	st = xcalloc(1, sizeof(*st));
	st->h = stmt;
	*out = &st->base;
	return 0;
}

static void
sqlite_finalize(struct db_stmt *st)
{
	sqlite3_finalize(stmt_handle(st));
	free(st);
}

/* SQLite's index of parameter $i, 0 when the SQL does not use it. */
static int
param_index(struct db_stmt *st, int i)
{
	char name[16];

	snprintf(name, sizeof(name), "$%d", i);
	return sqlite3_bind_parameter_index(stmt_handle(st), name);
}

static int
bind_result(struct db_stmt *st, int i, int rc, struct err *e)
{
	char what[32];

	if (rc == SQLITE_OK)
		return 0;
	snprintf(what, sizeof(what), "bind $%d", i);
	return fail(sqlite3_db_handle(stmt_handle(st)), rc, what, e);
}

static int
sqlite_bind_int64(struct db_stmt *st, int i, int64_t v, struct err *e)
{
	int idx = param_index(st, i);

	if (idx == 0)
		return 0;
	return bind_result(st, i, sqlite3_bind_int64(stmt_handle(st), idx, v), e);
}

static int
sqlite_bind_text(struct db_stmt *st, int i, const char *p, size_t len, struct err *e)
{
	int idx = param_index(st, i);

	if (idx == 0)
		return 0;
	return bind_result(
		st, i,
		sqlite3_bind_text64(stmt_handle(st), idx, p, len, SQLITE_TRANSIENT, SQLITE_UTF8),
		e);
}

static int
sqlite_bind_null(struct db_stmt *st, int i, struct err *e)
{
	int idx = param_index(st, i);

	if (idx == 0)
		return 0;
	return bind_result(st, i, sqlite3_bind_null(stmt_handle(st), idx), e);
}

static void
sqlite_clear_bindings(struct db_stmt *st)
{
	sqlite3_clear_bindings(stmt_handle(st));
}

static int
sqlite_step(struct db_stmt *st, struct err *e)
{
	sqlite3_stmt *h = stmt_handle(st);
	int rc = sqlite3_step(h);

	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return fail(sqlite3_db_handle(h), rc, "step", e);
}

static void
sqlite_reset(struct db_stmt *st)
{
	/* Returns the last step's error again, which db_step() reported already. */
	(void)sqlite3_reset(stmt_handle(st));
}

static bool
col_ok(struct db_stmt *st, int i)
{
	return i >= 0 && i < sqlite3_column_count(stmt_handle(st));
}

static bool
sqlite_col_null(struct db_stmt *st, int i)
{
	return !col_ok(st, i) || sqlite3_column_type(stmt_handle(st), i) == SQLITE_NULL;
}

static int64_t
sqlite_col_int64(struct db_stmt *st, int i)
{
	return col_ok(st, i) ? sqlite3_column_int64(stmt_handle(st), i) : 0;
}

static const char *
sqlite_col_text(struct db_stmt *st, int i)
{
	const unsigned char *s = col_ok(st, i) ? sqlite3_column_text(stmt_handle(st), i) : NULL;

	return s ? (const char *)s : "";
}

static int
sqlite_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(stmt_handle(st));
}

static size_t
sqlite_col_len(struct db_stmt *st, int i)
{
	if (!col_ok(st, i))
		return 0;
	/* The text conversion first, so the length is that of the text. */
	(void)sqlite3_column_text(stmt_handle(st), i);
	return (size_t)sqlite3_column_bytes(stmt_handle(st), i);
}

static int64_t
sqlite_changes(struct db_stmt *st)
{
	sqlite3_stmt *h = stmt_handle(st);

	/* sqlite3_changes64() still counts the last write after a SELECT. */
	if (sqlite3_stmt_readonly(h))
		return 0;
	return sqlite3_changes64(sqlite3_db_handle(h));
}

static int
run(struct db *db, const char *sql, const char *what, struct err *e)
{
	int rc = sqlite3_exec(handle(db), sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : fail(handle(db), rc, what, e);
}

static int
sqlite_begin(struct db *db, struct err *e)
{
	/*
	 * IMMEDIATE takes the write lock now, where busy_timeout waits for it.
	 * A deferred transaction that reads and then writes fails at once with
	 * SQLITE_BUSY when another connection wrote in between.
	 */
	return run(db, "BEGIN IMMEDIATE", "begin", e);
}

static int
sqlite_commit(struct db *db, struct err *e)
{
	return run(db, "COMMIT", "commit", e);
}

static void
sqlite_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(handle(db)))
		(void)sqlite3_exec(handle(db), "ROLLBACK", NULL, NULL, NULL);
}

static int
sqlite_ping(struct db *db, struct err *e)
{
	return run(db, "SELECT 1", "ping", e);
}

static int
sqlite_backup(struct db *db, const char *path, struct err *e)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	sqlite3_backup *b = NULL;
	sqlite3 *dst = NULL;
	int rc;

	/* Never over an existing file: it might be the live database itself. */
	if (access(path, F_OK) == 0)
		return err_set(e, ERR_INVALID, DB_USER_INVALID, "backup file '%s' exists", path);
	rc = sqlite3_open_v2(path, &dst, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = err_set(e, ERR_IO, DB_USER_ERROR, "sqlite backup to '%s': %s", path,
			     dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", handle(db), "main");
	if (!b) {
		rc = fail(dst, sqlite3_errcode(dst), "backup", e);
		goto out;
	}
	/*
	 * All pages in one step, so the copy is one snapshot; in WAL mode the
	 * other connections keep writing meanwhile.
	 */
	rc = sqlite3_backup_step(b, -1);
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	if (sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_OK)
		rc = sqlite3_errcode(dst);
	rc = rc == SQLITE_OK ? 0 : fail(dst, rc, "backup", e);
out:
	sqlite3_close_v2(dst);
	if (rc != 0)
		unlink(path);
	return rc;
}

const struct db_ops db_sqlite_ops = {
	.name = "sqlite",
	.dialect = DB_SQLITE,
	.open = sqlite_open,
	.close = sqlite_close,
	.exec = sqlite_exec,
	.prepare = sqlite_prepare,
	.finalize = sqlite_finalize,
	.bind_int64 = sqlite_bind_int64,
	.bind_text = sqlite_bind_text,
	.bind_null = sqlite_bind_null,
	.clear_bindings = sqlite_clear_bindings,
	.step = sqlite_step,
	.reset = sqlite_reset,
	.col_null = sqlite_col_null,
	.col_int64 = sqlite_col_int64,
	.col_text = sqlite_col_text,
	.col_len = sqlite_col_len,
	.col_count = sqlite_col_count,
	.changes = sqlite_changes,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.ping = sqlite_ping,
	.backup = sqlite_backup,
};
