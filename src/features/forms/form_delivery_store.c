/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Storage of deliveries: the per-form targets, the delivery row and its job
 * written in the submission's transaction, the outcome of each try, and
 * "Erneut zustellen".  Every change of state is a conditional UPDATE on the
 * state it expects, so two instances or two clicks change a row once.
 */
#include "features/forms/form_delivery.h"

#include "core/seal.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {"pending", "delivered", "failed"};

const char *
form_delivery_state_name(unsigned st)
{
	for (unsigned i = 0; i < 3; i++)
		if (st == 1u << i)
			return state_names[i];
	return NULL;
}

unsigned
form_delivery_state_parse(const char *s)
{
	for (unsigned i = 0; i < 3; i++)
		if (strcmp(s, state_names[i]) == 0)
			return 1u << i;
	return 0;
}

int64_t
form_delivery_backoff(int attempt, int base_s)
{
	static const int64_t times[] = {1, 5, 30, 120, 720};
	size_t i = attempt < 1 ? 0 : (size_t)attempt - 1;

	if (i >= sizeof(times) / sizeof(times[0]))
		i = sizeof(times) / sizeof(times[0]) - 1;
	return times[i] * base_s;
}

/* Columns url, secret: the secret leaves this file only as its length and last characters. */
static void
read_target(struct db_stmt *st, int first, struct arena *a, struct form_delivery_target *out)
{
	const char *secret = db_col_text(st, first + 1);
	struct err e = {0};
	size_t n;

	if (seal_open(a, secret, &secret, &e))
		secret = ""; /* shown as not set; the delivery job reports the error */
	n = strlen(secret);

	db_cols_dup(st, first, a, &out->url);
	out->secret_len = (int64_t)n;
	out->secret_end = arena_strndup(
		a, n > FORM_DELIVERY_SECRET_SHOWN ? secret + n - FORM_DELIVERY_SECRET_SHOWN : "",
		n > FORM_DELIVERY_SECRET_SHOWN ? FORM_DELIVERY_SECRET_SHOWN : 0);
	out->updated_at = db_col_int64(st, first + 2);
}

static void
read_listed(struct db_stmt *st, struct arena *a, void *row)
{
	struct form_delivery_target *t = row;

	db_cols_dup(st, 0, a, &t->form_id);
	read_target(st, 1, a, t);
}

int
form_delivery_targets(struct db *db, const struct tenant *t, struct arena *a,
		      struct form_delivery_target **out, struct form_item **forms, size_t *n,
		      struct err *e)
{
	static const char sql[] =
		"SELECT form_id, url, secret, updated_at FROM form_delivery_target "
		"WHERE tenant_id = $1 ORDER BY form_id";
	struct form_delivery_target *v = NULL;
	size_t nt = 0;
	void *p = NULL;
	int rc = form_list(db, t, a, forms, n, e);

	if (rc == 0)
		rc = db_list(db, e, sql, a, sizeof(*v), read_listed, &p, &nt, DB_INT(t->id));
	if (rc)
		return rc;
	v = p;
	*out = arena_alloc(a, (*n ? *n : 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		(*out)[i] = (struct form_delivery_target){
			.form_id = (*forms)[i].id, .url = "", .secret_end = ""};
		for (size_t k = 0; k < nt; k++)
			if (strcmp(v[k].form_id, (*forms)[i].id) == 0)
				(*out)[i] = v[k];
	}
	return 0;
}

static void
read_one(struct db_stmt *st, struct arena *a, void *row)
{
	read_target(st, 0, a, row);
}

int
form_delivery_target_get(struct db *db, const struct tenant *t, const char *form_id,
			 struct arena *a, struct form_delivery_target *out, struct err *e)
{
	static const char sql[] = "SELECT url, secret, updated_at FROM form_delivery_target "
				  "WHERE tenant_id = $1 AND form_id = $2";
	int rc;

	*out = (struct form_delivery_target){.form_id = form_id, .url = "", .secret_end = ""};
	rc = db_get(db, e, sql, a, read_one, out, DB_INT(t->id), DB_TEXT(form_id));
	out->form_id = form_id;
	return rc == ERR_NOTFOUND ? 0 : rc;
}

int
form_delivery_target_save(struct db *db, const struct tenant *t, const char *form_id,
			  const char *url, const char *secret, int64_t now, struct err *e)
{
	static const char del[] =
		"DELETE FROM form_delivery_target WHERE tenant_id = $1 AND form_id = $2";
	static const char keep[] = "UPDATE form_delivery_target SET url = $3, updated_at = $4 "
				   "WHERE tenant_id = $1 AND form_id = $2";
	static const char set[] =
		"INSERT INTO form_delivery_target (tenant_id, form_id, url, secret, updated_at) "
		"VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, form_id) DO UPDATE "
		"SET url = excluded.url, secret = excluded.secret, updated_at = "
		"excluded.updated_at";
	int64_t n = 0;
	int rc;

	if (!url[0])
		return db_run(db, e, del, DB_INT(t->id), DB_TEXT(form_id));
	if (secret[0]) {
		struct arena a;

		arena_init(&a);
		rc = db_run(db, e, set, DB_INT(t->id), DB_TEXT(form_id), DB_TEXT(url),
			    DB_TEXT(seal_text(&a, secret)), DB_INT(now));
		arena_release(&a);
		return rc;
	}
	rc = db_run_count(db, e, &n, keep, DB_INT(t->id), DB_TEXT(form_id), DB_TEXT(url),
			  DB_INT(now));
	if (rc == 0 && n == 0)
		rc = err_set(e, ERR_UNPROCESSABLE, "forms.delivery.err.secret",
			     "form '%s' has no secret yet", form_id);
	return rc;
}

int
form_delivery_queue(struct db *db, const struct tenant *t, const char *form_id, const char *case_no,
		    int64_t now, bool *queued, struct err *e)
{
	/* No target, no row: the SELECT finds nothing and the INSERT adds nothing. */
	static const char sql[] =
		"INSERT INTO form_delivery (tenant_id, case_id, next_at, created_at, updated_at) "
		"SELECT c.tenant_id, c.id, CAST($4 AS BIGINT), CAST($4 AS BIGINT), "
		"CAST($4 AS BIGINT) FROM form_case c "
		"JOIN form_delivery_target g ON g.tenant_id = c.tenant_id AND g.form_id = "
		"c.form_id "
		"WHERE c.tenant_id = $1 AND c.case_no = $2 AND c.form_id = $3 RETURNING id";
	char payload[64];
	int64_t id = 0;
	int rc = db_int64(db, e, &id, sql, DB_INT(t->id), DB_TEXT(case_no), DB_TEXT(form_id),
			  DB_INT(now));

	*queued = false;
	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	snprintf(payload, sizeof(payload), "{\"delivery\": %lld}", (long long)id);
	rc = job_enqueue(db, FORM_DELIVERY_KIND, t->id, payload, now, NULL, e);
	*queued = rc == 0;
	return rc;
}

static void
read_delivery(struct db_stmt *st, struct arena *a, void *row)
{
	struct form_delivery *d = row;

	d->id = db_col_int64(st, 0);
	d->state = form_delivery_state_parse(db_col_text(st, 1));
	db_cols_int64(st, 2, &d->attempts, &d->last_status);
	db_cols_dup(st, 4, a, &d->last_error);
	db_cols_int64(st, 5, &d->next_at, &d->delivered_at, &d->created_at);
}

int
form_delivery_get(struct db *db, const struct tenant *t, int64_t case_id, struct arena *a,
		  struct form_delivery *out, struct err *e)
{
	static const char sql[] = "SELECT id, state, attempts, last_status, last_error, next_at, "
				  "delivered_at, created_at FROM form_delivery "
				  "WHERE tenant_id = $1 AND case_id = $2";

	return db_get(db, e, sql, a, read_delivery, out, DB_INT(t->id), DB_INT(case_id));
}

int
form_delivery_retry(struct db *db, const struct tenant *t, int64_t case_id, int64_t now,
		    struct err *e)
{
	static const char sql[] =
		"UPDATE form_delivery SET state = 'pending', next_at = $3, updated_at = $3 "
		"WHERE tenant_id = $1 AND case_id = $2 AND state = 'failed' RETURNING id";
	char payload[64];
	int64_t id = 0;
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	rc = db_int64(db, e, &id, sql, DB_INT(t->id), DB_INT(case_id), DB_INT(now));
	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_CONFLICT, "forms.delivery.err.not_failed",
			     "delivery of case %lld is not failed", (long long)case_id);
	if (rc == 0) {
		snprintf(payload, sizeof(payload), "{\"delivery\": %lld}", (long long)id);
		rc = job_enqueue(db, FORM_DELIVERY_KIND, t->id, payload, now, NULL, e);
	}
	return db_end(db, rc, e);
}

static void
read_job(struct db_stmt *st, struct arena *a, void *row)
{
	struct form_delivery_job *j = row;

	db_cols_int64(st, 0, &j->id, &j->tenant_id);
	j->state = form_delivery_state_parse(db_col_text(st, 2));
	db_cols_dup(st, 3, a, &j->tenant_slug, &j->case_no, &j->form_id, &j->channel, &j->answers);
	db_cols_int64(st, 8, &j->form_version, &j->created_at);
	db_cols_dup(st, 10, a, &j->url, &j->secret);
}

int
form_delivery_job_load(struct db *db, int64_t id, struct arena *a, struct form_delivery_job *out,
		       struct err *e)
{
	static const char sql[] =
		"SELECT d.id, d.tenant_id, d.state, t.slug, c.case_no, c.form_id, c.channel, "
		"c.answers, c.form_version, c.created_at, COALESCE(g.url, ''), "
		"COALESCE(g.secret, '') FROM form_delivery d "
		"JOIN form_case c ON c.id = d.case_id JOIN tenant t ON t.id = d.tenant_id "
		"LEFT JOIN form_delivery_target g ON g.tenant_id = c.tenant_id "
		"AND g.form_id = c.form_id WHERE d.id = $1";

	int rc = db_get(db, e, sql, a, read_job, out, DB_INT(id));

	return rc ? rc : seal_open(a, out->secret, &out->secret, e);
}

int
form_delivery_record(struct db *db, int64_t id, unsigned state, int64_t status, const char *error,
		     int64_t now, int64_t next_at, struct err *e)
{
	static const char sql[] =
		"UPDATE form_delivery SET state = $2, attempts = attempts + 1, last_status = $3, "
		"last_error = $4, next_at = $5, "
		"delivered_at = CASE WHEN $2 = 'delivered' THEN $6 ELSE delivered_at END, "
		"updated_at = $6 WHERE id = $1 AND state = 'pending'";

	return db_run(db, e, sql, DB_INT(id), DB_TEXT(form_delivery_state_name(state)),
		      DB_INT(status), DB_TEXT(error ? error : ""), DB_INT(next_at), DB_INT(now));
}
