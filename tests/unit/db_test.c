/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the storage layer's statements and transactions on the backend
 * RATHAUS_TEST_DB names (sqlite:PATH or a postgresql:// URL, SQLite when
 * unset).  Every test gets an empty database of its own.
 */
#include "db/db.h"

#include "core/err.h"
#include "core/str.h"
#include "scratch.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Run `sql` with $1 = a, to its end. */
static int
insert_int64(struct scratch_fixture *f, const char *sql, int64_t a)
{
	struct db_stmt *st = NULL;
	int rc;

	ASSERT_OK(&f->e, db_prepare(f->s.db, sql, &st, &f->e));
	db_bind_int64(st, 1, a);
	rc = db_step(st, &f->e);
	db_finalize(st);
	return rc;
}

static void
test_open_rejects_an_unknown_url(void **state)
{
	struct scratch_fixture *f = *state;
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
	struct scratch_fixture *f = *state;
	struct db *db = NULL;

	ASSERT_OK(&f->e, db_open(f->s.url, &db, &f->e));
	assert_int_equal(db_dialect(db), scratch_is_pg() ? DB_PG : DB_SQLITE);
	ASSERT_OK(&f->e, db_ping(db, &f->e));
	db_close(db);
	db_close(NULL);
	db_finalize(NULL);
}

static void
test_open_of_an_unreachable_database_is_db_error(void **state)
{
	struct scratch_fixture *f = *state;
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
	struct scratch_fixture *f = *state;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_exec; CREATE TABLE t_exec (a BIGINT);"
			      "INSERT INTO t_exec VALUES (1); INSERT INTO t_exec VALUES (2)");
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_exec"), 2);
}

static void
test_exec_of_bad_sql_is_db_error_with_detail(void **state)
{
	struct scratch_fixture *f = *state;

	assert_int_equal(db_exec(f->s.db, "SELEKT 1", &f->e), ERR_DB);
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
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_types;"
			      "CREATE TABLE t_types (k BIGINT, i BIGINT, s TEXT, n TEXT)");
	ASSERT_OK(&f->e, db_prepare(f->s.db, INSERT_SQL, &st, &f->e));
	for (int k = 0; k < 3; k++) {
		db_bind_int64(st, 1, k);
		db_bind_int64(st, 2, nums[k]);
		db_bind_text(st, 3, texts[k]);
		if (k == 2)
			db_bind_text(st, 4, NULL);
		else
			db_bind_null(st, 4);
		ASSERT_STEP(&f->e, st, DB_DONE);
		db_reset(st);
	}
	db_finalize(st);

	ASSERT_OK(&f->e, db_prepare(f->s.db, SELECT_SQL, &st, &f->e));
	for (int k = 0; k < 3; k++) {
		ASSERT_STEP(&f->e, st, DB_ROW);
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
	ASSERT_STEP(&f->e, st, DB_DONE);
	db_finalize(st);
}

static void
test_str_binds_only_its_length_and_null_pointer_binds_null(void **state)
{
	static const char sentence[] = "hello world";
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT $1, $2", &st, &f->e));
	db_bind_str(st, 1, (struct str){sentence + 6, 3});
	db_bind_str(st, 2, STR_NULL);
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "wor");
	assert_int_equal(db_col_len(st, 0), 3);
	assert_true(db_col_null(st, 1));
	db_finalize(st);
}

static void
test_text_with_nul_byte_or_bad_utf8_is_refused_at_step(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_nul; CREATE TABLE t_nul (s TEXT)");
	ASSERT_OK(&f->e, db_prepare(f->s.db, "INSERT INTO t_nul (s) VALUES ($1)", &st, &f->e));
	db_bind_str(st, 1, (struct str){"a\0b", 3});
	assert_int_equal(db_step(st, &f->e), ERR_INVALID);
	assert_non_null(strstr(f->e.detail, "$1"));
	db_reset(st);
	db_bind_text(st, 1, "caf\xe9"); /* Latin-1, not UTF-8 */
	assert_int_equal(db_step(st, &f->e), ERR_INVALID);
	db_reset(st);
	db_bind_text(st, 1, "ok");
	ASSERT_STEP(&f->e, st, DB_DONE);
	db_finalize(st);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_nul"), 1);
}

static void
test_utf8_text_round_trips(void **state)
{
	static const char umlauts[] = "Grüße aus Köln: ä ö ü ß";
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_utf8; CREATE TABLE t_utf8 (s TEXT)");
	ASSERT_OK(&f->e, db_prepare(f->s.db, "INSERT INTO t_utf8 (s) VALUES ($1)", &st, &f->e));
	db_bind_text(st, 1, umlauts);
	ASSERT_STEP(&f->e, st, DB_DONE);
	db_finalize(st);
	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT s, length(s) FROM t_utf8", &st, &f->e));
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), umlauts);
	assert_int_equal(db_col_len(st, 0), strlen(umlauts));
	/* The database counts characters, so it took the bytes as UTF-8. */
	assert_int_equal(db_col_int64(st, 1), 23);
	db_finalize(st);
}

static void
test_repeated_parameter_is_bound_in_every_place(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	scratch_exec(f->s.db,
		     "DROP TABLE IF EXISTS t_rep; CREATE TABLE t_rep (a BIGINT, b BIGINT, c TEXT)");
	ASSERT_OK(&f->e, db_prepare(f->s.db, "INSERT INTO t_rep (c, a, b) VALUES ($2, $1, $1)", &st,
				    &f->e));
	db_bind_int64(st, 1, 7);
	db_bind_text(st, 2, "x");
	ASSERT_STEP(&f->e, st, DB_DONE);
	db_finalize(st);
	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT a, b, c FROM t_rep WHERE a = $1 AND b = $1",
				    &st, &f->e));
	db_bind_int64(st, 1, 7);
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 7);
	assert_int_equal(db_col_int64(st, 1), 7);
	assert_string_equal(db_col_text(st, 2), "x");
	ASSERT_STEP(&f->e, st, DB_DONE);
	db_finalize(st);
}

static void
test_parameters_bind_by_number_not_by_position(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT $2, $1", &st, &f->e));
	db_bind_text(st, 1, "one");
	db_bind_text(st, 2, "two");
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "two");
	assert_string_equal(db_col_text(st, 1), "one");
	db_finalize(st);
}

static void
test_parameter_absent_from_sql_is_ignored_and_unbound_one_is_null(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT $1, $2", &st, &f->e));
	db_bind_text(st, 2, "b");
	db_bind_text(st, 3, "not in the sql");
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_true(db_col_null(st, 0));
	assert_string_equal(db_col_text(st, 1), "b");
	db_finalize(st);
}

static void
test_dollars_in_literals_and_comments_are_not_parameters(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT '$3''$4' AS \"$5\" /* $6 */, $1 -- $7\n", &st,
				    &f->e));
	db_bind_text(st, 1, "p");
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "$3'$4");
	assert_string_equal(db_col_text(st, 1), "p");
	db_finalize(st);
	if (!scratch_is_pg())
		return;
	/* PostgreSQL's own quoting: dollar quotes and escape strings. */
	ASSERT_OK(&f->e,
		  db_prepare(f->s.db, "SELECT $$ $8 $$, $q$ $9 $q$, E'\\' $10', $1", &st, &f->e));
	db_bind_text(st, 1, "p");
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_string_equal(db_col_text(st, 2), "' $10");
	assert_string_equal(db_col_text(st, 3), "p");
	db_finalize(st);
}

static void
test_boolean_column_reads_as_one_or_zero(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT 1 = 1, 1 = 2", &st, &f->e));
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 1);
	assert_int_equal(db_col_int64(st, 1), 0);
	db_finalize(st);
}

static void
test_unique_violation_is_conflict(void **state)
{
	static const char SQL[] = "INSERT INTO t_uniq (email) VALUES ($1)";
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	scratch_exec(f->s.db,
		     "DROP TABLE IF EXISTS t_uniq; CREATE TABLE t_uniq (email TEXT UNIQUE)");
	ASSERT_OK(&f->e, db_prepare(f->s.db, SQL, &st, &f->e));
	db_bind_text(st, 1, "anna@example.org");
	ASSERT_STEP(&f->e, st, DB_DONE);
	db_reset(st);
	err_clear(&f->e);
	assert_int_equal(db_step(st, &f->e), ERR_CONFLICT);
	assert_int_equal(f->e.code, ERR_CONFLICT);
	assert_string_equal(f->e.user, "error.409.text");
	assert_non_null(strcasestr(f->e.detail, "unique"));
	/* The statement is usable again after a reset. */
	db_reset(st);
	db_bind_text(st, 1, "bernd@example.org");
	ASSERT_STEP(&f->e, st, DB_DONE);
	db_finalize(st);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_uniq"), 2);
}

static void
test_foreign_key_violation_is_conflict(void **state)
{
	struct scratch_fixture *f = *state;

	scratch_exec(f->s.db,
		     "DROP TABLE IF EXISTS t_child; DROP TABLE IF EXISTS t_parent;"
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
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	assert_int_equal(db_prepare(f->s.db, "SELEKT 1", &st, &f->e), ERR_DB);
	assert_null(st);
	assert_true(f->e.detail[0] != '\0');
	assert_int_equal(db_prepare(f->s.db, "SELECT * FROM t_missing_table", &st, &f->e), ERR_DB);
	assert_int_equal(db_prepare(f->s.db, "SELECT 1; SELECT 2", &st, &f->e), ERR_DB);
	assert_null(st);
	/* The connection is still fine. */
	assert_int_equal(scratch_int64(f->s.db, "SELECT 3"), 3);
}

static void
test_step_that_fails_at_run_time_is_db_error(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT abs(CAST($1 AS BIGINT))", &st, &f->e));
	db_bind_int64(st, 1, INT64_MIN); /* its absolute value overflows */
	assert_int_equal(db_step(st, &f->e), ERR_DB);
	assert_true(f->e.detail[0] != '\0');
	/* No silent rerun: a failed statement fails until it is reset. */
	assert_int_not_equal(db_step(st, &f->e), DB_ROW);
	db_reset(st);
	db_bind_int64(st, 1, -5);
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 5);
	db_finalize(st);
}

static void
test_bind_after_step_without_reset_is_reported(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT $1", &st, &f->e));
	db_bind_int64(st, 1, 1);
	ASSERT_STEP(&f->e, st, DB_ROW);
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
	struct scratch_fixture *f = *state;
	struct db *other = NULL;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_tx; CREATE TABLE t_tx (a BIGINT)");
	ASSERT_OK(&f->e, db_open(f->s.url, &other, &f->e));
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	assert_int_equal(insert_int64(f, "INSERT INTO t_tx (a) VALUES ($1)", 1), DB_DONE);
	assert_int_equal(scratch_int64(other, "SELECT count(*) FROM t_tx"), 0);
	ASSERT_OK(&f->e, db_commit(f->s.db, &f->e));
	assert_int_equal(scratch_int64(other, "SELECT count(*) FROM t_tx"), 1);
	db_close(other);
}

static void
test_rolled_back_transaction_leaves_nothing(void **state)
{
	struct scratch_fixture *f = *state;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_rb; CREATE TABLE t_rb (a BIGINT)");
	db_rollback(f->s.db); /* without a transaction: harmless */
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	assert_int_equal(insert_int64(f, "INSERT INTO t_rb (a) VALUES ($1)", 1), DB_DONE);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_rb"), 1);
	db_rollback(f->s.db);
	db_rollback(f->s.db);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_rb"), 0);
}

static void
test_commit_after_a_failed_statement_rolls_back(void **state)
{
	static const char SQL[] = "INSERT INTO t_doom (a) VALUES ($1)";
	struct scratch_fixture *f = *state;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_doom; CREATE TABLE t_doom (a BIGINT UNIQUE);"
			      "INSERT INTO t_doom VALUES (1)");
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	assert_int_equal(insert_int64(f, SQL, 2), DB_DONE);
	assert_int_equal(insert_int64(f, SQL, 1), ERR_CONFLICT);
	assert_int_equal(db_commit(f->s.db, &f->e), ERR_DB);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_doom"), 1);
	/* The next transaction starts clean. */
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	assert_int_equal(insert_int64(f, SQL, 2), DB_DONE);
	ASSERT_OK(&f->e, db_commit(f->s.db, &f->e));
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_doom"), 2);
}

static void
test_begin_inside_a_transaction_is_db_error(void **state)
{
	struct scratch_fixture *f = *state;

	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	assert_int_equal(db_begin(f->s.db, &f->e), ERR_DB);
	db_rollback(f->s.db);
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	ASSERT_OK(&f->e, db_commit(f->s.db, &f->e));
}

static void
test_finalized_statement_is_taken_from_the_cache_without_its_binds(void **state)
{
	static const char SQL[] = "SELECT $1";
	char copy[sizeof(SQL)];
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL, *again = NULL;

	ASSERT_OK(&f->e, db_prepare(f->s.db, SQL, &st, &f->e));
	db_bind_int64(st, 1, 99);
	ASSERT_STEP(&f->e, st, DB_ROW);
	db_finalize(st);
	/* The same text at another address matches by content. */
	memcpy(copy, SQL, sizeof(SQL));
	ASSERT_OK(&f->e, db_prepare(f->s.db, copy, &again, &f->e));
	assert_ptr_equal(again, st);
	ASSERT_STEP(&f->e, again, DB_ROW);
	assert_true(db_col_null(again, 0));
	db_finalize(again);
}

static void
test_statements_can_be_open_at_once_even_with_the_same_sql(void **state)
{
	static const char OUTER_SQL[] = "SELECT a FROM t_open ORDER BY a";
	static const char INNER_SQL[] = "SELECT count(*) FROM t_open WHERE a <= $1";
	struct scratch_fixture *f = *state;
	struct db_stmt *outer = NULL, *inner = NULL, *twin = NULL;
	int64_t n = 0;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_open; CREATE TABLE t_open (a BIGINT);"
			      "INSERT INTO t_open VALUES (1); INSERT INTO t_open VALUES (2);"
			      "INSERT INTO t_open VALUES (3)");
	ASSERT_OK(&f->e, db_prepare(f->s.db, OUTER_SQL, &outer, &f->e));
	ASSERT_OK(&f->e, db_prepare(f->s.db, OUTER_SQL, &twin, &f->e));
	assert_ptr_not_equal(outer, twin);
	ASSERT_OK(&f->e, db_prepare(f->s.db, INNER_SQL, &inner, &f->e));
	while (db_step(outer, &f->e) == DB_ROW) {
		n++;
		db_reset(inner);
		db_bind_int64(inner, 1, db_col_int64(outer, 0));
		ASSERT_STEP(&f->e, inner, DB_ROW);
		assert_int_equal(db_col_int64(inner, 0), n);
		ASSERT_STEP(&f->e, twin, DB_ROW);
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
	struct scratch_fixture *f = *state;
	char sql[64];

	/* More texts than the cache keeps, twice, so some are evicted and made anew. */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 300; i++) {
			snprintf(sql, sizeof(sql), "SELECT %d", i);
			assert_int_equal(scratch_int64(f->s.db, sql), i);
		}
	}
}

static void
test_changes_counts_rows_written_by_the_statement(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_chg; CREATE TABLE t_chg (a BIGINT);"
			      "INSERT INTO t_chg VALUES (1); INSERT INTO t_chg VALUES (2);"
			      "INSERT INTO t_chg VALUES (3)");
	ASSERT_OK(&f->e,
		  db_prepare(f->s.db, "UPDATE t_chg SET a = a + 10 WHERE a >= $1", &st, &f->e));
	db_bind_int64(st, 1, 2);
	ASSERT_STEP(&f->e, st, DB_DONE);
	assert_int_equal(db_changes(st), 2);
	db_finalize(st);

	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT a FROM t_chg", &st, &f->e));
	while (db_step(st, &f->e) == DB_ROW)
		;
	assert_int_equal(db_changes(st), 0);
	db_finalize(st);

	ASSERT_OK(&f->e, db_prepare(f->s.db, "DELETE FROM t_chg WHERE a = $1", &st, &f->e));
	db_bind_int64(st, 1, 1000);
	ASSERT_STEP(&f->e, st, DB_DONE);
	assert_int_equal(db_changes(st), 0);
	db_finalize(st);
}

static void
test_step_after_done_stays_done_without_running_again(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_done; CREATE TABLE t_done (a BIGINT)");
	ASSERT_OK(&f->e, db_prepare(f->s.db, "INSERT INTO t_done (a) VALUES ($1)", &st, &f->e));
	db_bind_int64(st, 1, 1);
	ASSERT_STEP(&f->e, st, DB_DONE);
	ASSERT_STEP(&f->e, st, DB_DONE);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_done"), 1);
	/* A reset runs it again, with the binds it had. */
	db_reset(st);
	ASSERT_STEP(&f->e, st, DB_DONE);
	db_reset(st);
	db_bind_int64(st, 1, 5);
	ASSERT_STEP(&f->e, st, DB_DONE);
	db_finalize(st);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_done WHERE a = 1"), 2);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_done WHERE a = 5"), 1);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)

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
	};

	return cmocka_run_group_tests(tests, scratch_group_setup, scratch_group_teardown);
}
