/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Storage of forms and cases: definitions by version, the published list,
 * and the submission that makes a case.  A submission is one transaction:
 * the idempotency key is claimed first (a concurrent request with the same
 * key waits on it, on PostgreSQL on the row, on SQLite on the write lock),
 * then the tenant's counter for the year is taken with a conditional
 * upsert and the case written; the unique case number is the invariant.
 */
#include "features/forms/form_int.h"

#include "db/db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PREFIX_MAX 12

int
form_save(struct db *db, const struct tenant *t, const char *json, size_t len, int64_t now,
	  struct form_def_errors *errs, bool *changed, struct err *e)
{
	static const char ins[] =
		"INSERT INTO form (tenant_id, id, version, title, leika, status, definition, "
		"created_at) VALUES ($1, $2, $3, $4, $5, 'published', $6, $7) "
		"ON CONFLICT (tenant_id, id, version) DO NOTHING";
	static const char old[] = "SELECT definition FROM form WHERE tenant_id = $1 AND id = $2 "
				  "AND version = $3";
	struct arena a;
	struct form *f;
	struct db_stmt *st = NULL;
	char *text = NULL;
	int rc;

	*changed = false;
	arena_init(&a);
	rc = form_def_parse(json, len, &a, &f, errs, e);
	if (rc)
		goto out;
	text = arena_strndup(&a, json, len);
	rc = db_prepare(db, ins, &st, e);
	if (rc)
		goto out;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, f->id);
	db_bind_int64(st, 3, f->version);
	db_bind_text(st, 4, f->title);
	db_bind_text(st, 5, f->leika);
	db_bind_text(st, 6, text);
	db_bind_int64(st, 7, now);
	rc = db_step(st, e);
	*changed = rc == DB_DONE && db_changes(st) > 0;
	db_finalize(st);
	st = NULL;
	if (rc != DB_DONE || *changed) {
		rc = rc == DB_DONE ? 0 : rc;
		goto out;
	}
	rc = db_prepare(db, old, &st, e);
	if (rc)
		goto out;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, f->id);
	db_bind_int64(st, 3, f->version);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		rc = strcmp(db_col_text(st, 0), text) == 0
			     ? 0
			     : err_set(e, ERR_CONFLICT, "forms.err.version_exists",
				       "form '%s' version %lld exists with another text", f->id,
				       (long long)f->version);
out:
	db_finalize(st);
	arena_release(&a);
	return rc == DB_DONE ? 0 : rc;
}

/* The newest published version of each form: no newer published row exists. */
#define NEWEST                                                                                     \
	"f.tenant_id = $1 AND f.status = 'published' AND NOT EXISTS (SELECT 1 FROM form g "        \
	"WHERE g.tenant_id = f.tenant_id AND g.id = f.id AND g.status = 'published' "              \
	"AND g.version > f.version)"

int
form_list(struct db *db, const struct tenant *t, struct arena *a, struct form_item **out, size_t *n,
	  struct err *e)
{
	static const char sql[] =
		"SELECT f.id, f.title, f.leika, f.version FROM form f WHERE " NEWEST
		" ORDER BY f.title, f.id";
	struct db_stmt *st = NULL;
	size_t cap = 0;
	int rc = db_prepare(db, sql, &st, e);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		struct form_item *it;

		*out = arena_grow(a, *out, *n, &cap, sizeof(**out));
		it = &(*out)[(*n)++];
		it->id = arena_strdup(a, db_col_text(st, 0));
		it->title = arena_strdup(a, db_col_text(st, 1));
		it->leika = arena_strdup(a, db_col_text(st, 2));
		it->version = db_col_int64(st, 3);
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

int
form_load(struct db *db, const struct tenant *t, const char *id, struct arena *a, struct form **f,
	  const char **json, struct err *e)
{
	static const char sql[] = "SELECT f.definition FROM form f WHERE " NEWEST " AND f.id = $2";
	struct form_def_errors *errs = NULL;
	struct db_stmt *st = NULL;
	const char *text = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, id);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		text = arena_strdup(a, db_col_text(st, 0));
	db_finalize(st);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOTFOUND, "forms.err.not_found", "no form '%s'", id);
	if (rc != DB_ROW)
		return rc;
	errs = arena_alloc(a, sizeof(*errs));
	rc = form_def_parse(text, strlen(text), a, f, errs, e);
	if (rc)
		return err_set(e, ERR_INTERNAL, NULL, "stored form '%s' does not parse: %s", id,
			       e->detail);
	if (json)
		*json = text;
	return 0;
}

int
form_for_service(struct db *db, const struct tenant *t, const char *leika, struct arena *a,
		 const char **id, struct err *e)
{
	static const char sql[] =
		"SELECT f.id FROM form f WHERE " NEWEST " AND f.leika = $2 ORDER BY f.id LIMIT 1";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, leika);
	rc = db_step(st, e);
	if (rc == DB_ROW)
		*id = arena_strdup(a, db_col_text(st, 0));
	db_finalize(st);
	if (rc == DB_DONE)
		return ERR_NOTFOUND;
	return rc == DB_ROW ? 0 : rc;
}

void
form_case_prefix(const struct tenant *t, char *out, size_t cap)
{
	const char *src = tenant_setting_str(t, TSET_CASE_PREFIX);
	size_t n = 0, want = PREFIX_MAX;

	if (!src[0]) {
		src = t->slug; /* "luenen" -> "LUE" */
		want = 3;
	}
	for (; *src && n + 1 < cap && n < want; src++)
		if (isalnum((unsigned char)*src))
			out[n++] = (char)toupper((unsigned char)*src);
	if (n == 0 && cap > 4)
		n = (size_t)snprintf(out, cap, "ANT");
	out[n < cap ? n : cap - 1] = '\0';
}

/* Claim `key`: 1 when this transaction owns it, 0 when another request had it. */
static int
claim_key(struct db *db, const struct tenant *t, const struct form_submission *s, struct err *e)
{
	static const char sql[] =
		"INSERT INTO form_idempotency (tenant_id, idem_key, form_id, fingerprint, "
		"created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return -rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, s->idem_key);
	db_bind_text(st, 3, s->form->id);
	db_bind_text(st, 4, s->fingerprint);
	db_bind_int64(st, 5, s->now);
	rc = db_step(st, e);
	if (rc == DB_DONE)
		rc = db_changes(st) > 0;
	else
		rc = -rc;
	db_finalize(st);
	return rc;
}

int
form_idem_find(struct db *db, const struct tenant *t, const char *form_id, const char *key,
	       const char *fp, struct arena *a, const char **case_no, struct err *e)
{
	static const char sql[] = "SELECT form_id, fingerprint, case_no FROM form_idempotency "
				  "WHERE tenant_id = $1 AND idem_key = $2";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, key);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		if (strcmp(db_col_text(st, 0), form_id) != 0 || strcmp(db_col_text(st, 1), fp) != 0)
			rc = err_set(e, ERR_UNPROCESSABLE, "forms.err.idem_reuse",
				     "idempotency key reused for another request");
		else if (!db_col_text(st, 2)[0])
			rc = err_set(e, ERR_CONFLICT, "forms.err.idem_busy",
				     "idempotency key claimed but no case yet");
		else
			rc = 0;
		if (rc == 0)
			*case_no = arena_strdup(a, db_col_text(st, 2));
	} else if (rc == DB_DONE) {
		rc = ERR_NOTFOUND;
	}
	db_finalize(st);
	return rc;
}

static int
next_number(struct db *db, const struct tenant *t, int64_t now, struct arena *a,
	    const char **case_no, struct err *e)
{
	static const char sql[] =
		"INSERT INTO form_case_seq (tenant_id, year, last) VALUES ($1, $2, 1) "
		"ON CONFLICT (tenant_id, year) DO UPDATE SET last = form_case_seq.last + 1 "
		"RETURNING last";
	time_t tt = (time_t)now;
	struct tm tm;
	struct db_stmt *st = NULL;
	char prefix[PREFIX_MAX + 1];
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	gmtime_r(&tt, &tm);
	db_bind_int64(st, 1, t->id);
	db_bind_int64(st, 2, tm.tm_year + 1900);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		form_case_prefix(t, prefix, sizeof(prefix));
		*case_no = arena_printf(a, "%s-%d-%06lld", prefix, tm.tm_year + 1900,
					(long long)db_col_int64(st, 0));
		rc = 0;
	}
	db_finalize(st);
	return rc;
}

static int
insert_case(struct db *db, const struct tenant *t, const struct form_submission *s,
	    const char *case_no, struct err *e)
{
	static const char sql[] =
		"INSERT INTO form_case (tenant_id, case_no, form_id, form_version, channel, "
		"answers, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
	static const char link[] = "UPDATE form_idempotency SET case_no = $3 WHERE tenant_id = $1 "
				   "AND idem_key = $2";
	char *answers = json_dumps(s->answers, JSON_COMPACT);
	struct db_stmt *st = NULL;
	int rc = answers ? db_prepare(db, sql, &st, e) : ERR_INTERNAL;

	if (rc == 0) {
		db_bind_int64(st, 1, t->id);
		db_bind_text(st, 2, case_no);
		db_bind_text(st, 3, s->form->id);
		db_bind_int64(st, 4, s->form->version);
		db_bind_text(st, 5, s->channel);
		db_bind_text(st, 6, answers);
		db_bind_int64(st, 7, s->now);
		rc = db_step(st, e);
		db_finalize(st);
		rc = rc == DB_DONE ? 0 : rc;
	}
	free(answers);
	if (rc || !s->idem_key)
		return rc;
	rc = db_prepare(db, link, &st, e);
	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, s->idem_key);
	db_bind_text(st, 3, case_no);
	rc = db_step(st, e);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

int
form_submit(struct db *db, const struct tenant *t, const struct form_submission *s, struct arena *a,
	    const char **case_no, bool *replayed, struct err *e)
{
	int rc = db_begin(db, e);

	*replayed = false;
	if (rc)
		return rc;
	if (s->idem_key) {
		int owned = claim_key(db, t, s, e);

		if (owned <= 0) {
			db_rollback(db);
			if (owned < 0)
				return -owned;
			*replayed = true;
			rc = form_idem_find(db, t, s->form->id, s->idem_key, s->fingerprint, a,
					    case_no, e);
			return rc == ERR_NOTFOUND ? err_set(e, ERR_CONFLICT, "forms.err.idem_busy",
							    "idempotency key vanished")
						  : rc;
		}
	}
	rc = next_number(db, t, s->now, a, case_no, e);
	if (rc == 0)
		rc = insert_case(db, t, s, *case_no, e);
	if (rc == 0 && s->with_case)
		rc = s->with_case(db, *case_no, s->cls, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
}

int
form_purge(struct db *db, int64_t now, struct err *e)
{
	static const char *const sql[] = {
		"DELETE FROM form_idempotency WHERE created_at < $1",
		"DELETE FROM form_draft WHERE expires_at < $2",
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct db_stmt *st = NULL;

		rc = db_prepare(db, sql[i], &st, e);
		if (rc)
			break;
		db_bind_int64(st, 1, now - FORM_IDEM_KEEP_S);
		db_bind_int64(st, 2, now);
		rc = db_step(st, e);
		db_finalize(st);
		rc = rc == DB_DONE ? 0 : rc;
	}
	return rc;
}
