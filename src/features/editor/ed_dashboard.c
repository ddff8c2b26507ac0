/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * /verwaltung: the staff's start page.  For editors it shows the tenant's
 * services by workflow state, what waits for review, what is scheduled,
 * which texts are overdue for review, and the latest changes.
 */
#include "features/editor/ed_int.h"

#include "db/db.h"
#include "features/offices/office.h"

#include <string.h>
#include <time.h>

#define DASH_ROWS 20

/* The title of a revision's subject: the service's or the office's name. */
#define SUBJECT_TITLE                                                                              \
	"CASE WHEN r.kind = 'service' THEN (SELECT s.title FROM service s WHERE s.leika = "        \
	"r.subject) ELSE (SELECT o.name FROM office o WHERE o.tenant_id = r.tenant_id AND "        \
	"o.slug = r.subject) END"

static int
counts(struct rq *q)
{
	static const char sql[] = "SELECT state, count(*) FROM (SELECT " ED_SERVICE_STATE
				  " AS state FROM tenant_service ts WHERE ts.tenant_id = $1) x "
				  "GROUP BY state ORDER BY state";
	struct view_val *l = view_set(q->page, "counts", view_list(q->a));
	struct db_stmt *st = NULL;
	int rc = db_prepare(q->db, sql, &st, &q->err);

	if (rc)
		return rc;
	db_bind_int64(st, 1, q->tenant->id);
	while ((rc = db_step(st, &q->err)) == DB_ROW) {
		struct view_val *m = view_push(l, view_map(q->a));
		const char *state = db_col_text(st, 0);

		view_set_text(m, "name", ed_state_name(q, state));
		view_set_int(m, "count", db_col_int64(st, 1));
		view_set_text(
			m, "url",
			rq_url(q, arena_printf(q->a, "/verwaltung/leistungen?status=%s", state)));
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

static int
overdue(struct rq *q, const char *today)
{
	static const char sql[] =
		"SELECT ts.leika, s.title, ts.review_due FROM tenant_service ts JOIN service s ON "
		"s.leika = ts.leika WHERE ts.tenant_id = $1 AND ts.status = 'published' AND "
		"ts.review_due <> '' AND ts.review_due < $2 ORDER BY ts.review_due, s.title LIMIT "
		"$3";
	struct view_val *l = view_set(q->page, "overdue", view_list(q->a));
	struct db_stmt *st = NULL;
	int rc = db_prepare(q->db, sql, &st, &q->err);

	if (rc)
		return rc;
	db_bind_int64(st, 1, q->tenant->id);
	db_bind_text(st, 2, today);
	db_bind_int64(st, 3, DASH_ROWS);
	while ((rc = db_step(st, &q->err)) == DB_ROW) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "title", db_col_text(st, 1));
		view_set_text(m, "when", db_col_text(st, 2));
		view_set_text(m, "url",
			      rq_url(q, arena_printf(q->a, "/verwaltung/leistungen/%s",
						     db_col_text(st, 0))));
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

/* Revisions as rows {title, url, num, state, who, when}: in `state`, or the latest of all. */
static int
revisions(struct rq *q, const char *key, const char *state)
{
	static const char in_state_sql[] =
		"SELECT r.kind, r.subject, r.num, r.state, COALESCE(u.name, ''), r.publish_at, "
		"COALESCE(" SUBJECT_TITLE ", r.subject) FROM revision r LEFT JOIN staff_user u ON "
		"u.id = r.author_id WHERE r.tenant_id = $1 AND r.state = $2 "
		"ORDER BY r.publish_at, r.changed_at LIMIT $3";
	static const char latest_sql[] =
		"SELECT r.kind, r.subject, r.num, r.state, COALESCE(u.name, ''), r.changed_at, "
		"COALESCE(" SUBJECT_TITLE ", r.subject) FROM revision r LEFT JOIN staff_user u ON "
		"u.id = r.author_id WHERE r.tenant_id = $1 ORDER BY r.changed_at DESC, r.id DESC "
		"LIMIT $2";
	struct view_val *l = view_set(q->page, key, view_list(q->a));
	struct db_stmt *st = NULL;
	int rc = db_prepare(q->db, state ? in_state_sql : latest_sql, &st, &q->err);

	if (rc)
		return rc;
	db_bind_int64(st, 1, q->tenant->id);
	if (state)
		db_bind_text(st, 2, state);
	db_bind_int64(st, state ? 3 : 2, DASH_ROWS);
	while ((rc = db_step(st, &q->err)) == DB_ROW) {
		struct view_val *m = view_push(l, view_map(q->a));
		const struct ed_kind *k = ed_kind_of(db_col_text(st, 0));

		view_set_text(m, "title", db_col_text(st, 6));
		view_set_text(m, "url",
			      rq_url(q, arena_printf(q->a, "/verwaltung%s/%s", k ? k->path : "",
						     db_col_text(st, 1))));
		view_set_int(m, "num", db_col_int64(st, 2));
		view_set_text(m, "state", ed_state_name(q, db_col_text(st, 3)));
		view_set_text(m, "who", db_col_text(st, 4));
		view_set_text(m, "when", ed_when(q, db_col_int64(st, 5)));
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

static void
dashboard(struct rq *q)
{
	struct view_val *roles = view_set(q->page, "roles", view_list(q->a));
	struct office_local now;
	char today[OFFICE_DATE_LEN + 1];
	int rc = 0;

	for (unsigned r = ROLE_ADMIN; r <= ROLE_CASEWORKER; r <<= 1)
		if (q->user->roles & r)
			view_push(roles,
				  view_text(q->a, rq_msg(q, arena_printf(q->a, "role.%s",
									 auth_role_name(r)))));
	view_set_text(q->page, "title", rq_msg(q, "staff.title"));
	view_set(q->page, "links", rq_staff_links(q));
	if (q->user->roles & (ROLE_ADMIN | ROLE_EDITOR)) {
		office_local_at((int64_t)time(NULL), &now);
		office_format_date(&now, today);
		view_set_bool(q->page, "editor", true);
		rc = counts(q);
		if (rc == 0)
			rc = overdue(q, today);
		if (rc == 0)
			rc = revisions(q, "in_review", "review");
		if (rc == 0)
			rc = revisions(q, "scheduled", "scheduled");
		if (rc == 0)
			rc = revisions(q, "recent", NULL);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	rq_render(q, "staff");
}

void
ed_dashboard_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung", dashboard, ROUTE_STAFF, 0);
}
