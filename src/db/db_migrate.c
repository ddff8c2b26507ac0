/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Versioned schema migrations: files NNNN_name.sql applied in name order,
 * each with its row in schema_migrations in one transaction.  Several
 * instances may migrate one database at once: every transaction first takes
 * the write lock (SQLite's BEGIN IMMEDIATE) or an advisory lock (PostgreSQL)
 * and then checks again that its file is still pending, so each file runs
 * once.  A file must not hold its own BEGIN/COMMIT, nor statements that
 * cannot run in a transaction (CREATE INDEX CONCURRENTLY).
 */
#include "db/db_int.h"

#include "core/buf.h"
#include "core/log.h"
#include "core/str.h"
#include "core/xalloc.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A migration file larger than this is a mistake, not a schema. */
#define MIGRATION_FILE_MAX ((size_t)1024 * 1024)
/* Digits of the version prefix: 0001_init.sql. */
#define MIGRATION_DIGITS 4

/* Key of the PostgreSQL advisory lock held while a migration runs ("rathaus"). */
#define MIGRATION_LOCK_KEY 0x7261746861757300ll

static const char MIGRATION_TABLE_SQL[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
					  "version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)";
static const char MIGRATION_LOCK_SQL[] = "SELECT pg_advisory_xact_lock($1)";
static const char MIGRATION_FIND_SQL[] = "SELECT 1 FROM schema_migrations WHERE version = $1";
static const char MIGRATION_RECORD_SQL[] =
	"INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)";

/* Step `st` to its end; *found (may be NULL) tells whether it gave a row. */
static int
run_stmt(struct db_stmt *st, bool *found, struct err *e)
{
	int rc = db_step(st, e);

	if (found)
		*found = rc == DB_ROW;
	return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

/* Begin a transaction that no other migrating instance runs beside. */
static int
begin_locked(struct db *db, struct err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = db_begin(db, e);
	if (rc != 0 || db_dialect(db) != DB_PG)
		return rc;
	rc = db_prepare(db, MIGRATION_LOCK_SQL, &st, e);
	if (rc != 0)
		goto out;
	db_bind_int64(st, 1, MIGRATION_LOCK_KEY);
	rc = run_stmt(st, NULL, e);
out:
	db_finalize(st);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

static int
is_applied(struct db *db, const char *version, bool *found, struct err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = db_prepare(db, MIGRATION_FIND_SQL, &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, version);
	rc = run_stmt(st, found, e);
out:
	db_finalize(st);
	return rc;
}

static int
record(struct db *db, const char *version, struct err *e)
{
	struct db_stmt *st = NULL;
	int rc;

	rc = db_prepare(db, MIGRATION_RECORD_SQL, &st, e);
	if (rc != 0)
		goto out;
	db_bind_text(st, 1, version);
	db_bind_int64(st, 2, (int64_t)time(NULL));
	rc = run_stmt(st, NULL, e);
out:
	db_finalize(st);
	return rc;
}

static int
create_table(struct db *db, struct err *e)
{
	int rc = begin_locked(db, e);

	if (rc != 0)
		return rc;
	rc = db_exec(db, MIGRATION_TABLE_SQL, e);
	if (rc == 0)
		rc = db_commit(db, e);
	if (rc != 0)
		db_rollback(db);
	return rc;
}

/* Whether `name` is NNNN_name.sql; files not ending in .sql are not asked. */
static bool
valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n <= MIGRATION_DIGITS + 1 + strlen(".sql"))
		return false;
	for (size_t i = 0; i < MIGRATION_DIGITS; i++)
		if (name[i] < '0' || name[i] > '9')
			return false;
	if (name[MIGRATION_DIGITS] != '_')
		return false;
	for (size_t i = MIGRATION_DIGITS + 1; i < n - strlen(".sql"); i++) {
		char c = name[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    c != '_' && c != '-')
			return false;
	}
	return true;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The migration files of `dir`, sorted; *names (caller frees each and the
 * array) holds *n entries.  Hidden files and files not ending in .sql are
 * skipped; a .sql file with another name, or two with one version, is an error.
 */
static int
list_files(const char *dir, char ***names, size_t *n, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	size_t cap = 0;
	int rc = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return err_set(e, ERR_IO, DB_USER_ERROR, "open migrations directory '%s': %s", dir,
			       strerror(errno));
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.' || !str_ends(str_c(ent->d_name), ".sql"))
			continue;
		if (!valid_name(ent->d_name)) {
			rc = err_set(e, ERR_INVALID, DB_USER_ERROR,
				     "migration '%s' in '%s' is not named NNNN_name.sql",
				     ent->d_name, dir);
			goto out;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*names = xrealloc(*names, cap * sizeof(**names));
		}
		(*names)[(*n)++] = xstrdup(ent->d_name);
	}
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_names);
	for (size_t i = 1; i < *n; i++) {
		if (strncmp((*names)[i - 1], (*names)[i], MIGRATION_DIGITS) == 0) {
			rc = err_set(e, ERR_INVALID, DB_USER_ERROR,
				     "migrations '%s' and '%s' share a version", (*names)[i - 1],
				     (*names)[i]);
			goto out;
		}
	}
out:
	closedir(d);
	return rc;
}

/* Append `s` to `out` with @ID@ and @BLOB@ made the dialect's types. */
static int
substitute(struct db *db, struct str s, struct buf *out)
{
	bool pg = db_dialect(db) == DB_PG;
	const char *id = pg ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
			    : "INTEGER PRIMARY KEY AUTOINCREMENT";
	const char *blob = pg ? "BYTEA" : "BLOB";
	int rc = 0;

	for (size_t i = 0; i < s.len && rc == 0; i++) {
		struct str rest = {s.p + i, s.len - i};

		if (str_starts(rest, "@ID@")) {
			rc = buf_adds(out, id);
			i += strlen("@ID@") - 1;
		} else if (str_starts(rest, "@BLOB@")) {
			rc = buf_adds(out, blob);
			i += strlen("@BLOB@") - 1;
		} else {
			rc = buf_addc(out, s.p[i]);
		}
	}
	return rc;
}

/* Read `dir`/`name` into `out`, substituted. */
static int
load_file(struct db *db, const char *dir, const char *name, struct buf *out, struct err *e)
{
	struct buf path, raw;
	char chunk[8192];
	FILE *f = NULL;
	size_t n;
	int rc = 0;

	buf_init(&path, BUF_MAX_DEFAULT);
	buf_init(&raw, MIGRATION_FILE_MAX);
	if (buf_addf(&path, "%s/%s", dir, name) == 0)
		f = fopen(path.p, "rb");
	if (!f) {
		rc = err_set(e, ERR_IO, DB_USER_ERROR, "open migration '%s': %s", path.p,
			     strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(&raw, chunk, n) != 0) {
			rc = err_set(e, ERR_TOOBIG, DB_USER_ERROR,
				     "migration '%s' is larger than %zu bytes", name,
				     MIGRATION_FILE_MAX);
			goto out;
		}
	}
	if (ferror(f)) {
		rc = err_set(e, ERR_IO, DB_USER_ERROR, "read migration '%s': %s", name,
			     strerror(errno));
		goto out;
	}
	if (substitute(db, buf_str(&raw), out) != 0)
		rc = err_set(e, ERR_TOOBIG, DB_USER_ERROR, "migration '%s' grows too large", name);
out:
	if (f)
		fclose(f);
	buf_release(&path);
	buf_release(&raw);
	return rc;
}

/* Run `sql` as migration `version` unless another instance did meanwhile; *ran tells which. */
static int
apply_one(struct db *db, const char *version, const char *sql, bool *ran, struct err *e)
{
	bool found = false;
	int rc;

	*ran = false;
	rc = begin_locked(db, e);
	if (rc != 0)
		return rc;
	rc = is_applied(db, version, &found, e);
	if (rc != 0 || found)
		goto out;
	rc = db_exec(db, sql, e);
	if (rc == 0)
		rc = record(db, version, e);
	if (rc == 0)
		rc = db_commit(db, e);
	if (rc == 0)
		*ran = true;
out:
	db_rollback(db); /* after a commit this finds nothing to undo */
	return rc;
}

/* Apply `name` from `dir` if it is pending; counts it in *applied. */
static int
migrate_file(struct db *db, const char *dir, const char *name, int *applied, struct err *e)
{
	char version[MIGRATION_DIGITS + 1];
	struct buf sql;
	bool found = false, ran = false;
	int rc;

	memcpy(version, name, MIGRATION_DIGITS);
	version[MIGRATION_DIGITS] = '\0';
	/* Without a lock first: most files were applied long ago. */
	rc = is_applied(db, version, &found, e);
	if (rc != 0 || found)
		return rc;
	buf_init(&sql, MIGRATION_FILE_MAX * 2);
	rc = load_file(db, dir, name, &sql, e);
	if (rc == 0)
		rc = apply_one(db, version, sql.p, &ran, e);
	if (rc != 0 && e && e->code == rc) {
		char detail[sizeof(e->detail)];

		memcpy(detail, e->detail, sizeof(detail));
		err_set(e, rc, e->user, "migration '%s' failed: %s", name, detail);
	}
	if (ran) {
		(*applied)++;
		log_info("db: applied migration %s", name);
	}
	buf_release(&sql);
	return rc;
}

int
db_migrate(struct db *db, const char *dir, int *applied, struct err *e)
{
	char **names = NULL;
	size_t n = 0;
	int rc;

	assert(db && dir && applied);
	*applied = 0;
	rc = list_files(dir, &names, &n, e);
	if (rc == 0)
		rc = create_table(db, e);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = migrate_file(db, dir, names[i], applied, e);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
