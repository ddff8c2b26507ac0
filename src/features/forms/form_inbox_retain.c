/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Retention of cases (docs/forms.md, "Case inbox"): a case is deleted
 * with its history and its files once the retention of the form version
 * it was made with (`retention_days`, else the tenant's `retain_forms`)
 * has passed since it was closed, or since it was submitted while it is
 * still open.  Deleting is idempotent, so a run cut short is finished by
 * the next; the job runs on one instance at a time (jobs are claimed).
 */
#include "features/forms/form_inbox.h"

#include "auth/auth.h"
#include "db/db.h"

#include <string.h>

#define DAY_S 86400

struct json_ids {
	struct arena *a;
	const char **v;
	size_t n, cap;
};

/* A stored file answer is {"id", "name"}; collect every one, at any depth. */
static void
collect_ids(json_t *j, struct json_ids *ids, int depth)
{
	const char *key, *id = json_string_value(json_object_get(j, "id"));
	json_t *child;
	size_t i;

	if (depth > FORM_EXPR_DEPTH)
		return;
	if (id && json_is_string(json_object_get(j, "name")) && files_id_valid(id)) {
		if (ids->n == ids->cap) {
			const char **nv;

			ids->cap = ids->cap ? 2 * ids->cap : 8;
			nv = arena_alloc(ids->a, ids->cap * sizeof(*nv));
			if (ids->n)
				memcpy(nv, ids->v, ids->n * sizeof(*nv));
			ids->v = nv;
		}
		ids->v[ids->n++] = arena_strdup(ids->a, id);
		return;
	}
	if (json_is_object(j))
		json_object_foreach(j, key, child) collect_ids(child, ids, depth + 1);
	else if (json_is_array(j))
		json_array_foreach(j, i, child) collect_ids(child, ids, depth + 1);
}

size_t
inbox_file_ids(const char *json, struct arena *a, const char ***out)
{
	struct json_ids ids = {.a = a};
	json_t *doc = json_loads(json, 0, NULL);

	collect_ids(doc, &ids, 0);
	json_decref(doc);
	*out = ids.v;
	return ids.n;
}

/* The form versions that cases of one tenant were made with. */
struct version {
	const char *form_id;
	int64_t version;
};

static void
read_version(struct db_stmt *st, struct arena *a, void *row)
{
	struct version *v = row;

	v->form_id = db_col_dup(st, 0, a);
	v->version = db_col_int64(st, 1);
}

/*
 * The moment before which cases of version `v` are past their retention
 * into *until.  Without the version's definition the tenant's setting
 * counts; a failure to read it deletes nothing.
 */
static int
cutoff(struct db *db, const struct tenant *t, const struct version *v, int64_t now, struct arena *a,
       int64_t *until, struct err *e)
{
	struct inbox_case c = {.form_id = v->form_id, .version = v->version};
	struct form *f = NULL;
	int rc = inbox_form_of(db, t, &c, a, &f, e);

	if (rc == 0 && f->retention_days > 0)
		*until = now - f->retention_days * DAY_S;
	else if (rc == 0 || rc == ERR_NOTFOUND)
		*until = now - tenant_setting_int(t, TSET_RETAIN_FORMS);
	else
		return rc;
	return 0;
}

struct doomed {
	int64_t id;
	const char *answers;
};

static void
read_doomed(struct db_stmt *st, struct arena *a, void *row)
{
	struct doomed *d = row;

	d->id = db_col_int64(st, 0);
	d->answers = db_col_dup(st, 1, a);
}

/* Delete one case with its files (expired now, removed by the purge) and history. */
static int
delete_case(struct db *db, const struct tenant *t, const struct doomed *d, int64_t now,
	    struct arena *a, int64_t *n, struct err *e)
{
	const char **ids;
	size_t nf = inbox_file_ids(d->answers, a, &ids);
	int64_t gone = 0;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < nf; i++)
		rc = files_expire(db, t, ids[i], now, e);
	/* The mailbox's files too; its rows go with the case. */
	if (rc == 0)
		rc = db_run(
			db, e,
			"UPDATE file SET expires_at = $3 WHERE tenant_id = $1 AND id IN (SELECT "
			"mf.file_id FROM case_message_file mf JOIN case_message m ON m.id = "
			"mf.message_id WHERE m.case_id = $2)",
			DB_INT(t->id), DB_INT(d->id), DB_INT(now));
	if (rc == 0)
		rc = db_run(db, e, "DELETE FROM form_case_event WHERE case_id = $1", DB_INT(d->id));
	if (rc == 0) /* a delivery still pending finds its case gone and ends */
		rc = db_run(db, e, "DELETE FROM form_delivery WHERE case_id = $1", DB_INT(d->id));
	if (rc == 0)
		rc = db_run_count(db, e, &gone,
				  "DELETE FROM form_case WHERE tenant_id = $1 AND id = $2",
				  DB_INT(t->id), DB_INT(d->id));
	*n += gone;
	return rc;
}

/* Delete the cases of version `v` closed (or, while open, made) before `until`, in batches. */
static int
retain_version(struct db *db, const struct tenant *t, const struct version *v, int64_t until,
	       int64_t now, struct arena *a, int64_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT id, answers FROM form_case WHERE tenant_id = $1 AND form_id = $2 AND "
		"form_version = $3 AND COALESCE(closed_at, created_at) < $4 ORDER BY id LIMIT $5";
	struct doomed *d;
	size_t nd;
	int rc;

	do {
		void *rows = NULL;

		rc = db_list(db, e, sql, a, sizeof(*d), read_doomed, &rows, &nd, DB_INT(t->id),
			     DB_TEXT(v->form_id), DB_INT(v->version), DB_INT(until),
			     DB_INT(INBOX_RETAIN_BATCH));
		d = rows;
		if (rc || nd == 0)
			return rc;
		rc = db_begin(db, e);
		for (size_t i = 0; rc == 0 && i < nd; i++)
			rc = delete_case(db, t, &d[i], now, a, n, e);
		rc = db_end(db, rc, e);
	} while (rc == 0 && nd == INBOX_RETAIN_BATCH);
	return rc;
}

static int
retain_tenant(struct db *db, const struct tenant *t, int64_t now, struct arena *a, int64_t *n,
	      struct err *e)
{
	static const char sql[] = "SELECT DISTINCT form_id, form_version FROM form_case "
				  "WHERE tenant_id = $1 ORDER BY form_id, form_version";
	struct version *v;
	void *rows = NULL;
	size_t nv;
	int rc = db_list(db, e, sql, a, sizeof(*v), read_version, &rows, &nv, DB_INT(t->id));

	v = rows;
	for (size_t i = 0; rc == 0 && i < nv; i++) {
		int64_t until = 0;

		rc = cutoff(db, t, &v[i], now, a, &until, e);
		rc = rc ? rc : retain_version(db, t, &v[i], until, now, a, n, e);
	}
	return rc;
}

int
inbox_retain(struct db *db, const struct files_store *fs, int64_t now, int64_t *n, struct err *e)
{
	struct arena a;
	struct tenant *v;
	size_t nt;
	int64_t total = 0;
	int rc;

	arena_init(&a);
	rc = tenant_list(db, -1, &a, &v, &nt, e);
	rc = rc ? rc : tenant_settings_attach(db, v, nt, &a, e);
	for (size_t i = 0; rc == 0 && i < nt; i++) {
		int64_t k = 0;

		rc = retain_tenant(db, &v[i], now, &a, &k, e);
		if (rc == 0 && k > 0)
			rc = audit_log(db, &v[i], 0, "forms.retention",
				       arena_printf(&a, "%lld cases deleted", (long long)k), NULL,
				       e);
		total += k;
	}
	if (rc == 0 && total > 0)
		rc = files_purge_expired(db, fs, now, NULL, e);
	arena_release(&a);
	if (n)
		*n = total;
	return rc;
}
