/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of the connection pool on the backend RATHAUS_TEST_DB names, each
 * with an empty database of its own.
 */
#include "db/db.h"

#include "core/err.h"
#include "scratch.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

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
	struct scratch_fixture *f = *state;
	struct pool_run runs[POOL_THREADS];
	pthread_t tid[POOL_THREADS];
	struct db_pool *pool = NULL;
	atomic_int errors = 0;

	scratch_exec(f->s.db,
		     "DROP TABLE IF EXISTS t_pool; CREATE TABLE t_pool (thread BIGINT, n BIGINT)");
	seen_n = 0;
	ASSERT_OK(&f->e, db_pool_new(f->s.url, POOL_MAX, &pool, &f->e));
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
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM t_pool"),
			 POOL_THREADS * POOL_QUERIES);
	assert_true(seen_n >= 1 && seen_n <= POOL_MAX);
}

static void
test_pool_hands_back_the_most_recently_returned_connection(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_pool *pool = NULL;
	struct db *a = NULL, *b = NULL, *c = NULL;

	ASSERT_OK(&f->e, db_pool_new(f->s.url, 3, &pool, &f->e));
	ASSERT_OK(&f->e, db_pool_get(pool, &a, &f->e));
	ASSERT_OK(&f->e, db_pool_get(pool, &b, &f->e));
	assert_ptr_not_equal(a, b);
	db_pool_put(pool, a);
	db_pool_put(pool, b);
	ASSERT_OK(&f->e, db_pool_get(pool, &c, &f->e));
	assert_ptr_equal(c, b);
	db_pool_put(pool, c);
	db_pool_put(pool, NULL);
	db_pool_free(pool);
	db_pool_free(NULL);
}

static void
test_pool_refuses_a_bad_url_or_size(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_pool *pool = NULL;

	assert_int_equal(db_pool_new("mysql://x", 2, &pool, &f->e), ERR_INVALID);
	assert_null(pool);
	assert_int_equal(db_pool_new(f->s.url, 0, &pool, &f->e), ERR_INVALID);
	assert_null(pool);
}

static void
test_pool_rolls_back_a_transaction_left_open(void **state)
{
	struct scratch_fixture *f = *state;
	struct db_pool *pool = NULL;
	struct db *db = NULL;
	struct db_stmt *st = NULL;

	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_left; CREATE TABLE t_left (a BIGINT)");
	ASSERT_OK(&f->e, db_pool_new(f->s.url, 1, &pool, &f->e));
	ASSERT_OK(&f->e, db_pool_get(pool, &db, &f->e));
	ASSERT_OK(&f->e, db_begin(db, &f->e));
	ASSERT_OK(&f->e, db_exec(db, "INSERT INTO t_left VALUES (1)", &f->e));
	db_pool_put(pool, db);
	ASSERT_OK(&f->e, db_pool_get(pool, &db, &f->e));
	ASSERT_OK(&f->e, db_begin(db, &f->e)); /* no transaction was left open */
	ASSERT_OK(&f->e, db_prepare(db, "SELECT count(*) FROM t_left", &st, &f->e));
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 0);
	db_finalize(st);
	ASSERT_OK(&f->e, db_commit(db, &f->e));
	db_pool_put(pool, db);
	db_pool_free(pool);
}

static void
test_pool_reconnects_a_broken_postgresql_connection(void **state)
{
	static const char SQL[] = "SELECT $1";
	struct scratch_fixture *f = *state;
	struct db_pool *pool = NULL;
	struct db *db = NULL, *again = NULL;
	struct db_stmt *st = NULL;

	if (!scratch_is_pg())
		skip();
	ASSERT_OK(&f->e, db_pool_new(f->s.url, 1, &pool, &f->e));
	ASSERT_OK(&f->e, db_pool_get(pool, &db, &f->e));
	ASSERT_OK(&f->e, db_prepare(db, SQL, &st, &f->e)); /* cached, prepared on the server */
	db_finalize(st);
	assert_int_equal(db_exec(db, "SELECT pg_terminate_backend(pg_backend_pid())", &f->e),
			 ERR_DB);
	assert_int_equal(db_ping(db, &f->e), ERR_DB);
	db_pool_put(pool, db);

	ASSERT_OK(&f->e, db_pool_get(pool, &again, &f->e));
	assert_ptr_equal(again, db);
	ASSERT_OK(&f->e, db_ping(again, &f->e));
	/* The cache was emptied: the statement is prepared again on the new session. */
	ASSERT_OK(&f->e, db_prepare(again, SQL, &st, &f->e));
	db_bind_text(st, 1, "back");
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "back");
	db_finalize(st);
	/* The session settings were made again. */
	ASSERT_OK(&f->e, db_prepare(again, "SELECT current_setting('TimeZone')", &st, &f->e));
	ASSERT_STEP(&f->e, st, DB_ROW);
	assert_string_equal(db_col_text(st, 0), "UTC");
	db_finalize(st);
	db_pool_put(pool, again);
	db_pool_free(pool);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_pool_serves_many_threads_with_few_connections),
		TEST(test_pool_hands_back_the_most_recently_returned_connection),
		TEST(test_pool_refuses_a_bad_url_or_size),
		TEST(test_pool_rolls_back_a_transaction_left_open),
		TEST(test_pool_reconnects_a_broken_postgresql_connection),
	};

	return cmocka_run_group_tests(tests, scratch_group_setup, scratch_group_teardown);
}
