/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The job table: queueing, the claim and the outcome of a run.  Every write
 * after the claim is conditional on the claim's token, so an instance whose
 * lease was taken over cannot undo the new holder's work.
 */
#include "jobs/jobs_int.h"

#include "core/xalloc.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Longest error text kept in last_error. */
#define JOBS_ERROR_MAX 500

static bool
kind_name_valid(const char *s)
{
	size_t n = 0;

	for (; s && s[n]; n++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", s[n]))
			return false;
	return n > 0 && n <= 64;
}

int
job_enqueue(struct db *db, const char *kind, int64_t tenant_id, const char *payload, int64_t run_at,
	    int64_t *id, struct err *e)
{
	static const char sql[] =
		"INSERT INTO job (kind, tenant_id, payload, run_at, created_at, updated_at) "
		"VALUES ($1, $2, $3, $4, $5, $5) RETURNING id";
	struct db_stmt *st = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (!kind_name_valid(kind))
		return err_set(e, ERR_INVALID, NULL, "job kind '%s' is not a valid name",
			       kind ? kind : "");
	rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, kind);
	if (tenant_id > 0)
		db_bind_int64(st, 2, tenant_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, payload ? payload : "{}");
	db_bind_int64(st, 4, run_at > 0 ? run_at : now);
	db_bind_int64(st, 5, now);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		if (id)
			*id = db_col_int64(st, 0);
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

int
jobs_store_ensure(struct jobs *j, struct db *db, int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO job (kind, unique_key, run_at, created_at, updated_at) "
		"VALUES ($1, $2, $3, $3, $3) ON CONFLICT (unique_key) DO NOTHING";
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < j->n_kinds; i++) {
		struct db_stmt *st = NULL;
		char key[96];

		if (j->kinds[i].interval_s <= 0)
			continue;
		snprintf(key, sizeof(key), "every:%s", j->kinds[i].kind->name);
		rc = db_prepare(db, sql, &st, e);
		if (rc)
			break;
		db_bind_text(st, 1, j->kinds[i].kind->name);
		db_bind_text(st, 2, key);
		db_bind_int64(st, 3, now);
		rc = db_step(st, e);
		rc = rc == DB_DONE ? 0 : rc;
		db_finalize(st);
	}
	return rc;
}

int
jobs_store_due(struct db *db, const char *kind, int64_t now, int64_t *ids, size_t *n, struct err *e)
{
	static const char sql[] = "SELECT id FROM job WHERE kind = $1 AND state = 'queued' "
				  "AND run_at <= $2 AND claimed_until <= $2 "
				  "ORDER BY run_at, id LIMIT 16";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	_Static_assert(JOBS_BATCH == 16, "the LIMIT above is JOBS_BATCH");
	*n = 0;
	if (rc)
		return rc;
	db_bind_text(st, 1, kind);
	db_bind_int64(st, 2, now);
	while ((rc = db_step(st, e)) == DB_ROW && *n < JOBS_BATCH)
		ids[(*n)++] = db_col_int64(st, 0);
	db_finalize(st);
	return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

/* Read the claimed row back (the claim itself returns no columns on both backends alike). */
static int
load_claim(struct db *db, struct job_claim *c, struct err *e)
{
	static const char sql[] = "SELECT tenant_id, payload, attempts, unique_key IS NOT NULL "
				  "FROM job WHERE id = $1 AND claimed_by = $2";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, c->id);
	db_bind_text(st, 2, c->token);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		c->tenant_id = db_col_null(st, 0) ? 0 : db_col_int64(st, 0);
		c->payload = xstrdup(db_col_text(st, 1));
		c->attempts = (int)db_col_int64(st, 2);
		c->recurring = db_col_int64(st, 3) != 0;
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_CONFLICT, NULL, "job %lld: claim lost", (long long)c->id);
	}
	db_finalize(st);
	return rc;
}

int
jobs_store_claim(struct db *db, int64_t id, const char *token, int64_t now, int lease_s,
		 struct job_claim *c, struct err *e)
{
	static const char sql[] =
		"UPDATE job SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1, "
		"updated_at = $3 WHERE id = $4 AND state = 'queued' AND run_at <= $3 "
		"AND claimed_until <= $3";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	memset(c, 0, sizeof(*c));
	c->id = id;
	snprintf(c->token, sizeof(c->token), "%s", token);
	if (rc)
		return rc;
	db_bind_text(st, 1, token);
	db_bind_int64(st, 2, now + lease_s);
	db_bind_int64(st, 3, now);
	db_bind_int64(st, 4, id);
	rc = db_step(st, e);
	if (rc == DB_DONE)
		rc = db_changes(st) == 1
			     ? 0
			     : err_set(e, ERR_CONFLICT, NULL, "job %lld is taken", (long long)id);
	db_finalize(st);
	return rc ? rc : load_claim(db, c, e);
}

void
jobs_claim_release(struct job_claim *c)
{
	free(c->payload);
	c->payload = NULL;
}

/* Run a finishing statement whose $1 is the job id and $2 the claim token. */
static int
finish(struct db_stmt *st, const struct job_claim *c, bool *kept, struct err *e)
{
	int rc;

	db_bind_int64(st, 1, c->id);
	db_bind_text(st, 2, c->token);
	rc = db_step(st, e);
	*kept = rc == DB_DONE && db_changes(st) == 1;
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

int
jobs_store_done(struct db *db, const struct job_claim *c, int64_t now, int interval_s, bool *kept,
		struct err *e)
{
	static const char del_sql[] = "DELETE FROM job WHERE id = $1 AND claimed_by = $2";
	static const char next_sql[] =
		"UPDATE job SET run_at = $3, attempts = 0, last_error = '', claimed_by = NULL, "
		"claimed_until = 0, updated_at = $4 WHERE id = $1 AND claimed_by = $2";
	bool again = c->recurring && interval_s > 0;
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, again ? next_sql : del_sql, &st, e);

	*kept = false;
	if (rc)
		return rc;
	if (again) {
		db_bind_int64(st, 3, now + interval_s);
		db_bind_int64(st, 4, now);
	}
	return finish(st, c, kept, e);
}

/* Drop a UTF-8 sequence that a cut may have left incomplete at the end of `s`. */
static void
cut_utf8(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0 && (unsigned char)s[n - 1] >= 0xc0)
		n--;
	s[n] = '\0';
}

int
jobs_store_failed(struct db *db, const struct job_claim *c, int64_t now, int64_t retry_at,
		  bool dead, const char *error, bool *kept, struct err *e)
{
	static const char sql[] =
		"UPDATE job SET state = $3, run_at = $4, last_error = $5, claimed_by = NULL, "
		"claimed_until = 0, updated_at = $6 WHERE id = $1 AND claimed_by = $2";
	char msg[JOBS_ERROR_MAX + 1];
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	*kept = false;
	if (rc)
		return rc;
	/* Cut between characters: a cut UTF-8 sequence would be refused by the bind. */
	snprintf(msg, sizeof(msg), "%s", error ? error : "");
	if (strlen(msg) == JOBS_ERROR_MAX)
		cut_utf8(msg);
	db_bind_text(st, 3, dead ? "dead" : "queued");
	db_bind_int64(st, 4, retry_at);
	db_bind_text(st, 5, msg);
	db_bind_int64(st, 6, now);
	return finish(st, c, kept, e);
}
