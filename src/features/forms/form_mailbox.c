/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The mailbox of a case sent from a citizen account (migration 0035):
 * messages of staff to the citizen and the citizen's replies, each with up
 * to CASE_MSG_FILES files, stored only by appending.  Every call takes the
 * case's tenant; the citizen's pages reach a case only through its owner
 * (inbox_get_mine()).
 */
#include "features/forms/form_inbox.h"

#include "db/db.h"

#include <string.h>
#include <time.h>

/* Unlinked message files (a message that failed after they were stored) go after a day. */
#define PENDING_S 86400

static void
read_msg(struct db_stmt *st, struct arena *a, void *row)
{
	struct case_msg *m = row;

	m->id = db_col_int64(st, 0);
	m->from_citizen = db_col_int64(st, 1) != 0;
	db_cols_dup(st, 2, a, &m->body, &m->author);
	m->at = db_col_int64(st, 4);
	m->read_at = db_col_int64(st, 5);
}

struct attach {
	struct case_msg *v;
	size_t n;
	struct arena *a;
};

static int
add_file(struct db_stmt *st, void *ctx, struct err *e)
{
	struct attach *c = ctx;
	int64_t id = db_col_int64(st, 0);

	(void)e;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].id == id && c->v[i].n_files < CASE_MSG_FILES) {
			struct case_file *f = &c->v[i].files[c->v[i].n_files++];

			f->id = db_col_dup(st, 1, c->a);
			f->name = db_col_dup(st, 2, c->a);
		}
	return 0;
}

int
case_messages(struct db *db, const struct tenant *t, int64_t case_id, struct arena *a,
	      struct case_msg **out, size_t *n, struct err *e)
{
	void *v = NULL;
	struct attach c;
	int rc = db_list(
		db, e,
		"SELECT m.id, m.from_citizen, m.body, COALESCE(u.name, ''), m.created_at, "
		"COALESCE(m.read_at, 0) FROM case_message m JOIN form_case c ON c.id = "
		"m.case_id LEFT JOIN staff_user u ON u.id = m.staff_id WHERE c.tenant_id = "
		"$1 AND m.case_id = $2 ORDER BY m.created_at, m.id",
		a, sizeof(struct case_msg), read_msg, &v, n, DB_INT(t->id), DB_INT(case_id));

	*out = v;
	c = (struct attach){*out, *n, a};
	if (rc == 0 && *n)
		rc = db_each(
			db, e,
			"SELECT mf.message_id, f.id, f.name FROM case_message_file mf JOIN "
			"case_message m ON m.id = mf.message_id JOIN file f ON f.id = "
			"mf.file_id JOIN form_case c ON c.id = m.case_id WHERE c.tenant_id = $1 "
			"AND m.case_id = $2 ORDER BY mf.message_id, mf.position",
			add_file, &c, DB_INT(t->id), DB_INT(case_id));
	return rc;
}

int
case_message_add(struct db *db, const struct tenant *t, int64_t case_id, bool from_citizen,
		 const char *body, int64_t staff_id, const char *const *files, size_t n_files,
		 int64_t now, struct err *e)
{
	int64_t id = 0;
	int rc = db_int64(
		db, e, &id,
		"INSERT INTO case_message (case_id, from_citizen, body, staff_id, "
		"created_at) SELECT id, $3, $4, $5, $6 FROM form_case WHERE tenant_id = $1 "
		"AND id = $2 RETURNING id",
		DB_INT(t->id), DB_INT(case_id), DB_INT(from_citizen ? 1 : 0), DB_TEXT(body),
		DB_ID(staff_id), DB_INT(now));

	for (size_t i = 0; rc == 0 && i < n_files; i++) {
		rc = db_run(db, e,
			    "INSERT INTO case_message_file (message_id, file_id, position) VALUES "
			    "($1, $2, $3)",
			    DB_INT(id), DB_TEXT(files[i]), DB_INT((int64_t)i));
		rc = rc ? rc : files_expire(db, t, files[i], 0, e);
	}
	return rc;
}

int
case_messages_read(struct db *db, const struct tenant *t, int64_t case_id, const struct case_msg *v,
		   size_t n, bool by_citizen, int64_t now, struct err *e)
{
	size_t i = 0;

	while (i < n && (v[i].read_at || v[i].from_citizen == by_citizen))
		i++;
	if (i == n)
		return 0;
	return db_run(db, e,
		      "UPDATE case_message SET read_at = $4 WHERE read_at IS NULL AND case_id = $2 "
		      "AND from_citizen = $3 AND case_id IN (SELECT id FROM form_case WHERE "
		      "tenant_id = $1)",
		      DB_INT(t->id), DB_INT(case_id), DB_INT(by_citizen ? 0 : 1), DB_INT(now));
}

int
case_file_of(struct db *db, const struct tenant *t, const struct inbox_case *c, const char *id,
	     struct arena *a, bool *yes, struct err *e)
{
	const char **ids;
	size_t n = inbox_file_ids(c->answers, a, &ids);
	int64_t k = 0;
	int rc;

	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0) {
			*yes = true;
			return 0;
		}
	*yes = false;
	rc = db_int64(db, e, &k,
		      "SELECT count(*) FROM case_message_file mf JOIN case_message m ON m.id = "
		      "mf.message_id JOIN form_case c ON c.id = m.case_id WHERE c.tenant_id = $1 "
		      "AND c.id = $2 AND mf.file_id = $3",
		      DB_INT(t->id), DB_INT(c->id), DB_TEXT(id));
	*yes = rc == 0 && k > 0;
	return rc;
}

int
case_files_store(struct rq *q, const char *field, const char **ids, size_t *n, const char **problem)
{
	struct files_store fs = {q->app->cfg.data_dir};
	int64_t now = (int64_t)time(NULL);
	int rc = 0;

	*n = 0;
	*problem = NULL;
	for (size_t i = 0; rc == 0 && !*problem && i < q->http->n_uploads; i++) {
		const struct http_upload *u = &q->http->uploads[i];
		struct files_new in = {.use = "document",
				       .name = u->filename,
				       .data = u->data,
				       .len = u->len,
				       .owner = "case-message",
				       .now = now,
				       .expires_at = now + PENDING_S};
		struct file_meta *m;

		if (strcmp(u->field, field) != 0 || u->len == 0)
			continue;
		if (*n == CASE_MSG_FILES) {
			*problem = "forms.mailbox.err.files";
			break;
		}
		rc = files_put(q->db, &fs, q->tenant, &in, q->a, &m, &q->err);
		if (rc == ERR_UNPROCESSABLE || rc == ERR_TOOBIG) {
			*problem = rc == ERR_TOOBIG ? "forms.mailbox.err.file_size"
						    : "forms.mailbox.err.file_type";
			rc = 0;
		} else if (rc == 0) {
			ids[(*n)++] = m->id;
		}
	}
	return rc;
}
