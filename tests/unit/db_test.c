/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the storage layer on the backend RATHAUS_TEST_DB names (sqlite:PATH
 * or a postgresql:// URL), by default a SQLite file in a fresh temporary
 * directory.  On PostgreSQL each test works in a schema of its own, dropped
 * before and after, so reruns start clean; on SQLite each test drops its
 * tables before creating them.
 */
#include "db/db.h"

#include "core/err.h"
#include "core/str.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define URL_MAX 1024

static char base_url[URL_MAX]; /* the backend under test */
static bool is_pg;
static char sqlite_dir[64]; /* our temporary directory, "" when the URL came from outside */
static int test_seq;	    /* numbers the per-test schemas */

struct fixture {
	char url[URL_MAX + 128]; /* of this test: base_url, on PostgreSQL with its schema */
	char schema[64];	 /* PostgreSQL only */
	char dir[PATH_MAX];	 /* migration files, "" until make_dir() */
	struct db *db;
	struct err e;
};

/* Assert that `expr` returned 0, showing the error detail when not. */
#define ASSERT_OK(f, expr)                                                                         \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		if (rc_ != 0)                                                                      \
			print_error("%s: %s\n", #expr, (f)->e.detail);                             \
		assert_int_equal(rc_, 0);                                                          \
	} while (0)

/* Assert that stepping `st` gives `want`, showing the error detail when not. */
#define ASSERT_STEP(f, st, want)                                                                   \
	do {                                                                                       \
		int rc_ = db_step((st), &(f)->e);                                                  \
		if (rc_ != (want))                                                                 \
			print_error("step: %d: %s\n", rc_, (f)->e.detail);                         \
		assert_int_equal(rc_, (want));                                                     \
	} while (0)

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct db *admin = NULL;
	char sql[256];

	assert_non_null(f);
	snprintf(f->url, sizeof(f->url), "%s", base_url);
	if (is_pg) {
		snprintf(f->schema, sizeof(f->schema), "rathaus_db_test_%d", ++test_seq);
		assert_int_equal(db_open(base_url, &admin, &f->e), 0);
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
			 f->schema, f->schema);
		ASSERT_OK(f, db_exec(admin, sql, &f->e));
		db_close(admin);
		/* libpq's "options" reaches every connection of the test, pooled ones too. */
		snprintf(f->url, sizeof(f->url), "%s%coptions=-c%%20search_path%%3D%s", base_url,
			 strchr(base_url, '?') ? '&' : '?', f->schema);
	}
	ASSERT_OK(f, db_open(f->url, &f->db, &f->e));
	*state = f;
	return 0;
}

static void
remove_dir(const char *dir)
{
	char path[PATH_MAX + 256];
	struct dirent *ent;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((ent = readdir(d))) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char sql[128];

	if (f->db) {
		db_rollback(f->db);
		if (is_pg) {
			/* A failed test may leave a session holding locks: do not wait forever. */
			snprintf(sql, sizeof(sql),
				 "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS %s CASCADE",
				 f->schema);
			if (db_exec(f->db, sql, &f->e) != 0)
				print_error("teardown: %s\n", f->e.detail);
		}
		db_close(f->db);
	}
	if (f->dir[0])
		remove_dir(f->dir);
	free(f);
	return 0;
}

static void
exec_ok(struct fixture *f, const char *sql)
{
	ASSERT_OK(f, db_exec(f->db, sql, &f->e));
}

/* The first column of the first row of `sql` on connection `db`. */
static int64_t
query_int64_on(struct fixture *f, struct db *db, const char *sql)
{
	struct db_stmt *st = NULL;
	int64_t v;

	ASSERT_OK(f, db_prepare(db, sql, &st, &f->e));
	ASSERT_STEP(f, st, DB_ROW);
	v = db_col_int64(st, 0);
	db_finalize(st);
	return v;
}

static int64_t
query_int64(struct fixture *f, const char *sql)
{
	return query_int64_on(f, f->db, sql);
}

/* Run `sql` with $1 = a, to its end. */
static int
insert_int64(struct fixture *f, const char *sql, int64_t a)
{
	struct db_stmt *st = NULL;
	int rc;

	ASSERT_OK(f, db_prepare(f->db, sql, &st, &f->e));
	db_bind_int64(st, 1, a);
	rc = db_step(st, &f->e);
	db_finalize(st);
	return rc;
}

static void
test_open_rejects_an_unknown_url(void **state)
{
	struct fixture *f = *state;
	struct db *db = NULL;

	assert_int_equal(db_open("mysql://user:secret@host/db", &db, &f->e), ERR_INVALID);
	assert_null(db);
	assert_null(strstr(f->e.detail, "secret"));
	assert_int_equal(db_open("sqlite:", &db, &f->e), ERR_INVALID);
	assert_int_equal(db_open("", &db, &f->e), ERR_INVALID);
	assert_null(db);
}

static void
test_open_gives_a_live_connection_of_the_urls_dialect(void **state)
{
	struct fixture *f = *state;
	struct db *db = NULL;

	ASSERT_OK(f, db_open(f->url, &db, &f->e));
	assert_int_equal(db_dialect(db), is_pg ? DB_PG : DB_SQLITE);
	ASSERT_OK(f, db_ping(db, &f->e));
	db_close(db);
	db_close(NULL);
	db_finalize(NULL);
}

static void
test_open_of_an_unreachable_database_is_db_error(void **state)
{
	struct fixture *f = *state;
	struct db *db = NULL;

	assert_int_equal(db_open("sqlite:/nonexistent-rathaus-dir/x.db", &db, &f->e), ERR_DB);
	assert_null(db);
	assert_true(f->e.detail[0] != '\0');
	/* Port 1 refuses at once. */
	assert_int_equal(
		db_open("postgresql://rathaus@127.0.0.1:1/x?connect_timeout=2", &db, &f->e),
		ERR_DB);
	assert_null(db);
	assert_true(f->e.detail[0] != '\0');
}

static void
test_exec_runs_several_statements_at_once(void **state)
{
	struct fixture *f = *state;

	exec_ok(f, "DROP TABLE IF EXISTS t_exec; CREATE TABLE t_exec (a BIGINT);"
		   "INSERT INTO t_exec VALUES (1); INSERT INTO t_exec VALUES (2)");
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_exec"), 2);
}

static void
test_exec_of_bad_sql_is_db_error_with_detail(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(db_exec(f->db, "SELEKT 1", &f->e), ERR_DB);
	assert_string_equal(f->e.user, "error.internal");
	assert_true(f->e.detail[0] != '\0');
}

static void
test_int64_text_and_null_round_trip(void **state)
{
	static const char INSERT_SQL[] = "INSERT INTO t_types (k, i, s, n) VALUES ($1, $2, $3, $4)";
	static const char SELECT_SQL[] = "SELECT i, s, n FROM t_types ORDER BY k";
	static const int64_t nums[] = {INT64_MAX, INT64_MIN, 0};
	static const char *const texts[] = {"hello", "", "x"};
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	exec_ok(f, "DROP TABLE IF EXISTS t_types;"
		   "CREATE TABLE t_types (k BIGINT, i BIGINT, s TEXT, n TEXT)");
	ASSERT_OK(f, db_prepare(f->db, INSERT_SQL, &st, &f->e));
	for (int k = 0; k < 3; k++) {
		db_bind_int64(st, 1, k);
		db_bind_int64(st, 2, nums[k]);
		db_bind_text(st, 3, texts[k]);
		if (k == 2)
			db_bind_text(st, 4, NULL);
		else
			db_bind_null(st, 4);
		ASSERT_STEP(f, st, DB_DONE);
		db_reset(st);
	}
	db_finalize(st);

	ASSERT_OK(f, db_prepare(f->db, SELECT_SQL, &st, &f->e));
	for (int k = 0; k < 3; k++) {
		ASSERT_STEP(f, st, DB_ROW);
		assert_false(db_col_null(st, 0));
		assert_true(db_col_int64(st, 0) == nums[k]);
		assert_false(db_col_null(st, 1)); /* "" is not NULL */
		assert_string_equal(db_col_text(st, 1), texts[k]);
		assert_int_equal(db_col_len(st, 1), strlen(texts[k]));
		assert_true(db_col_null(st, 2));
		assert_string_equal(db_col_text(st, 2), "");
		assert_int_equal(db_col_len(st, 2), 0);
		assert_int_equal(db_col_int64(st, 2), 0);
	}
	ASSERT_STEP(f, st, DB_DONE);
	db_finalize(st);
}

static void
test_str_binds_only_its_length_and_null_pointer_binds_null(void **state)
{
	static const char sentence[] = "hello world";
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(f, db_prepare(f->db, "SELECT $1, $2", &st, &f->e));
	db_bind_str(st, 1, (struct str){sentence + 6, 3});
	db_bind_str(st, 2, STR_NULL);
	ASSERT_STEP(f, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "wor");
	assert_int_equal(db_col_len(st, 0), 3);
	assert_true(db_col_null(st, 1));
	db_finalize(st);
}

static void
test_text_with_nul_byte_or_bad_utf8_is_refused_at_step(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	exec_ok(f, "DROP TABLE IF EXISTS t_nul; CREATE TABLE t_nul (s TEXT)");
	ASSERT_OK(f, db_prepare(f->db, "INSERT INTO t_nul (s) VALUES ($1)", &st, &f->e));
	db_bind_str(st, 1, (struct str){"a\0b", 3});
	assert_int_equal(db_step(st, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "$1"));
	db_reset(st);
	db_bind_text(st, 1, "caf\xe9"); /* Latin-1, not UTF-8 */
	assert_int_equal(db_step(st, &f->e), ERR_INVALID);
	db_reset(st);
	db_bind_text(st, 1, "ok");
	ASSERT_STEP(f, st, DB_DONE);
	db_finalize(st);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_nul"), 1);
}

static void
test_utf8_text_round_trips(void **state)
{
	static const char umlauts[] = "Grüße aus Köln: ä ö ü ß";
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	exec_ok(f, "DROP TABLE IF EXISTS t_utf8; CREATE TABLE t_utf8 (s TEXT)");
	ASSERT_OK(f, db_prepare(f->db, "INSERT INTO t_utf8 (s) VALUES ($1)", &st, &f->e));
	db_bind_text(st, 1, umlauts);
	ASSERT_STEP(f, st, DB_DONE);
	db_finalize(st);
	ASSERT_OK(f, db_prepare(f->db, "SELECT s, length(s) FROM t_utf8", &st, &f->e));
	ASSERT_STEP(f, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), umlauts);
	assert_int_equal(db_col_len(st, 0), strlen(umlauts));
	/* The database counts characters, so it took the bytes as UTF-8. */
	assert_int_equal(db_col_int64(st, 1), 23);
	db_finalize(st);
}

static void
test_repeated_parameter_is_bound_in_every_place(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	exec_ok(f, "DROP TABLE IF EXISTS t_rep; CREATE TABLE t_rep (a BIGINT, b BIGINT, c TEXT)");
	ASSERT_OK(f,
		  db_prepare(f->db, "INSERT INTO t_rep (c, a, b) VALUES ($2, $1, $1)", &st, &f->e));
	db_bind_int64(st, 1, 7);
	db_bind_text(st, 2, "x");
	ASSERT_STEP(f, st, DB_DONE);
	db_finalize(st);
	ASSERT_OK(f, db_prepare(f->db, "SELECT a, b, c FROM t_rep WHERE a = $1 AND b = $1", &st,
				&f->e));
	db_bind_int64(st, 1, 7);
	ASSERT_STEP(f, st, DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 7);
	assert_int_equal(db_col_int64(st, 1), 7);
	assert_string_equal(db_col_text(st, 2), "x");
	ASSERT_STEP(f, st, DB_DONE);
	db_finalize(st);
}

static void
test_parameters_bind_by_number_not_by_position(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(f, db_prepare(f->db, "SELECT $2, $1", &st, &f->e));
	db_bind_text(st, 1, "one");
	db_bind_text(st, 2, "two");
	ASSERT_STEP(f, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "two");
	assert_string_equal(db_col_text(st, 1), "one");
	db_finalize(st);
}

static void
test_parameter_absent_from_sql_is_ignored_and_unbound_one_is_null(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(f, db_prepare(f->db, "SELECT $1, $2", &st, &f->e));
	db_bind_text(st, 2, "b");
	db_bind_text(st, 3, "not in the sql");
	ASSERT_STEP(f, st, DB_ROW);
	assert_true(db_col_null(st, 0));
	assert_string_equal(db_col_text(st, 1), "b");
	db_finalize(st);
}

static void
test_dollars_in_literals_and_comments_are_not_parameters(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(f,
		  db_prepare(f->db, "SELECT '$3''$4' AS \"$5\" /* $6 */, $1 -- $7\n", &st, &f->e));
	db_bind_text(st, 1, "p");
	ASSERT_STEP(f, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "$3'$4");
	assert_string_equal(db_col_text(st, 1), "p");
	db_finalize(st);
	if (!is_pg)
		return;
	/* PostgreSQL's own quoting: dollar quotes and escape strings. */
	ASSERT_OK(f, db_prepare(f->db, "SELECT $$ $8 $$, $q$ $9 $q$, E'\\' $10', $1", &st, &f->e));
	db_bind_text(st, 1, "p");
	ASSERT_STEP(f, st, DB_ROW);
	assert_string_equal(db_col_text(st, 2), "' $10");
	assert_string_equal(db_col_text(st, 3), "p");
	db_finalize(st);
}

static void
test_boolean_column_reads_as_one_or_zero(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(f, db_prepare(f->db, "SELECT 1 = 1, 1 = 2", &st, &f->e));
	ASSERT_STEP(f, st, DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 1);
	assert_int_equal(db_col_int64(st, 1), 0);
	db_finalize(st);
}

static void
test_unique_violation_is_conflict(void **state)
{
	static const char SQL[] = "INSERT INTO t_uniq (email) VALUES ($1)";
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	exec_ok(f, "DROP TABLE IF EXISTS t_uniq; CREATE TABLE t_uniq (email TEXT UNIQUE)");
	ASSERT_OK(f, db_prepare(f->db, SQL, &st, &f->e));
	db_bind_text(st, 1, "anna@example.org");
	ASSERT_STEP(f, st, DB_DONE);
	db_reset(st);
	err_clear(&f->e);
	assert_int_equal(db_step(st, &f->e), ERR_CONFLICT);
	assert_int_equal(f->e.code, ERR_CONFLICT);
	assert_string_equal(f->e.user, "error.409.text");
	assert_non_null(strcasestr(f->e.detail, "unique"));
	/* The statement is usable again after a reset. */
	db_reset(st);
	db_bind_text(st, 1, "bernd@example.org");
	ASSERT_STEP(f, st, DB_DONE);
	db_finalize(st);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_uniq"), 2);
}

static void
test_foreign_key_violation_is_conflict(void **state)
{
	struct fixture *f = *state;

	exec_ok(f, "DROP TABLE IF EXISTS t_child; DROP TABLE IF EXISTS t_parent;"
		   "CREATE TABLE t_parent (id BIGINT PRIMARY KEY);"
		   "CREATE TABLE t_child (parent_id BIGINT NOT NULL REFERENCES t_parent (id))");
	assert_int_equal(insert_int64(f, "INSERT INTO t_child (parent_id) VALUES ($1)", 42),
			 ERR_CONFLICT);
	assert_int_equal(insert_int64(f, "INSERT INTO t_parent (id) VALUES ($1)", 42), DB_DONE);
	assert_int_equal(insert_int64(f, "INSERT INTO t_child (parent_id) VALUES ($1)", 42),
			 DB_DONE);
}

static void
test_prepare_of_bad_sql_fails_with_db_error(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	assert_int_equal(db_prepare(f->db, "SELEKT 1", &st, &f->e), ERR_DB);
	assert_null(st);
	assert_true(f->e.detail[0] != '\0');
	assert_int_equal(db_prepare(f->db, "SELECT * FROM t_missing_table", &st, &f->e), ERR_DB);
	assert_int_equal(db_prepare(f->db, "SELECT 1; SELECT 2", &st, &f->e), ERR_DB);
	assert_null(st);
	/* The connection is still fine. */
	assert_int_equal(query_int64(f, "SELECT 3"), 3);
}

static void
test_step_that_fails_at_run_time_is_db_error(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(f, db_prepare(f->db, "SELECT abs(CAST($1 AS BIGINT))", &st, &f->e));
	db_bind_int64(st, 1, INT64_MIN); /* its absolute value overflows */
	assert_int_equal(db_step(st, &f->e), ERR_DB);
	assert_true(f->e.detail[0] != '\0');
	/* No silent rerun: a failed statement fails until it is reset. */
	assert_int_not_equal(db_step(st, &f->e), DB_ROW);
	db_reset(st);
	db_bind_int64(st, 1, -5);
	ASSERT_STEP(f, st, DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 5);
	db_finalize(st);
}

static void
test_bind_after_step_without_reset_is_reported(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(f, db_prepare(f->db, "SELECT $1", &st, &f->e));
	db_bind_int64(st, 1, 1);
	ASSERT_STEP(f, st, DB_ROW);
	db_bind_int64(st, 1, 2);
	assert_int_equal(db_step(st, &f->e), ERR_INTERNAL);
	db_bind_int64(st, 0, 2);
	db_reset(st);
	db_bind_int64(st, 0, 2);
	assert_int_equal(db_step(st, &f->e), ERR_INTERNAL);
	db_finalize(st);
}

static void
test_committed_transaction_is_visible_to_another_connection(void **state)
{
	struct fixture *f = *state;
	struct db *other = NULL;

	exec_ok(f, "DROP TABLE IF EXISTS t_tx; CREATE TABLE t_tx (a BIGINT)");
	ASSERT_OK(f, db_open(f->url, &other, &f->e));
	ASSERT_OK(f, db_begin(f->db, &f->e));
	assert_int_equal(insert_int64(f, "INSERT INTO t_tx (a) VALUES ($1)", 1), DB_DONE);
	assert_int_equal(query_int64_on(f, other, "SELECT count(*) FROM t_tx"), 0);
	ASSERT_OK(f, db_commit(f->db, &f->e));
	assert_int_equal(query_int64_on(f, other, "SELECT count(*) FROM t_tx"), 1);
	db_close(other);
}

static void
test_rolled_back_transaction_leaves_nothing(void **state)
{
	struct fixture *f = *state;

	exec_ok(f, "DROP TABLE IF EXISTS t_rb; CREATE TABLE t_rb (a BIGINT)");
	db_rollback(f->db); /* without a transaction: harmless */
	ASSERT_OK(f, db_begin(f->db, &f->e));
	assert_int_equal(insert_int64(f, "INSERT INTO t_rb (a) VALUES ($1)", 1), DB_DONE);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_rb"), 1);
	db_rollback(f->db);
	db_rollback(f->db);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_rb"), 0);
}

static void
test_commit_after_a_failed_statement_rolls_back(void **state)
{
	static const char SQL[] = "INSERT INTO t_doom (a) VALUES ($1)";
	struct fixture *f = *state;

	exec_ok(f, "DROP TABLE IF EXISTS t_doom; CREATE TABLE t_doom (a BIGINT UNIQUE);"
		   "INSERT INTO t_doom VALUES (1)");
	ASSERT_OK(f, db_begin(f->db, &f->e));
	assert_int_equal(insert_int64(f, SQL, 2), DB_DONE);
	assert_int_equal(insert_int64(f, SQL, 1), ERR_CONFLICT);
	assert_int_equal(db_commit(f->db, &f->e), ERR_DB);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_doom"), 1);
	/* The next transaction starts clean. */
	ASSERT_OK(f, db_begin(f->db, &f->e));
	assert_int_equal(insert_int64(f, SQL, 2), DB_DONE);
	ASSERT_OK(f, db_commit(f->db, &f->e));
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_doom"), 2);
}

static void
test_begin_inside_a_transaction_is_db_error(void **state)
{
	struct fixture *f = *state;

	ASSERT_OK(f, db_begin(f->db, &f->e));
	assert_int_equal(db_begin(f->db, &f->e), ERR_DB);
	db_rollback(f->db);
	ASSERT_OK(f, db_begin(f->db, &f->e));
	ASSERT_OK(f, db_commit(f->db, &f->e));
}

static void
test_finalized_statement_is_taken_from_the_cache_without_its_binds(void **state)
{
	static const char SQL[] = "SELECT $1";
	char copy[sizeof(SQL)];
	struct fixture *f = *state;
	struct db_stmt *st = NULL, *again = NULL;

	ASSERT_OK(f, db_prepare(f->db, SQL, &st, &f->e));
	db_bind_int64(st, 1, 99);
	ASSERT_STEP(f, st, DB_ROW);
	db_finalize(st);
	/* The same text at another address matches by content. */
	memcpy(copy, SQL, sizeof(SQL));
	ASSERT_OK(f, db_prepare(f->db, copy, &again, &f->e));
	assert_ptr_equal(again, st);
	ASSERT_STEP(f, again, DB_ROW);
	assert_true(db_col_null(again, 0));
	db_finalize(again);
}

static void
test_statements_can_be_open_at_once_even_with_the_same_sql(void **state)
{
	static const char OUTER_SQL[] = "SELECT a FROM t_open ORDER BY a";
	static const char INNER_SQL[] = "SELECT count(*) FROM t_open WHERE a <= $1";
	struct fixture *f = *state;
	struct db_stmt *outer = NULL, *inner = NULL, *twin = NULL;
	int64_t n = 0;

	exec_ok(f, "DROP TABLE IF EXISTS t_open; CREATE TABLE t_open (a BIGINT);"
		   "INSERT INTO t_open VALUES (1); INSERT INTO t_open VALUES (2);"
		   "INSERT INTO t_open VALUES (3)");
	ASSERT_OK(f, db_prepare(f->db, OUTER_SQL, &outer, &f->e));
	ASSERT_OK(f, db_prepare(f->db, OUTER_SQL, &twin, &f->e));
	assert_ptr_not_equal(outer, twin);
	ASSERT_OK(f, db_prepare(f->db, INNER_SQL, &inner, &f->e));
	while (db_step(outer, &f->e) == DB_ROW) {
		n++;
		db_reset(inner);
		db_bind_int64(inner, 1, db_col_int64(outer, 0));
		ASSERT_STEP(f, inner, DB_ROW);
		assert_int_equal(db_col_int64(inner, 0), n);
		ASSERT_STEP(f, twin, DB_ROW);
		assert_int_equal(db_col_int64(twin, 0), n);
	}
	assert_int_equal(n, 3);
	db_finalize(inner);
	db_finalize(twin);
	db_finalize(outer);
}

static void
test_many_distinct_statements_stay_usable(void **state)
{
	struct fixture *f = *state;
	char sql[64];

	/* More texts than the cache keeps, twice, so some are evicted and made anew. */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 300; i++) {
			snprintf(sql, sizeof(sql), "SELECT %d", i);
			assert_int_equal(query_int64(f, sql), i);
		}
	}
}

static void
test_changes_counts_rows_written_by_the_statement(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	exec_ok(f, "DROP TABLE IF EXISTS t_chg; CREATE TABLE t_chg (a BIGINT);"
		   "INSERT INTO t_chg VALUES (1); INSERT INTO t_chg VALUES (2);"
		   "INSERT INTO t_chg VALUES (3)");
	ASSERT_OK(f, db_prepare(f->db, "UPDATE t_chg SET a = a + 10 WHERE a >= $1", &st, &f->e));
	db_bind_int64(st, 1, 2);
	ASSERT_STEP(f, st, DB_DONE);
	assert_int_equal(db_changes(st), 2);
	db_finalize(st);

	ASSERT_OK(f, db_prepare(f->db, "SELECT a FROM t_chg", &st, &f->e));
	while (db_step(st, &f->e) == DB_ROW)
		;
	assert_int_equal(db_changes(st), 0);
	db_finalize(st);

	ASSERT_OK(f, db_prepare(f->db, "DELETE FROM t_chg WHERE a = $1", &st, &f->e));
	db_bind_int64(st, 1, 1000);
	ASSERT_STEP(f, st, DB_DONE);
	assert_int_equal(db_changes(st), 0);
	db_finalize(st);
}

static void
test_step_after_done_stays_done_without_running_again(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;

	exec_ok(f, "DROP TABLE IF EXISTS t_done; CREATE TABLE t_done (a BIGINT)");
	ASSERT_OK(f, db_prepare(f->db, "INSERT INTO t_done (a) VALUES ($1)", &st, &f->e));
	db_bind_int64(st, 1, 1);
	ASSERT_STEP(f, st, DB_DONE);
	ASSERT_STEP(f, st, DB_DONE);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_done"), 1);
	/* A reset runs it again, with the binds it had. */
	db_reset(st);
	ASSERT_STEP(f, st, DB_DONE);
	db_reset(st);
	db_bind_int64(st, 1, 5);
	ASSERT_STEP(f, st, DB_DONE);
	db_finalize(st);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_done WHERE a = 1"), 2);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_done WHERE a = 5"), 1);
}

/* Migrations and backups. */

static void
make_dir(struct fixture *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/rathaus-db-test-mig-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
}

static void
write_file(struct fixture *f, const char *name, const char *text)
{
	char path[PATH_MAX + 256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* A clean slate for migration tests on SQLite, where there are no schemas. */
static void
drop_migration_tables(struct fixture *f)
{
	exec_ok(f, "DROP TABLE IF EXISTS mig_tag; DROP TABLE IF EXISTS mig_half;"
		   "DROP TABLE IF EXISTS mig_item; DROP TABLE IF EXISTS mig_n;"
		   "DROP TABLE IF EXISTS schema_migrations");
}

static const char MIG_0001[] = "CREATE TABLE mig_item (\n"
			       "\tid @ID@,\n"
			       "\tname TEXT NOT NULL,\n"
			       "\tdata @BLOB@\n"
			       ");\n";
/* Needs 0001: the order of the files matters. */
static const char MIG_0002[] = "INSERT INTO mig_item (name) VALUES ('first');\n"
			       "CREATE TABLE mig_tag (\n"
			       "\tid @ID@,\n"
			       "\titem_id BIGINT NOT NULL REFERENCES mig_item (id),\n"
			       "\ttag TEXT NOT NULL\n"
			       ");\n";

static void
test_migrations_apply_in_order_and_only_once(void **state)
{
	struct fixture *f = *state;
	int applied = -1;

	drop_migration_tables(f);
	make_dir(f);
	write_file(f, "0002_tags.sql", MIG_0002);
	write_file(f, "0001_items.sql", MIG_0001);
	write_file(f, "README.md", "not a migration");
	ASSERT_OK(f, db_migrate(f->db, f->dir, &applied, &f->e));
	assert_int_equal(applied, 2);
	ASSERT_OK(f, db_migrate(f->db, f->dir, &applied, &f->e));
	assert_int_equal(applied, 0);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM schema_migrations WHERE version IN "
					"('0001', '0002') AND applied_at > 0"),
			 2);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM mig_item"), 1);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM mig_tag"), 0);
}

static void
test_migration_id_column_numbers_new_rows(void **state)
{
	static const char SQL[] =
		"INSERT INTO mig_item (name, data) VALUES ($1, NULL) RETURNING id";
	struct fixture *f = *state;
	struct db_stmt *st = NULL;
	int64_t ids[2];
	int applied = 0;

	drop_migration_tables(f);
	make_dir(f);
	write_file(f, "0001_items.sql", MIG_0001);
	ASSERT_OK(f, db_migrate(f->db, f->dir, &applied, &f->e));
	assert_int_equal(applied, 1);
	ASSERT_OK(f, db_prepare(f->db, SQL, &st, &f->e));
	for (int i = 0; i < 2; i++) {
		db_reset(st);
		db_bind_text(st, 1, i ? "b" : "a");
		ASSERT_STEP(f, st, DB_ROW);
		ids[i] = db_col_int64(st, 0);
		ASSERT_STEP(f, st, DB_DONE);
		assert_int_equal(db_changes(st), 1);
	}
	db_finalize(st);
	assert_true(ids[0] > 0);
	assert_true(ids[1] > 0);
	assert_true(ids[0] != ids[1]);
}

static void
test_failing_migration_rolls_back_and_is_not_recorded(void **state)
{
	struct fixture *f = *state;
	struct db_stmt *st = NULL;
	int applied = -1;

	drop_migration_tables(f);
	make_dir(f);
	write_file(f, "0001_items.sql", MIG_0001);
	write_file(f, "0002_broken.sql",
		   "CREATE TABLE mig_half (a BIGINT);\n"
		   "INSERT INTO mig_nowhere VALUES (1);\n");
	write_file(f, "0003_later.sql", "CREATE TABLE mig_n (a BIGINT);\n");
	assert_int_equal(db_migrate(f->db, f->dir, &applied, &f->e), ERR_DB);
	assert_int_equal(applied, 1);
	assert_non_null(strstr(f->e.detail, "0002_broken.sql"));
	assert_non_null(strstr(f->e.detail, "mig_nowhere"));
	/* Nothing of 0002 stayed, and 0003 did not run. */
	assert_int_equal(db_prepare(f->db, "SELECT count(*) FROM mig_half", &st, &f->e), ERR_DB);
	assert_int_equal(db_prepare(f->db, "SELECT count(*) FROM mig_n", &st, &f->e), ERR_DB);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM schema_migrations"), 1);

	write_file(f, "0002_broken.sql", "CREATE TABLE mig_half (a BIGINT);\n");
	ASSERT_OK(f, db_migrate(f->db, f->dir, &applied, &f->e));
	assert_int_equal(applied, 2);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM mig_half"), 0);
}

static void
test_migration_with_a_bad_file_name_is_refused(void **state)
{
	struct fixture *f = *state;
	int applied = -1;

	drop_migration_tables(f);
	make_dir(f);
	write_file(f, "0001_items.sql", MIG_0001);
	write_file(f, "2_oops.sql", "SELECT 1;\n");
	assert_int_equal(db_migrate(f->db, f->dir, &applied, &f->e), ERR_INVALID);
	assert_int_equal(applied, 0);
	assert_non_null(strstr(f->e.detail, "2_oops.sql"));
	assert_int_equal(db_migrate(f->db, "/nonexistent-rathaus-dir", &applied, &f->e), ERR_IO);
}

static void
test_backup_copies_a_sqlite_database_in_use(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 16], url[PATH_MAX + 32];
	struct db *copy = NULL;

	make_dir(f);
	snprintf(path, sizeof(path), "%s/copy.db", f->dir);
	if (is_pg) {
		assert_int_equal(db_backup(f->db, path, &f->e), ERR_INVALID);
		return;
	}
	exec_ok(f, "DROP TABLE IF EXISTS t_bak; CREATE TABLE t_bak (a BIGINT);"
		   "INSERT INTO t_bak VALUES (1); INSERT INTO t_bak VALUES (2)");
	ASSERT_OK(f, db_backup(f->db, path, &f->e));
	snprintf(url, sizeof(url), "sqlite:%s", path);
	ASSERT_OK(f, db_open(url, &copy, &f->e));
	assert_int_equal(query_int64_on(f, copy, "SELECT count(*) FROM t_bak"), 2);
	db_close(copy);
	/* An existing file is never overwritten. */
	assert_int_equal(db_backup(f->db, path, &f->e), ERR_INVALID);
}

struct mig_run {
	const char *url, *dir;
	int applied;
	int rc;
	char detail[512];
};

static void *
migrate_thread(void *arg)
{
	struct mig_run *r = arg;
	struct db *db = NULL;
	struct err e = {0};

	r->rc = db_open(r->url, &db, &e);
	if (r->rc == 0)
		r->rc = db_migrate(db, r->dir, &r->applied, &e);
	snprintf(r->detail, sizeof(r->detail), "%s", e.detail);
	db_close(db);
	return NULL;
}

static void
test_concurrent_migrations_apply_each_file_once(void **state)
{
	enum { THREADS = 4, FILES = 6 };
	struct fixture *f = *state;
	struct mig_run runs[THREADS];
	pthread_t tid[THREADS];
	char name[32], sql[128];
	int total = 0;

	drop_migration_tables(f);
	make_dir(f);
	write_file(f, "0001_n.sql", "CREATE TABLE mig_n (a BIGINT NOT NULL);\n");
	for (int i = 2; i <= FILES; i++) {
		snprintf(name, sizeof(name), "%04d_n%d.sql", i, i);
		snprintf(sql, sizeof(sql), "INSERT INTO mig_n (a) VALUES (%d);\n", i);
		write_file(f, name, sql);
	}
	for (int i = 0; i < THREADS; i++) {
		runs[i] = (struct mig_run){.url = f->url, .dir = f->dir};
		assert_int_equal(pthread_create(&tid[i], NULL, migrate_thread, &runs[i]), 0);
	}
	/* All joined before any assert jumps out: the threads write to this frame. */
	for (int i = 0; i < THREADS; i++)
		pthread_join(tid[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		if (runs[i].rc != 0)
			print_error("thread %d: %s\n", i, runs[i].detail);
		assert_int_equal(runs[i].rc, 0);
		total += runs[i].applied;
	}
	assert_int_equal(total, FILES);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM mig_n"), FILES - 1);
}

/* The pool. */

enum { POOL_THREADS = 4, POOL_QUERIES = 200, POOL_MAX = 2 };

/* The connections the pool handed out, to check its cap. */
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *seen[POOL_THREADS * POOL_QUERIES];
static int seen_n;

static void
note_connection(struct db *db)
{
	int i;

	pthread_mutex_lock(&seen_lock);
	for (i = 0; i < seen_n && seen[i] != db; i++)
		;
	if (i == seen_n)
		seen[seen_n++] = db;
	pthread_mutex_unlock(&seen_lock);
}

struct pool_run {
	struct db_pool *pool;
	int id;
	atomic_int *errors;
	char detail[600];
};

/* One borrowed connection: write a row, then read this thread's count back. */
static int
pool_query(struct pool_run *r, int n, struct err *e)
{
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	int rc;

	rc = db_pool_get(r->pool, &db, e);
	if (rc != 0)
		return rc;
	note_connection(db);
	rc = db_prepare(db, "INSERT INTO t_pool (thread, n) VALUES ($1, $2)", &st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, r->id);
		db_bind_int64(st, 2, n);
		rc = db_step(st, e) == DB_DONE ? 0 : ERR_DB;
	}
	db_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = db_prepare(db, "SELECT count(*) FROM t_pool WHERE thread = $1", &st, e);
	if (rc == 0) {
		db_bind_int64(st, 1, r->id);
		rc = db_step(st, e) == DB_ROW && db_col_int64(st, 0) == n + 1 ? 0 : ERR_DB;
	}
	db_finalize(st);
	db_pool_put(r->pool, db);
	return rc;
}

static void *
pool_thread(void *arg)
{
	struct pool_run *r = arg;
	struct err e = {0};

	for (int n = 0; n < POOL_QUERIES; n++) {
		if (pool_query(r, n, &e) != 0) {
			snprintf(r->detail, sizeof(r->detail), "query %d: %s", n, e.detail);
			atomic_fetch_add(r->errors, 1);
			break;
		}
	}
	return NULL;
}

static void
test_pool_serves_many_threads_with_few_connections(void **state)
{
	struct fixture *f = *state;
	struct pool_run runs[POOL_THREADS];
	pthread_t tid[POOL_THREADS];
	struct db_pool *pool = NULL;
	atomic_int errors = 0;

	exec_ok(f, "DROP TABLE IF EXISTS t_pool; CREATE TABLE t_pool (thread BIGINT, n BIGINT)");
	seen_n = 0;
	ASSERT_OK(f, db_pool_new(f->url, POOL_MAX, &pool, &f->e));
	for (int i = 0; i < POOL_THREADS; i++) {
		runs[i] = (struct pool_run){.pool = pool, .id = i, .errors = &errors};
		assert_int_equal(pthread_create(&tid[i], NULL, pool_thread, &runs[i]), 0);
	}
	for (int i = 0; i < POOL_THREADS; i++) {
		pthread_join(tid[i], NULL);
		if (runs[i].detail[0])
			print_error("thread %d: %s\n", i, runs[i].detail);
	}
	db_pool_free(pool);
	assert_int_equal(atomic_load(&errors), 0);
	assert_int_equal(query_int64(f, "SELECT count(*) FROM t_pool"),
			 POOL_THREADS * POOL_QUERIES);
	assert_true(seen_n >= 1 && seen_n <= POOL_MAX);
}

static void
test_pool_hands_back_the_most_recently_returned_connection(void **state)
{
	struct fixture *f = *state;
	struct db_pool *pool = NULL;
	struct db *a = NULL, *b = NULL, *c = NULL;

	ASSERT_OK(f, db_pool_new(f->url, 3, &pool, &f->e));
	ASSERT_OK(f, db_pool_get(pool, &a, &f->e));
	ASSERT_OK(f, db_pool_get(pool, &b, &f->e));
	assert_ptr_not_equal(a, b);
	db_pool_put(pool, a);
	db_pool_put(pool, b);
	ASSERT_OK(f, db_pool_get(pool, &c, &f->e));
	assert_ptr_equal(c, b);
	db_pool_put(pool, c);
	db_pool_put(pool, NULL);
	db_pool_free(pool);
	db_pool_free(NULL);
}

static void
test_pool_refuses_a_bad_url_or_size(void **state)
{
	struct fixture *f = *state;
	struct db_pool *pool = NULL;

	assert_int_equal(db_pool_new("mysql://x", 2, &pool, &f->e), ERR_INVALID);
	assert_null(pool);
	assert_int_equal(db_pool_new(f->url, 0, &pool, &f->e), ERR_INVALID);
	assert_null(pool);
}

static void
test_pool_rolls_back_a_transaction_left_open(void **state)
{
	struct fixture *f = *state;
	struct db_pool *pool = NULL;
	struct db *db = NULL;
	struct db_stmt *st = NULL;

	exec_ok(f, "DROP TABLE IF EXISTS t_left; CREATE TABLE t_left (a BIGINT)");
	ASSERT_OK(f, db_pool_new(f->url, 1, &pool, &f->e));
	ASSERT_OK(f, db_pool_get(pool, &db, &f->e));
	ASSERT_OK(f, db_begin(db, &f->e));
	ASSERT_OK(f, db_exec(db, "INSERT INTO t_left VALUES (1)", &f->e));
	db_pool_put(pool, db);
	ASSERT_OK(f, db_pool_get(pool, &db, &f->e));
	ASSERT_OK(f, db_begin(db, &f->e)); /* no transaction was left open */
	ASSERT_OK(f, db_prepare(db, "SELECT count(*) FROM t_left", &st, &f->e));
	ASSERT_STEP(f, st, DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	db_finalize(st);
	ASSERT_OK(f, db_commit(db, &f->e));
	db_pool_put(pool, db);
	db_pool_free(pool);
}

static void
test_pool_reconnects_a_broken_postgresql_connection(void **state)
{
	static const char SQL[] = "SELECT $1";
	struct fixture *f = *state;
	struct db_pool *pool = NULL;
	struct db *db = NULL, *again = NULL;
	struct db_stmt *st = NULL;

	if (!is_pg)
		skip();
	ASSERT_OK(f, db_pool_new(f->url, 1, &pool, &f->e));
	ASSERT_OK(f, db_pool_get(pool, &db, &f->e));
	ASSERT_OK(f, db_prepare(db, SQL, &st, &f->e)); /* cached, prepared on the server */
	db_finalize(st);
	assert_int_equal(db_exec(db, "SELECT pg_terminate_backend(pg_backend_pid())", &f->e),
			 ERR_DB);
	assert_int_equal(db_ping(db, &f->e), ERR_DB);
	db_pool_put(pool, db);

	ASSERT_OK(f, db_pool_get(pool, &again, &f->e));
	assert_ptr_equal(again, db);
	ASSERT_OK(f, db_ping(again, &f->e));
	/* The cache was emptied: the statement is prepared again on the new session. */
	ASSERT_OK(f, db_prepare(again, SQL, &st, &f->e));
	db_bind_text(st, 1, "back");
	ASSERT_STEP(f, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "back");
	db_finalize(st);
	/* The session settings were made again. */
	ASSERT_OK(f, db_prepare(again, "SELECT current_setting('TimeZone')", &st, &f->e));
	ASSERT_STEP(f, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "UTC");
	db_finalize(st);
	db_pool_put(pool, again);
	db_pool_free(pool);
}

/* Pick the backend: RATHAUS_TEST_DB, or a SQLite file in a fresh directory. */
static int
group_setup(void **state)
{
	const char *env = getenv("RATHAUS_TEST_DB");

	if (env && *env) {
		snprintf(base_url, sizeof(base_url), "%s", env);
	} else {
		snprintf(sqlite_dir, sizeof(sqlite_dir), "/tmp/rathaus-db-test-XXXXXX");
		if (!mkdtemp(sqlite_dir))
			return -1;
		snprintf(base_url, sizeof(base_url), "sqlite:%s/test.db", sqlite_dir);
	}
	is_pg = strncmp(base_url, "postgres", strlen("postgres")) == 0;
	print_message("db_test: backend %s\n", is_pg ? "postgresql" : "sqlite");
	return 0;
}

static int
group_teardown(void **state)
{
	if (sqlite_dir[0])
		remove_dir(sqlite_dir);
	return 0;
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_open_rejects_an_unknown_url),
		TEST(test_open_gives_a_live_connection_of_the_urls_dialect),
		TEST(test_open_of_an_unreachable_database_is_db_error),
		TEST(test_exec_runs_several_statements_at_once),
		TEST(test_exec_of_bad_sql_is_db_error_with_detail),
		TEST(test_int64_text_and_null_round_trip),
		TEST(test_str_binds_only_its_length_and_null_pointer_binds_null),
		TEST(test_text_with_nul_byte_or_bad_utf8_is_refused_at_step),
		TEST(test_utf8_text_round_trips),
		TEST(test_repeated_parameter_is_bound_in_every_place),
		TEST(test_parameters_bind_by_number_not_by_position),
		TEST(test_parameter_absent_from_sql_is_ignored_and_unbound_one_is_null),
		TEST(test_dollars_in_literals_and_comments_are_not_parameters),
		TEST(test_boolean_column_reads_as_one_or_zero),
		TEST(test_unique_violation_is_conflict),
		TEST(test_foreign_key_violation_is_conflict),
		TEST(test_prepare_of_bad_sql_fails_with_db_error),
		TEST(test_step_that_fails_at_run_time_is_db_error),
		TEST(test_bind_after_step_without_reset_is_reported),
		TEST(test_committed_transaction_is_visible_to_another_connection),
		TEST(test_rolled_back_transaction_leaves_nothing),
		TEST(test_commit_after_a_failed_statement_rolls_back),
		TEST(test_begin_inside_a_transaction_is_db_error),
		TEST(test_finalized_statement_is_taken_from_the_cache_without_its_binds),
		TEST(test_statements_can_be_open_at_once_even_with_the_same_sql),
		TEST(test_many_distinct_statements_stay_usable),
		TEST(test_changes_counts_rows_written_by_the_statement),
		TEST(test_step_after_done_stays_done_without_running_again),
		TEST(test_migrations_apply_in_order_and_only_once),
		TEST(test_migration_id_column_numbers_new_rows),
		TEST(test_failing_migration_rolls_back_and_is_not_recorded),
		TEST(test_migration_with_a_bad_file_name_is_refused),
		TEST(test_concurrent_migrations_apply_each_file_once),
		TEST(test_backup_copies_a_sqlite_database_in_use),
		TEST(test_pool_serves_many_threads_with_few_connections),
		TEST(test_pool_hands_back_the_most_recently_returned_connection),
		TEST(test_pool_refuses_a_bad_url_or_size),
		TEST(test_pool_rolls_back_a_transaction_left_open),
		TEST(test_pool_reconnects_a_broken_postgresql_connection),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
