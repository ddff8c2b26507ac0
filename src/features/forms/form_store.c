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
	const char *text, *stored = NULL;
	int64_t n = 0;
	int rc;

	*changed = false;
	arena_init(&a);
	rc = form_def_parse(json, len, &a, &f, errs, e);
	if (rc)
		goto out;
	text = arena_strndup(&a, json, len);
	rc = db_run_count(db, e, &n, ins, DB_INT(t->id), DB_TEXT(f->id), DB_INT(f->version),
			  DB_TEXT(f->title), DB_TEXT(f->leika), DB_TEXT(text), DB_INT(now));
	*changed = rc == 0 && n > 0;
	if (rc || *changed)
		goto out;
	/* The version exists: the same text is no change, another one a conflict. */
	rc = db_text(db, e, &a, &stored, old, DB_INT(t->id), DB_TEXT(f->id), DB_INT(f->version));
	if (rc == 0 && strcmp(stored, text) != 0)
		rc = err_set(e, ERR_CONFLICT, "forms.err.version_exists",
			     "form '%s' version %lld exists with another text", f->id,
			     (long long)f->version);
out:
	arena_release(&a);
	return rc;
}

/* The newest published version of each form: no newer published row exists. */
#define NEWEST                                                                                     \
	"f.tenant_id = $1 AND f.status = 'published' AND NOT EXISTS (SELECT 1 FROM form g "        \
	"WHERE g.tenant_id = f.tenant_id AND g.id = f.id AND g.status = 'published' "              \
	"AND g.version > f.version)"

static void
read_item(struct db_stmt *st, struct arena *a, void *row)
{
	struct form_item *it = row;

	db_cols_dup(st, 0, a, &it->id, &it->title, &it->leika);
	it->version = db_col_int64(st, 3);
}

int
form_list(struct db *db, const struct tenant *t, struct arena *a, struct form_item **out, size_t *n,
	  struct err *e)
{
	static const char sql[] =
		"SELECT f.id, f.title, f.leika, f.version FROM form f WHERE " NEWEST
		" ORDER BY f.title, f.id";
	void *v = NULL;
	int rc = db_list(db, e, sql, a, sizeof(**out), read_item, &v, n, DB_INT(t->id));

	*out = v;
	return rc;
}

int
form_load(struct db *db, const struct tenant *t, const char *id, struct arena *a, struct form **f,
	  const char **json, struct err *e)
{
	static const char sql[] = "SELECT f.definition FROM form f WHERE " NEWEST " AND f.id = $2";
	const char *text = NULL;
	int rc = db_text(db, e, a, &text, sql, DB_INT(t->id), DB_TEXT(id));

	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "forms.err.not_found", "no form '%s'", id);
	if (rc)
		return rc;
	if (form_def_cached(text, a, f, e))
		return err_set(e, ERR_INTERNAL, NULL, "stored form '%s' does not parse: %s", id,
			       e->detail);
	if (json)
		*json = text;
	return 0;
}

int
form_load_version(struct db *db, const struct tenant *t, const char *id, int64_t version,
		  struct arena *a, struct form **f, struct err *e)
{
	static const char sql[] =
		"SELECT definition FROM form WHERE tenant_id = $1 AND id = $2 AND version = $3";
	const char *text = NULL;
	int rc = db_text(db, e, a, &text, sql, DB_INT(t->id), DB_TEXT(id), DB_INT(version));

	if (rc)
		return rc;
	if (form_def_cached(text, a, f, e))
		return err_set(e, ERR_INTERNAL, NULL, "stored form '%s' v%lld does not parse: %s",
			       id, (long long)version, e->detail);
	return 0;
}

static void
read_case(struct db_stmt *st, struct arena *a, void *row)
{
	struct form_case *c = row;

	db_cols_dup(st, 0, a, &c->case_no, &c->form_id);
	c->form_version = db_col_int64(st, 2);
	db_cols_dup(st, 3, a, &c->answers);
	c->created_at = db_col_int64(st, 4);
}

int
form_case_load(struct db *db, const struct tenant *t, const char *case_no, struct arena *a,
	       struct form_case *out, struct err *e)
{
	static const char sql[] = "SELECT case_no, form_id, form_version, answers, created_at "
				  "FROM form_case WHERE tenant_id = $1 AND case_no = $2";

	return db_get(db, e, sql, a, read_case, out, DB_INT(t->id), DB_TEXT(case_no));
}

int
form_for_service(struct db *db, const struct tenant *t, const char *leika, struct arena *a,
		 const char **id, struct err *e)
{
	static const char sql[] =
		"SELECT f.id FROM form f WHERE " NEWEST " AND f.leika = $2 ORDER BY f.id LIMIT 1";

	return db_text(db, e, a, id, sql, DB_INT(t->id), DB_TEXT(leika));
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
	int64_t n = 0;
	int rc = db_run_count(db, e, &n, sql, DB_INT(t->id), DB_TEXT(s->idem_key),
			      DB_TEXT(s->form->id), DB_TEXT(s->fingerprint), DB_INT(s->now));

	return rc ? -rc : n > 0;
}

/* A stored idempotency key: what it was used for, and its case once written. */
struct idem {
	const char *form_id, *fingerprint, *case_no;
};

static void
read_idem(struct db_stmt *st, struct arena *a, void *row)
{
	struct idem *k = row;

	db_cols_dup(st, 0, a, &k->form_id, &k->fingerprint, &k->case_no);
}

int
form_idem_find(struct db *db, const struct tenant *t, const char *form_id, const char *key,
	       const char *fp, struct arena *a, const char **case_no, struct err *e)
{
	static const char sql[] = "SELECT form_id, fingerprint, case_no FROM form_idempotency "
				  "WHERE tenant_id = $1 AND idem_key = $2";
	struct idem k;
	int rc = db_get(db, e, sql, a, read_idem, &k, DB_INT(t->id), DB_TEXT(key));

	if (rc)
		return rc;
	if (strcmp(k.form_id, form_id) != 0 || strcmp(k.fingerprint, fp) != 0)
		return err_set(e, ERR_UNPROCESSABLE, "forms.err.idem_reuse",
			       "idempotency key reused for another request");
	if (!k.case_no[0])
		return err_set(e, ERR_CONFLICT, "forms.err.idem_busy",
			       "idempotency key claimed but no case yet");
	*case_no = k.case_no;
	return 0;
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
	char prefix[PREFIX_MAX + 1];
	int64_t last = 0;
	int rc;

	gmtime_r(&tt, &tm);
	rc = db_int64(db, e, &last, sql, DB_INT(t->id), DB_INT(tm.tm_year + 1900));
	if (rc)
		return rc;
	form_case_prefix(t, prefix, sizeof(prefix));
	*case_no = arena_printf(a, "%s-%d-%06lld", prefix, tm.tm_year + 1900, (long long)last);
	return 0;
}

static int
insert_case(struct db *db, const struct tenant *t, const struct form_submission *s,
	    const char *case_no, struct err *e)
{
	static const char sql[] =
		"INSERT INTO form_case (tenant_id, case_no, form_id, form_version, channel, "
		"answers, created_at, citizen_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
	static const char link[] = "UPDATE form_idempotency SET case_no = $3 WHERE tenant_id = $1 "
				   "AND idem_key = $2";
	char *answers = json_dumps(s->answers, JSON_COMPACT);
	int rc = answers ? db_run(db, e, sql, DB_INT(t->id), DB_TEXT(case_no), DB_TEXT(s->form->id),
				  DB_INT(s->form->version), DB_TEXT(s->channel), DB_TEXT(answers),
				  DB_INT(s->now), DB_ID(s->citizen_id))
			 : ERR_INTERNAL;

	free(answers);
	if (rc || !s->idem_key)
		return rc;
	return db_run(db, e, link, DB_INT(t->id), DB_TEXT(s->idem_key), DB_TEXT(case_no));
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
	int rc = db_run(db, e, "DELETE FROM form_idempotency WHERE created_at < $1",
			DB_INT(now - FORM_IDEM_KEEP_S));

	if (rc == 0)
		rc = db_run(db, e, "DELETE FROM form_draft WHERE expires_at < $1", DB_INT(now));
	return rc;
}
