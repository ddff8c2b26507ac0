/* SPDX-License-Identifier: EUPL-1.2 */
/* Temporary directories and fresh databases for the unit tests. */
#include "scratch.h"

#include "db/db.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static struct {
	char dir[64];
	char server[SCRATCH_URL_MAX / 2]; /* PostgreSQL only */
	int seq;			  /* numbers the databases */
} g;

int
scratch_group_setup(void **state)
{
	const char *env = getenv("RATHAUS_TEST_DB"), *name = program_invocation_short_name;

	snprintf(g.dir, sizeof(g.dir), "/tmp/rathaus-%.20s-XXXXXX", name);
	if (!mkdtemp(g.dir))
		return -1;
	if (env && strncmp(env, "postgres", strlen("postgres")) == 0)
		snprintf(g.server, sizeof(g.server), "%s", env);
	print_message("%s: backend %s\n", name, g.server[0] ? "postgresql" : "sqlite");
	return 0;
}

int
scratch_group_teardown(void **state)
{
	if (g.dir[0])
		scratch_remove_tree(g.dir);
	return 0;
}

const char *
scratch_dir(void)
{
	return g.dir;
}

bool
scratch_is_pg(void)
{
	return g.server[0] != '\0';
}

const char *
scratch_server_url(void)
{
	return g.server;
}

static int
run_on_server(const char *sql, struct err *e)
{
	struct db *admin = NULL;
	int rc = db_open(g.server, &admin, e);

	if (rc == 0)
		rc = db_exec(admin, sql, e);
	db_close(admin);
	return rc;
}

int
scratch_db_open(struct scratch_db *s, bool migrate, struct err *e)
{
	char sql[192], migrations[PATH_MAX];
	const char *share = getenv("RATHAUS_SHARE_DIR");
	int applied = 0, rc;

	memset(s, 0, sizeof(*s));
	g.seq++;
	if (scratch_is_pg()) {
		snprintf(s->schema, sizeof(s->schema), "t_%ld_%d", (long)getpid(), g.seq);
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
			 s->schema, s->schema);
		if ((rc = run_on_server(sql, e)))
			return rc;
		snprintf(s->url, sizeof(s->url), "%s%coptions=-c%%20search_path%%3D%s", g.server,
			 strchr(g.server, '?') ? '&' : '?', s->schema);
	} else {
		snprintf(s->url, sizeof(s->url), "sqlite:%s/db-%d.sqlite", g.dir, g.seq);
	}
	if ((rc = db_open(s->url, &s->db, e)))
		return rc;
	if (!migrate)
		return 0;
	snprintf(migrations, sizeof(migrations), "%s/migrations",
		 share && *share ? share : RATHAUS_SHARE_DIR_DEFAULT);
	return db_migrate(s->db, migrations, &applied, e);
}

void
scratch_db_close(struct scratch_db *s)
{
	struct err e = {0};
	char sql[128];

	if (s->db)
		db_rollback(s->db);
	db_close(s->db);
	s->db = NULL;
	if (!s->schema[0])
		return;
	/* A failed test may leave a session holding locks: do not wait forever. */
	snprintf(sql, sizeof(sql), "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS %s CASCADE",
		 s->schema);
	if (run_on_server(sql, &e))
		print_error("dropping %s: %s\n", s->schema, e.detail);
}

static int
setup(void **state, bool migrate)
{
	struct scratch_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	*state = f;
	ASSERT_OK(&f->e, scratch_db_open(&f->s, migrate, &f->e));
	return 0;
}

int
scratch_setup(void **state)
{
	return setup(state, false);
}

int
scratch_setup_migrated(void **state)
{
	return setup(state, true);
}

int
scratch_teardown(void **state)
{
	struct scratch_fixture *f = *state;

	scratch_db_close(&f->s);
	free(f);
	return 0;
}

void
scratch_exec(struct db *db, const char *sql)
{
	struct err e = {0};

	ASSERT_OK(&e, db_exec(db, sql, &e));
}

int64_t
scratch_int64(struct db *db, const char *sql)
{
	struct db_stmt *st = NULL;
	struct err e = {0};
	int64_t v;
	int rc;

	ASSERT_OK(&e, db_prepare(db, sql, &st, &e));
	rc = db_step(st, &e);
	if (rc != DB_ROW)
		print_error("%s: no row: %s\n", sql, e.detail);
	assert_int_equal(rc, DB_ROW);
	v = db_col_int64(st, 0);
	db_finalize(st);
	return v;
}

const char *
scratch_subdir(void)
{
	static char dirs[128][96];
	static int n;

	assert_true(n < 128);
	snprintf(dirs[n], sizeof(dirs[n]), "%s/dir-%d", g.dir, n);
	assert_int_equal(mkdir(dirs[n], 0700), 0);
	return dirs[n++];
}

void
scratch_write(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

void
scratch_remove_tree(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *ent;
	struct stat sb;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((ent = readdir(d))) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			scratch_remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}
