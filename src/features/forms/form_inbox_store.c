/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Storage of the case inbox: the filtered list, one case, its history, the
 * status workflow and notes.  The workflow's invariant is in one
 * conditional UPDATE: a case moves only from the state the caller saw, so
 * two case workers clicking at once give one change and one conflict.
 */
#include "features/forms/form_inbox.h"

#include "db/db.h"

#include <string.h>

static const char *const STATUS_NAMES[] = {"received", "in_progress", "done", "rejected"};

const char *
inbox_status_name(unsigned st)
{
	for (size_t i = 0; i < sizeof(STATUS_NAMES) / sizeof(STATUS_NAMES[0]); i++)
		if (st == 1u << i)
			return STATUS_NAMES[i];
	return NULL;
}

unsigned
inbox_status_parse(const char *s)
{
	for (size_t i = 0; s && i < sizeof(STATUS_NAMES) / sizeof(STATUS_NAMES[0]); i++)
		if (strcmp(s, STATUS_NAMES[i]) == 0)
			return 1u << i;
	return 0;
}

bool
inbox_status_next(unsigned from, unsigned to)
{
	switch (from) {
	case INBOX_RECEIVED:
		return to == INBOX_IN_PROGRESS;
	case INBOX_IN_PROGRESS:
		return to == INBOX_DONE || to == INBOX_REJECTED;
	default:
		return false;
	}
}

/* The columns of read_case() from `c`, a form_case row or a page of them, with the form's title. */
#define CASE_COLS_FROM(c)                                                                          \
	"SELECT c.id, c.case_no, c.form_id, COALESCE(f.title, c.form_id), c.answers, "             \
	"c.form_version, c.status, c.created_at, COALESCE(c.closed_at, 0), "                       \
	"COALESCE(c.citizen_id, 0) FROM " c " "                                                    \
	"LEFT JOIN form f ON f.tenant_id = c.tenant_id AND f.id = c.form_id "                      \
	"AND f.version = c.form_version "

/* The list's filter: $2 form ('' any), $3 state ('' any), created in [$4, $5). */
#define CASE_WHERE                                                                                 \
	"WHERE c.tenant_id = $1 AND ($2 = '' OR c.form_id = $2) AND ($3 = '' OR c.status = $3) "   \
	"AND c.created_at >= $4 AND c.created_at < $5 "

static void
read_case(struct db_stmt *st, struct arena *a, void *row)
{
	struct inbox_case *c = row;

	c->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &c->case_no, &c->form_id, &c->title, &c->answers);
	c->version = db_col_int64(st, 5);
	c->status = inbox_status_parse(db_col_text(st, 6));
	c->created_at = db_col_int64(st, 7);
	c->closed_at = db_col_int64(st, 8);
	c->citizen_id = db_col_int64(st, 9);
}

int
inbox_list(struct db *db, const struct tenant *t, const struct inbox_filter *f, struct arena *a,
	   struct inbox_case **out, size_t *n, int64_t *total, struct err *e)
{
	static const char count[] = "SELECT count(*) FROM form_case c " CASE_WHERE;
	/* The page is cut before the join, so that no plan joins every row to sort them. */
	static const char sql[] = CASE_COLS_FROM(
		"(SELECT c.id, c.tenant_id, c.case_no, c.form_id, c.form_version, c.status, "
		"c.answers, c.created_at, c.closed_at, c.citizen_id FROM form_case c " CASE_WHERE
		"ORDER BY c.created_at DESC, c.id DESC LIMIT $6 OFFSET $7) c") "ORDER BY "
									       "c.created_at DESC, "
									       "c.id DESC";
	const char *status = f->status ? inbox_status_name(f->status) : "";
	void *v = NULL;
	int rc = 0;

	*n = 0;
	if (total)
		rc = db_int64(db, e, total, count, DB_INT(t->id), DB_TEXT(f->form_id),
			      DB_TEXT(status), DB_INT(f->from), DB_INT(f->until));
	if (rc == 0)
		rc = db_list(db, e, sql, a, sizeof(struct inbox_case), read_case, &v, n,
			     DB_INT(t->id), DB_TEXT(f->form_id), DB_TEXT(status), DB_INT(f->from),
			     DB_INT(f->until), DB_INT(f->limit), DB_INT(f->offset));
	*out = v;
	return rc;
}

int
inbox_get(struct db *db, const struct tenant *t, const char *case_no, struct arena *a,
	  struct inbox_case **out, struct err *e)
{
	return inbox_get_mine(db, t, case_no, 0, a, out, e);
}

int
inbox_get_mine(struct db *db, const struct tenant *t, const char *case_no, int64_t citizen_id,
	       struct arena *a, struct inbox_case **out, struct err *e)
{
	static const char sql[] =
		CASE_COLS_FROM("form_case c") "WHERE c.tenant_id = $1 AND "
					      "c.case_no = $2 AND (CAST($3 AS BIGINT) = 0 "
					      "OR c.citizen_id = $3)";
	struct inbox_case *c = arena_alloc(a, sizeof(*c));
	int rc = db_get(db, e, sql, a, read_case, c, DB_INT(t->id), DB_TEXT(case_no),
			DB_INT(citizen_id));

	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "forms.inbox.err.not_found", "no case '%s'",
			       case_no);
	*out = c;
	return rc;
}

int
inbox_form_of(struct db *db, const struct tenant *t, const struct inbox_case *c, struct arena *a,
	      struct form **out, struct err *e)
{
	return form_load_version(db, t, c->form_id, c->version, a, out, e);
}

static void
read_event(struct db_stmt *st, struct arena *a, void *row)
{
	struct inbox_event *ev = row;

	ev->kind = db_col_dup(st, 0, a);
	ev->status = inbox_status_parse(db_col_text(st, 1));
	ev->body = db_col_dup(st, 2, a);
	ev->author = db_col_dup(st, 3, a);
	ev->at = db_col_int64(st, 4);
}

int
inbox_events(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
	     struct inbox_event **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT ev.kind, ev.status, ev.body, COALESCE(u.name, ''), ev.created_at "
		"FROM form_case_event ev JOIN form_case c ON c.id = ev.case_id "
		"LEFT JOIN staff_user u ON u.id = ev.staff_id "
		"WHERE c.tenant_id = $1 AND c.id = $2 ORDER BY ev.created_at, ev.id";
	void *v = NULL;
	int rc = db_list(db, e, sql, a, sizeof(struct inbox_event), read_event, &v, n,
			 DB_INT(t->id), DB_INT(id));

	*out = v;
	return rc;
}

int
inbox_add_event(struct db *db, const struct tenant *t, int64_t id, const char *kind,
		const char *body, int64_t staff_id, int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO form_case_event (case_id, kind, body, staff_id, created_at) "
		"SELECT c.id, $3, $4, $5, $6 FROM form_case c WHERE c.tenant_id = $1 AND c.id = $2";

	return db_run(db, e, sql, DB_INT(t->id), DB_INT(id), DB_TEXT(kind), DB_TEXT(body),
		      DB_ID(staff_id), DB_INT(now));
}

int
inbox_set_status(struct db *db, const struct tenant *t, const struct inbox_case *c, unsigned to,
		 const char *note, int64_t staff_id, int64_t now, struct err *e)
{
	static const char upd[] =
		"UPDATE form_case SET status = $3, closed_at = $5 WHERE tenant_id = $1 AND id = $2 "
		"AND status = $4";
	static const char ins[] =
		"INSERT INTO form_case_event (case_id, kind, status, body, staff_id, created_at) "
		"VALUES ($1, 'status', $2, $3, $4, $5)";
	bool closes = to == INBOX_DONE || to == INBOX_REJECTED;
	int64_t n = 0;
	int rc;

	if (!inbox_status_next(c->status, to))
		return err_set(e, ERR_CONFLICT, "forms.inbox.err.transition",
			       "case '%s' cannot go from '%s' to '%s'", c->case_no,
			       inbox_status_name(c->status), inbox_status_name(to));
	rc = db_begin(db, e);
	if (rc)
		return rc;
	rc = db_run_count(db, e, &n, upd, DB_INT(t->id), DB_INT(c->id),
			  DB_TEXT(inbox_status_name(to)), DB_TEXT(inbox_status_name(c->status)),
			  closes ? DB_INT(now) : DB_NULL);
	if (rc == 0 && n == 0)
		rc = err_set(e, ERR_CONFLICT, "forms.inbox.err.transition",
			     "case '%s' changed meanwhile", c->case_no);
	if (rc == 0)
		rc = db_run(db, e, ins, DB_INT(c->id), DB_TEXT(inbox_status_name(to)),
			    DB_TEXT(note), DB_ID(staff_id), DB_INT(now));
	return db_end(db, rc, e);
}
