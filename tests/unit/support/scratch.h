/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Scratch space for the unit tests: one temporary directory per test program
 * and fresh databases on the backend RATHAUS_TEST_DB names.  On SQLite every
 * database is a new file in the directory; on PostgreSQL a new schema of the
 * server RATHAUS_TEST_DB points at, reached through a URL whose libpq options
 * set the search_path, so pooled connections see it too.
 */
#ifndef RATHAUS_TEST_SCRATCH_H
#define RATHAUS_TEST_SCRATCH_H

#include "core/err.h"

#include <stdbool.h>

#include <stdint.h>

struct db;

/* Assert that `expr` returned 0, showing the error detail of `e` when not. */
#define ASSERT_OK(e, expr)                                                                         \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		if (rc_ != 0)                                                                      \
			print_error("%s: %s\n", #expr, (e)->detail);                               \
		assert_int_equal(rc_, 0);                                                          \
	} while (0)

/* Assert that stepping `st` gives `want`, showing the error detail of `e` when not. */
#define ASSERT_STEP(e, st, want)                                                                   \
	do {                                                                                       \
		int rc_ = db_step((st), (e));                                                      \
		if (rc_ != (want))                                                                 \
			print_error("step: %d: %s\n", rc_, (e)->detail);                           \
		assert_int_equal(rc_, (want));                                                     \
	} while (0)

#define SCRATCH_URL_MAX 1280

struct scratch_db {
	char url[SCRATCH_URL_MAX]; /* opens this database, from any number of connections */
	char schema[64];	   /* PostgreSQL: the schema; "" on SQLite */
	struct db *db;		   /* a connection of the test's own */
};

/* A cmocka fixture: a fresh database of the test's own and an error record. */
struct scratch_fixture {
	struct scratch_db s;
	struct err e;
};

/* cmocka setups giving a scratch_fixture with an empty or a migrated database. */
int scratch_setup(void **state);
int scratch_setup_migrated(void **state);
int scratch_teardown(void **state);

/*
 * cmocka group setup and teardown: make the directory
 * /tmp/rathaus-<program>-XXXXXX and pick the backend; remove the directory
 * with everything in it.
 */
int scratch_group_setup(void **state);
int scratch_group_teardown(void **state);

const char *scratch_dir(void);
bool scratch_is_pg(void);

/* RATHAUS_TEST_DB as given, or "" when it names no PostgreSQL server. */
const char *scratch_server_url(void);

/* A fresh, empty database, migrated from RATHAUS_SHARE_DIR/migrations when `migrate`. */
int scratch_db_open(struct scratch_db *s, bool migrate, struct err *e);

/* Close the connection and drop the database. */
void scratch_db_close(struct scratch_db *s);

/* Run `sql` on `db`, failing the test on an error. */
void scratch_exec(struct db *db, const char *sql);

/* The first column of the first row of `sql` on `db`, failing the test when there is none. */
int64_t scratch_int64(struct db *db, const char *sql);

/* A new, empty directory below the scratch directory; its path stays valid to the end. */
const char *scratch_subdir(void);

/* Write `text` to `path`, failing the test on any error. */
void scratch_write(const char *path, const char *text);

/* Remove `dir`, its files and its subdirectories. */
void scratch_remove_tree(const char *dir);

#endif
