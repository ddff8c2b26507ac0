/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The storage front end: picks the backend from the URL, dispatches through
 * its struct db_ops, and keeps each connection's statement cache.
 *
 * The cache is a chained hash table keyed by the SQL text.  db_finalize()
 * does not destroy a statement but resets it and marks it idle, so the next
 * db_prepare() of the same text takes it back without a round trip.  A text
 * prepared again while its statement is still busy gets a second statement,
 * so loops may nest.  The statement state (ready, row, done, failed) is kept
 * here, so both backends answer a step after the end or a bind after a step
 * alike.
 *
 * A failed statement dooms the transaction it runs in: PostgreSQL refuses
 * everything after it, SQLite would go on and commit the rest.  We take
 * PostgreSQL's side on both, so db_commit() after a failure rolls back and
 * returns ERR_DB, and code tested on SQLite behaves the same on PostgreSQL.
 */
#include "db/db_int.h"

#include "core/hash.h"
#include "core/str.h"
#include "core/xalloc.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *
db_user_key(int code)
{
	switch (code) {
	case ERR_CONFLICT:
		return DB_USER_CONFLICT;
	case ERR_INVALID:
		return DB_USER_INVALID;
	default:
		return DB_USER_ERROR;
	}
}

const char *
db_sql_excerpt(const char *sql, char out[DB_EXCERPT_MAX])
{
	size_t n = 0;
	bool space = false;

	for (; *sql && n < DB_EXCERPT_MAX - 4; sql++) {
		if (isspace((unsigned char)*sql)) {
			space = n > 0;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = false;
		out[n++] = *sql;
	}
	if (*sql && n >= DB_EXCERPT_MAX - 4) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

int
db_url_ops(const char *url, const struct db_ops **ops, const char **target, struct err *e)
{
	struct str u = str_c(url);
	struct str scheme;

	if (str_starts(u, "sqlite:")) {
		*ops = &db_sqlite_ops;
		*target = url + strlen("sqlite:");
		if (**target == '\0')
			return err_set(e, ERR_INVALID, DB_USER_INVALID,
				       "database url 'sqlite:' has no path");
		return 0;
	}
	if (str_starts(u, "postgresql://") || str_starts(u, "postgres://")) {
		*ops = &db_pg_ops;
		*target = url;
		return 0;
	}
	/* Only the scheme goes to the log: the rest may hold a password. */
	str_cut(u, ':', &scheme);
	return err_set(e, ERR_INVALID, DB_USER_INVALID,
		       "database url scheme '%.*s' is not sqlite: or postgresql://",
		       (int)(scheme.len > 32 ? 32 : scheme.len), scheme.p ? scheme.p : "");
}

int
db_open(const char *url, struct db **out, struct err *e)
{
	const struct db_ops *ops = NULL;
	const char *target = NULL;
	struct db *db = NULL;
	int rc;

	assert(url && out);
	*out = NULL;
	rc = db_url_ops(url, &ops, &target, e);
	if (rc != 0)
		return rc;
	rc = ops->open(target, &db, e);
	if (rc != 0)
		return rc;
	db->ops = ops;
	*out = db;
	return 0;
}

/* Statements are short and few, so any hash that spreads them will do. */
static uint64_t
sql_hash(const char *sql)
{
	return hash_fnv1a(sql, strlen(sql));
}

static struct db_stmt **
bucket(struct db *db, uint64_t hash)
{
	return &db->cache[hash & (DB_CACHE_BUCKETS - 1)];
}

static void
stmt_destroy(struct db_stmt *st)
{
	free(st->sql);
	st->db->ops->finalize(st);
}

/* Unlink `st` from its bucket and destroy it. */
static void
cache_remove(struct db *db, struct db_stmt *st)
{
	struct db_stmt **pp = bucket(db, st->hash);

	while (*pp != st)
		pp = &(*pp)->next;
	*pp = st->next;
	db->n_stmts--;
	if (st->is_busy)
		db->n_busy--;
	stmt_destroy(st);
}

/* Destroy every statement of the connection, busy ones too. */
static void
cache_clear(struct db *db)
{
	for (size_t i = 0; i < DB_CACHE_BUCKETS; i++) {
		while (db->cache[i])
			cache_remove(db, db->cache[i]);
	}
	assert(db->n_stmts == 0 && db->n_busy == 0);
}

void
db_close(struct db *db)
{
	if (!db)
		return;
	db->is_closing = true;
	cache_clear(db);
	db->ops->close(db);
}

enum db_dialect
db_dialect(const struct db *db)
{
	return db->ops->dialect;
}

/* Note a failure of a statement of `db`; returns `rc`. */
static int
failed(struct db *db, int rc)
{
	if (db->in_tx)
		db->tx_failed = true;
	return rc;
}

int
db_exec(struct db *db, const char *sql, struct err *e)
{
	int rc;

	assert(db && sql);
	rc = db->ops->exec(db, sql, e);
	return rc == 0 ? 0 : failed(db, rc);
}

static struct db_stmt *
cache_take(struct db *db, const char *sql, uint64_t hash)
{
	for (struct db_stmt *st = *bucket(db, hash); st; st = st->next) {
		if (!st->is_busy && st->hash == hash && strcmp(st->sql, sql) == 0)
			return st;
	}
	return NULL;
}

int
db_prepare(struct db *db, const char *sql, struct db_stmt **out, struct err *e)
{
	uint64_t hash = sql_hash(sql);
	struct db_stmt *st;
	struct db_stmt **head;
	int rc;

	assert(db && sql && out);
	*out = NULL;
	st = cache_take(db, sql, hash);
	if (!st) {
		rc = db->ops->prepare(db, sql, &st, e);
		if (rc != 0)
			return failed(db, rc);
		st->db = db;
		st->sql = xstrdup(sql);
		st->hash = hash;
		st->state = DB_STMT_READY;
		err_clear(&st->err);
		head = bucket(db, hash);
		st->next = *head;
		*head = st;
		db->n_stmts++;
	}
	st->is_busy = true;
	db->n_busy++;
	*out = st;
	return 0;
}

void
db_finalize(struct db_stmt *st)
{
	struct db *db;

	if (!st)
		return;
	db = st->db;
	assert(st->is_busy);
	/* A SQLite statement left on a row would hold its read snapshot open. */
	db->ops->reset(st);
	db->ops->clear_bindings(st);
	st->state = DB_STMT_READY;
	st->changes = 0;
	err_clear(&st->err);
	st->is_busy = false;
	db->n_busy--;
	if (db->n_stmts > DB_CACHE_MAX)
		cache_remove(db, st);
}

/* Whether a bind of $i may go ahead; otherwise the error is kept in `st`. */
static bool
bind_ok(struct db_stmt *st, int i)
{
	assert(st && st->is_busy);
	if (st->err.code)
		return false; /* the first error wins */
	if (st->state != DB_STMT_READY) {
		err_set(&st->err, ERR_INTERNAL, DB_USER_ERROR,
			"bind of $%d after db_step() without db_reset()", i);
		return false;
	}
	if (i < 1) {
		err_set(&st->err, ERR_INTERNAL, DB_USER_ERROR,
			"bind of $%d: parameters start at $1", i);
		return false;
	}
	return true;
}

void
db_bind_int64(struct db_stmt *st, int i, int64_t v)
{
	if (bind_ok(st, i))
		(void)st->db->ops->bind_int64(st, i, v, &st->err);
}

void
db_bind_text(struct db_stmt *st, int i, const char *s)
{
	db_bind_str(st, i, (struct str){s, s ? strlen(s) : 0});
}

void
db_bind_str(struct db_stmt *st, int i, struct str s)
{
	if (!bind_ok(st, i))
		return;
	if (!s.p) {
		(void)st->db->ops->bind_null(st, i, &st->err);
		return;
	}
	/*
	 * PostgreSQL refuses NUL and malformed UTF-8 in text; refusing them
	 * here too keeps the two backends alike and SQLite's data clean.
	 */
	if (memchr(s.p, '\0', s.len)) {
		err_set(&st->err, ERR_INVALID, DB_USER_INVALID, "text for $%d holds a NUL byte", i);
		return;
	}
	if (!str_valid_utf8(s)) {
		err_set(&st->err, ERR_INVALID, DB_USER_INVALID, "text for $%d is not valid UTF-8",
			i);
		return;
	}
	(void)st->db->ops->bind_text(st, i, s.p, s.len, &st->err);
}

void
db_bind_null(struct db_stmt *st, int i)
{
	if (bind_ok(st, i))
		(void)st->db->ops->bind_null(st, i, &st->err);
}

int
db_step(struct db_stmt *st, struct err *e)
{
	int rc;

	assert(st && st->is_busy);
	if (st->err.code) {
		if (e)
			*e = st->err;
		return failed(st->db, st->err.code);
	}
	switch (st->state) {
	case DB_STMT_DONE:
		return DB_DONE;
	case DB_STMT_FAILED:
		return failed(st->db, err_set(e, ERR_INTERNAL, DB_USER_ERROR,
					      "step after a failed step without db_reset()"));
	default:
		break;
	}
	rc = st->db->ops->step(st, e);
	if (rc == DB_ROW) {
		st->state = DB_STMT_ROW;
	} else if (rc == DB_DONE) {
		st->state = DB_STMT_DONE;
		st->changes = st->db->ops->changes(st);
	} else {
		st->state = DB_STMT_FAILED;
		failed(st->db, rc);
	}
	return rc;
}

void
db_reset(struct db_stmt *st)
{
	assert(st && st->is_busy);
	st->db->ops->reset(st);
	st->state = DB_STMT_READY;
	st->changes = 0;
	err_clear(&st->err);
}

bool
db_col_null(struct db_stmt *st, int i)
{
	return st->state != DB_STMT_ROW || st->db->ops->col_null(st, i);
}

int64_t
db_col_int64(struct db_stmt *st, int i)
{
	return st->state == DB_STMT_ROW ? st->db->ops->col_int64(st, i) : 0;
}

const char *
db_col_text(struct db_stmt *st, int i)
{
	return st->state == DB_STMT_ROW ? st->db->ops->col_text(st, i) : "";
}

size_t
db_col_len(struct db_stmt *st, int i)
{
	return st->state == DB_STMT_ROW ? st->db->ops->col_len(st, i) : 0;
}

int
db_col_count(struct db_stmt *st)
{
	return st->state == DB_STMT_ROW ? st->db->ops->col_count(st) : 0;
}

int64_t
db_changes(struct db_stmt *st)
{
	return st->changes;
}

int
db_begin(struct db *db, struct err *e)
{
	int rc = db->ops->begin(db, e);

	if (rc == 0) {
		db->in_tx = true;
		db->tx_failed = false;
	}
	return rc;
}

int
db_commit(struct db *db, struct err *e)
{
	int rc;

	if (db->tx_failed) {
		db_rollback(db);
		return err_set(e, ERR_DB, DB_USER_ERROR,
			       "commit after a failed statement: the transaction was rolled back");
	}
	rc = db->ops->commit(db, e);
	/* A failed commit (a deferred constraint, say) ends the transaction too. */
	if (rc != 0)
		db->ops->rollback(db);
	db->in_tx = false;
	return rc;
}

void
db_rollback(struct db *db)
{
	db->ops->rollback(db);
	db->in_tx = false;
	db->tx_failed = false;
}

int
db_ping(struct db *db, struct err *e)
{
	return db->ops->ping(db, e);
}

int
db_backup(struct db *db, const char *path, struct err *e)
{
	assert(db && path);
	if (!db->ops->backup)
		return err_set(e, ERR_INVALID, DB_USER_INVALID,
			       "backup of a %s database: use its own tools", db->ops->name);
	return db->ops->backup(db, path, e);
}

int
db_recycle(struct db *db, struct err *e)
{
	assert(db->n_busy == 0);
	db_rollback(db);
	if (!db->ops->is_broken || !db->ops->is_broken(db))
		return 0;
	/* The server forgot the prepared statements with the session. */
	cache_clear(db);
	return db->ops->revive(db, e);
}
