/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Tests of migrations and backups on the backend RATHAUS_TEST_DB names.
 * Every test gets an empty database and a directory of its own, `dir`, for
 * its migration files.
 */
#include "db/db.h"

#include "core/err.h"
#include "scratch.h"

#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static const char *dir; /* of the running test */

static int
setup(void **state)
{
	dir = scratch_subdir();
	return scratch_setup(state);
}

/* Write `text` to the file `name` in this test's directory. */
static void
put(const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	scratch_write(path, text);
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
	struct scratch_fixture *f = *state;
	int applied = -1;

	put("0002_tags.sql", MIG_0002);
	put("0001_items.sql", MIG_0001);
	put("README.md", "not a migration");
	ASSERT_OK(&f->e, db_migrate(f->s.db, dir, &applied, &f->e));
	assert_int_equal(applied, 2);
	ASSERT_OK(&f->e, db_migrate(f->s.db, dir, &applied, &f->e));
	assert_int_equal(applied, 0);
	assert_int_equal(scratch_int64(f->s.db,
				       "SELECT count(*) FROM schema_migrations WHERE version IN "
				       "('0001', '0002') AND applied_at > 0"),
			 2);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM mig_item"), 1);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM mig_tag"), 0);
}

static void
test_migration_id_column_numbers_new_rows(void **state)
{
	static const char SQL[] =
		"INSERT INTO mig_item (name, data) VALUES ($1, NULL) RETURNING id";
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;
	int64_t ids[2];
	int applied = 0;

	put("0001_items.sql", MIG_0001);
	ASSERT_OK(&f->e, db_migrate(f->s.db, dir, &applied, &f->e));
	assert_int_equal(applied, 1);
	ASSERT_OK(&f->e, db_prepare(f->s.db, SQL, &st, &f->e));
	for (int i = 0; i < 2; i++) {
		db_reset(st);
		db_bind_text(st, 1, i ? "b" : "a");
		ASSERT_STEP(&f->e, st, DB_ROW);
		ids[i] = db_col_int64(st, 0);
		ASSERT_STEP(&f->e, st, DB_DONE);
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
	struct scratch_fixture *f = *state;
	struct db_stmt *st = NULL;
	int applied = -1;

	put("0001_items.sql", MIG_0001);
	put("0002_broken.sql", "CREATE TABLE mig_half (a BIGINT);\n"
			       "INSERT INTO mig_nowhere VALUES (1);\n");
	put("0003_later.sql", "CREATE TABLE mig_n (a BIGINT);\n");
	assert_int_equal(db_migrate(f->s.db, dir, &applied, &f->e), ERR_DB);
	assert_int_equal(applied, 1);
	assert_non_null(strstr(f->e.detail, "0002_broken.sql"));
	assert_non_null(strstr(f->e.detail, "mig_nowhere"));
	/* Nothing of 0002 stayed, and 0003 did not run. */
	assert_int_equal(db_prepare(f->s.db, "SELECT count(*) FROM mig_half", &st, &f->e), ERR_DB);
	assert_int_equal(db_prepare(f->s.db, "SELECT count(*) FROM mig_n", &st, &f->e), ERR_DB);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM schema_migrations"), 1);

	put("0002_broken.sql", "CREATE TABLE mig_half (a BIGINT);\n");
	ASSERT_OK(&f->e, db_migrate(f->s.db, dir, &applied, &f->e));
	assert_int_equal(applied, 2);
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM mig_half"), 0);
}

static void
test_migration_with_a_bad_file_name_is_refused(void **state)
{
	struct scratch_fixture *f = *state;
	int applied = -1;

	put("0001_items.sql", MIG_0001);
	put("2_oops.sql", "SELECT 1;\n");
	assert_int_equal(db_migrate(f->s.db, dir, &applied, &f->e), ERR_INVALID);
	assert_int_equal(applied, 0);
	assert_non_null(strstr(f->e.detail, "2_oops.sql"));
	assert_int_equal(db_migrate(f->s.db, "/nonexistent-rathaus-dir", &applied, &f->e), ERR_IO);
}

static void
test_backup_copies_a_sqlite_database_in_use(void **state)
{
	struct scratch_fixture *f = *state;
	char path[PATH_MAX + 16], url[PATH_MAX + 32];
	struct db *copy = NULL;

	snprintf(path, sizeof(path), "%s/copy.db", dir);
	if (scratch_is_pg()) {
		assert_int_equal(db_backup(f->s.db, path, &f->e), ERR_INVALID);
		return;
	}
	scratch_exec(f->s.db, "DROP TABLE IF EXISTS t_bak; CREATE TABLE t_bak (a BIGINT);"
			      "INSERT INTO t_bak VALUES (1); INSERT INTO t_bak VALUES (2)");
	ASSERT_OK(&f->e, db_backup(f->s.db, path, &f->e));
	snprintf(url, sizeof(url), "sqlite:%s", path);
	ASSERT_OK(&f->e, db_open(url, &copy, &f->e));
	assert_int_equal(scratch_int64(copy, "SELECT count(*) FROM t_bak"), 2);
	db_close(copy);
	/* An existing file is never overwritten. */
	assert_int_equal(db_backup(f->s.db, path, &f->e), ERR_INVALID);
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
	struct scratch_fixture *f = *state;
	struct mig_run runs[THREADS];
	pthread_t tid[THREADS];
	char name[32], sql[128];
	int total = 0;

	put("0001_n.sql", "CREATE TABLE mig_n (a BIGINT NOT NULL);\n");
	for (int i = 2; i <= FILES; i++) {
		snprintf(name, sizeof(name), "%04d_n%d.sql", i, i);
		snprintf(sql, sizeof(sql), "INSERT INTO mig_n (a) VALUES (%d);\n", i);
		put(name, sql);
	}
	for (int i = 0; i < THREADS; i++) {
		runs[i] = (struct mig_run){.url = f->s.url, .dir = dir};
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
	assert_int_equal(scratch_int64(f->s.db, "SELECT count(*) FROM mig_n"), FILES - 1);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, scratch_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_migrations_apply_in_order_and_only_once),
		TEST(test_migration_id_column_numbers_new_rows),
		TEST(test_failing_migration_rolls_back_and_is_not_recorded),
		TEST(test_migration_with_a_bad_file_name_is_refused),
		TEST(test_concurrent_migrations_apply_each_file_once),
		TEST(test_backup_copies_a_sqlite_database_in_use),
	};

	return cmocka_run_group_tests(tests, scratch_group_setup, scratch_group_teardown);
}
