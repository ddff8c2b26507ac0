/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the one-call statements (db_run, db_int64, db_each, db_list, db_fill,
 * db_step_done)
 * on the backend RATHAUS_TEST_DB names, as db_test.c does.
 */
#include "db/db.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "scratch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void
make_table(struct scratch_fixture *f)
{
	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_run; "
			      "CREATE TABLE t_run (k BIGINT PRIMARY KEY, s TEXT, u BIGINT)");
}

static void
test_run_binds_every_kind_in_order(void **state)
{
	struct scratch_fixture *f = *state;
	struct str part = {"abcdef", 3};
	struct db_stmt *st = NULL;

	make_table(f);
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k, s, u) VALUES ($1, $2, $3)",
				DB_INT(1), DB_TEXT("één"), DB_INT(-7)));
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k, s, u) VALUES ($1, $2, $3)",
				DB_INT(2), DB_STR(part), DB_ID(0)));
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k, s, u) VALUES ($1, $2, $3)",
				DB_INT(3), DB_NULL, DB_ID(42)));
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k, s, u) VALUES ($1, $2, $3)",
				DB_INT(4), DB_TEXT(NULL), DB_NULL));

	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT k, s, u FROM t_run ORDER BY k", &st, &f->e));
	assert_int_equal(db_step(st, &f->e), DB_ROW);
	assert_string_equal(db_col_text(st, 1), "één");
	assert_int_equal(db_col_int64(st, 2), -7);
	assert_int_equal(db_step(st, &f->e), DB_ROW);
	assert_string_equal(db_col_text(st, 1), "abc");
	assert_true(db_col_null(st, 2));
	assert_int_equal(db_step(st, &f->e), DB_ROW);
	assert_true(db_col_null(st, 1));
	assert_int_equal(db_col_int64(st, 2), 42);
	assert_int_equal(db_step(st, &f->e), DB_ROW);
	assert_true(db_col_null(st, 1));
	assert_true(db_col_null(st, 2));
	assert_int_equal(db_step(st, &f->e), DB_DONE);
	db_finalize(st);
}

static void
test_run_without_parameters_runs_the_statement(void **state)
{
	struct scratch_fixture *f = *state;

	make_table(f);
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k) VALUES (9)"));
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_run WHERE k = 9"), 1);
}

static void
test_run_count_reports_changed_rows(void **state)
{
	struct scratch_fixture *f = *state;
	int64_t n = -1;

	make_table(f);
	scratch_exec(f->s.db, "INSERT INTO t_run (k) VALUES (1); INSERT INTO t_run (k) VALUES (2);"
			      "INSERT INTO t_run (k) VALUES (3)");
	ASSERT_OK(&f->e,
		  db_run_count(f->s.db, &f->e, &n, "DELETE FROM t_run WHERE k >= $1", DB_INT(2)));
	assert_int_equal(n, 2);
	ASSERT_OK(&f->e,
		  db_run_count(f->s.db, &f->e, &n, "DELETE FROM t_run WHERE k >= $1", DB_INT(2)));
	assert_int_equal(n, 0);
}

static void
test_run_reports_conflict_and_leaves_statement_reusable(void **state)
{
	struct scratch_fixture *f = *state;
	int64_t n = 0;

	make_table(f);
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k) VALUES ($1)", DB_INT(1)));
	assert_int_equal(db_run(f->s.db, &f->e, "INSERT INTO t_run (k) VALUES ($1)", DB_INT(1)),
			 ERR_CONFLICT);
	/* The same SQL, taken from the cache, works again with other binds. */
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k) VALUES ($1)", DB_INT(2)));
	ASSERT_OK(&f->e, db_int64(f->s.db, &f->e, &n, "SELECT count(*) FROM t_run"));
	assert_int_equal(n, 2);
}

static void
test_bad_text_and_bare_values_are_refused(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_arg bare = {0};

	make_table(f);
	assert_int_equal(db_run(f->s.db, &f->e, "INSERT INTO t_run (k, s) VALUES ($1, $2)",
				DB_INT(1), DB_TEXT("\xff")),
			 ERR_INVALID);
	bare.i = 5;
	assert_int_equal(db_run(f->s.db, &f->e, "INSERT INTO t_run (k) VALUES ($1)", bare),
			 ERR_INTERNAL);
	assert_non_null(strstr(f->e.detail, "$1"));
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_run"), 0);
}

static void
test_int64_reads_the_first_column_or_is_not_found(void **state)
{
	struct scratch_fixture *f = *state;
	int64_t v = 77;

	make_table(f);
	scratch_exec(f->s.db, "INSERT INTO t_run (k, u) VALUES (1, 10); "
			      "INSERT INTO t_run (k, u) VALUES (2, 20)");
	ASSERT_OK(&f->e,
		  db_int64(f->s.db, &f->e, &v, "SELECT u FROM t_run WHERE k = $1", DB_INT(2)));
	assert_int_equal(v, 20);
	v = 77;
	assert_int_equal(
		db_int64(f->s.db, &f->e, &v, "SELECT u FROM t_run WHERE k = $1", DB_INT(3)),
		ERR_NOTFOUND);
	assert_int_equal(v, 77);
	assert_int_equal(db_int64(f->s.db, &f->e, &v, "SELECT u FROM no_such_table"), ERR_DB);
}

static void
test_text2_reads_the_first_two_columns_or_is_not_found(void **state)
{
	struct scratch_fixture *f = *state;
	struct arena a;
	const char *s = "untouched", *u = "untouched";

	arena_init(&a);
	make_table(f);
	scratch_exec(f->s.db, "INSERT INTO t_run (k, s, u) VALUES (1, 'eins', 10)");
	ASSERT_OK(&f->e, db_text2(f->s.db, &f->e, &a, &s, &u,
				  "SELECT s, CAST(u AS TEXT) FROM t_run WHERE k = $1", DB_INT(1)));
	assert_string_equal(s, "eins");
	assert_string_equal(u, "10");
	s = u = "untouched";
	assert_int_equal(db_text2(f->s.db, &f->e, &a, &s, &u,
				  "SELECT s, CAST(u AS TEXT) FROM t_run WHERE k = $1", DB_INT(2)),
			 ERR_NOTFOUND);
	assert_string_equal(s, "untouched");
	assert_string_equal(u, "untouched");
	arena_release(&a);
}

struct sum {
	int64_t total;
	int rows;
	int stop_at;
};

static int
add_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct sum *s = ctx;

	if (++s->rows == s->stop_at)
		return err_set(e, ERR_CONFLICT, NULL, "stop at row %d", s->rows);
	s->total += db_col_int64(st, 0);
	return 0;
}

static void
test_each_visits_every_row_and_stops_on_error(void **state)
{
	struct scratch_fixture *f = *state;
	struct sum s = {0};

	make_table(f);
	for (int k = 1; k <= 5; k++)
		ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k, u) VALUES ($1, $2)",
					DB_INT(k), DB_INT(k * 10)));
	ASSERT_OK(&f->e, db_each(f->s.db, &f->e, "SELECT u FROM t_run WHERE k >= $1 ORDER BY k",
				 add_row, &s, DB_INT(2)));
	assert_int_equal(s.rows, 4);
	assert_int_equal(s.total, 20 + 30 + 40 + 50);

	s = (struct sum){.stop_at = 3};
	assert_int_equal(db_each(f->s.db, &f->e, "SELECT u FROM t_run ORDER BY k", add_row, &s),
			 ERR_CONFLICT);
	assert_int_equal(s.rows, 3);
	assert_int_equal(s.total, 10 + 20);

	s = (struct sum){0};
	ASSERT_OK(&f->e, db_each(f->s.db, &f->e, "SELECT u FROM t_run WHERE k > $1", add_row, &s,
				 DB_INT(100)));
	assert_int_equal(s.rows, 0);
}

struct pair {
	int64_t k;
	const char *s;
};

static void
read_pair(struct db_stmt *st, struct arena *a, void *row)
{
	struct pair *p = row;

	p->k = db_col_int64(st, 0);
	p->s = db_col_dup(st, 1, a);
}

static void
test_list_collects_every_row_into_the_arena(void **state)
{
	struct scratch_fixture *f = *state;
	struct arena arena, *a = &arena;
	struct pair *v;
	void *out = NULL;
	size_t n = 99;

	arena_init(a);
	make_table(f);
	for (int k = 1; k <= 20; k++)
		ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k, s) VALUES ($1, $2)",
					DB_INT(k), DB_TEXT(k % 2 ? "odd" : "even")));
	ASSERT_OK(&f->e, db_list(f->s.db, &f->e, "SELECT k, s FROM t_run WHERE k > $1 ORDER BY k",
				 a, sizeof(*v), read_pair, &out, &n, DB_INT(3)));
	v = out;
	assert_int_equal(n, 17); /* past the first growth of the array */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].k, (int64_t)i + 4);
		assert_string_equal(v[i].s, (i + 4) % 2 ? "odd" : "even");
	}
	ASSERT_OK(&f->e, db_list(f->s.db, &f->e, "SELECT k, s FROM t_run WHERE k > $1", a,
				 sizeof(*v), read_pair, &out, &n, DB_INT(100)));
	assert_null(out);
	assert_int_equal(n, 0);
	arena_release(a);
}

/* The rows of t_run joined into one text, "<k>=<s>;" each. */
static void
join_pair(struct db_stmt *st, struct arena *a, void *obj)
{
	const char **joined = obj;

	*joined = arena_printf(a, "%s%lld=%s;", *joined, (long long)db_col_int64(st, 0),
			       db_col_text(st, 1));
}

static void
test_fill_reads_every_row_into_one_object(void **state)
{
	struct scratch_fixture *f = *state;
	struct arena arena, *a = &arena;
	const char *joined = "";

	arena_init(a);
	make_table(f);
	for (int k = 1; k <= 3; k++)
		ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k, s) VALUES ($1, $2)",
					DB_INT(k), DB_TEXT(k % 2 ? "odd" : "even")));
	ASSERT_OK(&f->e, db_fill(f->s.db, &f->e, "SELECT k, s FROM t_run WHERE k > $1 ORDER BY k",
				 a, join_pair, &joined, DB_INT(0)));
	assert_string_equal(joined, "1=odd;2=even;3=odd;");
	joined = "";
	ASSERT_OK(&f->e, db_fill(f->s.db, &f->e, "SELECT k, s FROM t_run WHERE k > $1", a,
				 join_pair, &joined, DB_INT(3)));
	assert_string_equal(joined, "");
	assert_int_equal(
		db_fill(f->s.db, &f->e, "SELECT k, s FROM no_such_table", a, join_pair, &joined),
		ERR_DB);
	arena_release(a);
}

static void
test_list_of_fills_a_typed_array_sized_by_its_row_type(void **state)
{
	struct scratch_fixture *f = *state;
	struct arena arena, *a = &arena;
	struct pair *v = NULL;
	size_t n = 99;

	arena_init(a);
	make_table(f);
	for (int k = 1; k <= 3; k++)
		ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k, s) VALUES ($1, $2)",
					DB_INT(k), DB_TEXT(k % 2 ? "odd" : "even")));
	ASSERT_OK(&f->e, db_list_of(f->s.db, &f->e, "SELECT k, s FROM t_run ORDER BY k DESC", a,
				    read_pair, &v, &n));
	assert_int_equal(n, 3);
	assert_int_equal(v[2].k, 1);
	assert_string_equal(v[1].s, "even");
	ASSERT_OK(&f->e, db_list_of(f->s.db, &f->e, "SELECT k, s FROM t_run WHERE k > $1", a,
				    read_pair, &v, &n, DB_INT(100)));
	assert_null(v);
	assert_int_equal(n, 0);
	arena_release(a);
}

static void
test_get_of_fills_a_new_row_or_gives_none(void **state)
{
	struct scratch_fixture *f = *state;
	struct arena arena, *a = &arena;
	struct pair *p = NULL;

	arena_init(a);
	make_table(f);
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k, s) VALUES (7, 'odd')"));
	ASSERT_OK(&f->e, db_get_of(f->s.db, &f->e, "SELECT k, s FROM t_run WHERE k = $1", a,
				   read_pair, &p, DB_INT(7)));
	assert_int_equal(p->k, 7);
	assert_string_equal(p->s, "odd");
	assert_int_equal(db_get_of(f->s.db, &f->e, "SELECT k, s FROM t_run WHERE k = $1", a,
				   read_pair, &p, DB_INT(8)),
			 ERR_NOTFOUND);
	assert_null(p);
	arena_release(a);
}

static void
test_end_commits_success_and_rolls_back_failure(void **state)
{
	struct scratch_fixture *f = *state;

	make_table(f);
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k) VALUES ($1)", DB_INT(1)));
	ASSERT_OK(&f->e, db_end(f->s.db, 0, &f->e));
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	ASSERT_OK(&f->e, db_run(f->s.db, &f->e, "INSERT INTO t_run (k) VALUES ($1)", DB_INT(2)));
	assert_int_equal(db_end(f->s.db, ERR_INVALID, &f->e), ERR_INVALID);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_run"), 1);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_run WHERE k = 2"), 0);
	/* The connection is out of the transaction: a new one can begin. */
	ASSERT_OK(&f->e, db_begin(f->s.db, &f->e));
	db_rollback(f->s.db);
}

static void
test_step_done_passes_over_rows(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;

	make_table(f);
	scratch_exec(f->s.db, "INSERT INTO t_run (k) VALUES (1); INSERT INTO t_run (k) VALUES (2)");
	ASSERT_OK(&f->e, db_prepare(f->s.db, "SELECT k FROM t_run", &st, &f->e));
	ASSERT_OK(&f->e, db_step_done(st, &f->e));
	assert_int_equal(db_step(st, &f->e), DB_DONE);
	db_finalize(st);
	ASSERT_OK(&f->e, db_prepare(f->s.db, "INSERT INTO t_run (k) VALUES ($1)", &st, &f->e));
	db_bind_int64(st, 1, 1);
	assert_int_equal(db_step_done(st, &f->e), ERR_CONFLICT);
	db_finalize(st);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_run_binds_every_kind_in_order),
		TEST(test_run_without_parameters_runs_the_statement),
		TEST(test_run_count_reports_changed_rows),
		TEST(test_run_reports_conflict_and_leaves_statement_reusable),
		TEST(test_bad_text_and_bare_values_are_refused),
		TEST(test_int64_reads_the_first_column_or_is_not_found),
		TEST(test_text2_reads_the_first_two_columns_or_is_not_found),
		TEST(test_each_visits_every_row_and_stops_on_error),
		TEST(test_list_collects_every_row_into_the_arena),
		TEST(test_fill_reads_every_row_into_one_object),
		TEST(test_list_of_fills_a_typed_array_sized_by_its_row_type),
		TEST(test_get_of_fills_a_new_row_or_gives_none),
		TEST(test_end_commits_success_and_rolls_back_failure),
		TEST(test_step_done_passes_over_rows),
	};

	return cmocka_run_group_tests(tests, scratch_group_setup, scratch_group_teardown);
}
