/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff's side of the tenant's services beyond one edit form: the list
 * with workflow states (filter by state, search by title or LeiKa key),
 * adding a service of the shared catalogue as an unpublished draft, and the
 * start page's counts by state and overdue reviews.
 */
#include "features/catalog/svc_view.h"

#include "core/buf.h"
#include "db/db.h"
#include "features/editor/editor.h"
#include "features/offices/office.h"

#include <string.h>
#include <time.h>

#define PAGE_SIZE 50
#define DASH_ROWS 20

/* SQL: the newest revision r of each tenant_service ts, and the workflow state it gives. */
#define LATEST_REVISION ED_LATEST_REVISION("service", "ts.tenant_id", "ts.leika")
#define SERVICE_STATE "COALESCE(r.state, ts.status)"

static bool
known_state(const char *s)
{
	for (size_t i = 0; ed_states[i]; i++)
		if (strcmp(s, ed_states[i]) == 0)
			return true;
	return false;
}

static void
state_options(struct rq *q, const char *selected)
{
	struct view_val *l = view_set(q->page, "states", view_list(q->a));

	for (size_t i = 0; ed_states[i]; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "value", ed_states[i]);
		view_set_text(m, "name", ed_state_name(q, ed_states[i]));
		view_set_bool(m, "selected", selected && strcmp(selected, ed_states[i]) == 0);
	}
}

static const char *
edit_url(struct rq *q, const char *leika)
{
	return rq_url(q, arena_printf(q->a, "/verwaltung/leistungen/%s", leika));
}

static int
list_rows(struct rq *q, const char *state, const char *like, int64_t offset, bool *more)
{
	struct view_val *l = view_set(q->page, "services", view_list(q->a));
	struct buf sql;
	struct db_stmt *st = NULL;
	int n = 1, rc, rows = 0;

	buf_init(&sql, 4096);
	buf_adds(&sql,
		 "SELECT ts.leika, s.title, " SERVICE_STATE ", ts.review_due, ts.status "
		 "FROM tenant_service ts JOIN service s ON s.leika = ts.leika " LATEST_REVISION
		 "WHERE ts.tenant_id = $1 ");
	if (state)
		buf_addf(&sql, "AND " SERVICE_STATE " = $%d ", ++n);
	if (like) {
		n++;
		buf_addf(&sql, "AND (lower(s.title) LIKE $%d OR ts.leika LIKE $%d) ", n, n);
	}
	buf_addf(&sql, "ORDER BY s.title, ts.leika LIMIT %d OFFSET $%d", PAGE_SIZE + 1, n + 1);
	rc = db_prepare(q->db, sql.p, &st, &q->err);
	buf_release(&sql);
	if (rc)
		return rc;
	n = 1;
	db_bind_int64(st, n++, q->tenant->id);
	if (state)
		db_bind_text(st, n++, state);
	if (like)
		db_bind_text(st, n++, like);
	db_bind_int64(st, n, offset);
	while ((rc = db_step(st, &q->err)) == DB_ROW) {
		struct view_val *m;

		if (++rows > PAGE_SIZE) {
			*more = true;
			continue;
		}
		m = view_push(l, view_map(q->a));
		view_set_text(m, "leika", db_col_text(st, 0));
		view_set_text(m, "title", db_col_text(st, 1));
		view_set_text(m, "state", ed_state_name(q, db_col_text(st, 2)));
		view_set_text(m, "review_due", db_col_text(st, 3));
		view_set_bool(m, "public", strcmp(db_col_text(st, 4), "published") == 0);
		view_set_text(m, "url", edit_url(q, db_col_text(st, 0)));
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

/* "%search%" in lower case for LIKE, or NULL. */
static const char *
like_pattern(struct rq *q, const char *search)
{
	struct buf b;
	const char *like;

	if (!search || !search[0])
		return NULL;
	buf_init(&b, 512);
	buf_addc(&b, '%');
	for (const char *s = search; *s && !b.toobig; s++)
		buf_addc(&b, *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s);
	buf_addc(&b, '%');
	like = b.toobig ? NULL : arena_strdup(q->a, b.p);
	buf_release(&b);
	return like;
}

static const char *
page_link(struct rq *q, const char *state, const char *search, int64_t page)
{
	return arena_printf(q->a, "?status=%s&q=%s&seite=%lld", rq_urlencode(q, state ? state : ""),
			    rq_urlencode(q, search ? search : ""), (long long)page);
}

void
svc_edit_list(struct rq *q)
{
	const char *state = http_query(q->http, "status"), *search = http_query(q->http, "q");
	const char *page = http_query(q->http, "seite");
	int64_t p = 1;
	bool more = false;
	int rc;

	if (!ed_may_edit(q))
		return;
	if (state && !known_state(state))
		state = NULL;
	if (page && str_to_int64(str_c(page), 1, 10000, &p))
		p = 1;
	rc = list_rows(q, state, like_pattern(q, search), (p - 1) * PAGE_SIZE, &more);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "q", search ? search : "");
	state_options(q, state);
	if (p > 1)
		view_set_text(q->page, "prev", page_link(q, state, search, p - 1));
	if (more)
		view_set_text(q->page, "next", page_link(q, state, search, p + 1));
	ed_render(q, "ed.service.list", "editor/services");
}

void
svc_edit_add(struct rq *q)
{
	static const char sql[] =
		"INSERT INTO tenant_service (tenant_id, leika, status, updated_at) "
		"SELECT $1, leika, 'draft', $3 FROM service WHERE leika = $2 "
		"ON CONFLICT (tenant_id, leika) DO NOTHING";
	const char *leika = ed_field(q, "leika"), *title;
	int64_t added = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	if (!svc_leika_valid(leika)) {
		rq_error(q, 422, "ed.err.leika");
		return;
	}
	rc = db_run_count(q->db, &q->err, &added, sql, DB_INT(q->tenant->id), DB_TEXT(leika),
			  DB_INT((int64_t)time(NULL)));
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (added)
		ed_audit(q, "service.create", leika);
	else if (svc_edit_kind.title(q, leika, &title)) {
		/* Neither offered already (go there) nor in the shared catalogue. */
		rq_error(q, 422, "ed.err.leika");
		return;
	}
	rq_redirect(q, arena_printf(q->a, "/verwaltung/leistungen/%s", leika));
}

static int
count_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct rq *q = ctx;
	struct view_val *m =
		view_push((struct view_val *)view_get(q->page, "counts"), view_map(q->a));
	const char *state = db_col_text(st, 0);

	(void)e;
	view_set_text(m, "name", ed_state_name(q, state));
	view_set_int(m, "count", db_col_int64(st, 1));
	view_set_text(m, "url",
		      rq_url(q, arena_printf(q->a, "/verwaltung/leistungen?status=%s", state)));
	return 0;
}

static int
overdue_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct rq *q = ctx;
	struct view_val *m =
		view_push((struct view_val *)view_get(q->page, "overdue"), view_map(q->a));

	(void)e;
	view_set_text(m, "title", db_col_text(st, 1));
	view_set_text(m, "when", db_col_text(st, 2));
	view_set_text(m, "url", edit_url(q, db_col_text(st, 0)));
	return 0;
}

int
svc_edit_dashboard(struct rq *q)
{
	struct civil_local now;
	char today[CIVIL_DATE_LEN + 1];
	int rc;
	static const char counts_sql[] = "SELECT state, count(*) FROM (SELECT " SERVICE_STATE
					 " AS state FROM tenant_service ts " LATEST_REVISION
					 "WHERE ts.tenant_id = $1) x GROUP BY state ORDER BY state";
	static const char overdue_sql[] =
		"SELECT ts.leika, s.title, ts.review_due FROM tenant_service ts JOIN service s ON "
		"s.leika = ts.leika WHERE ts.tenant_id = $1 AND ts.status = 'published' AND "
		"ts.review_due <> '' AND ts.review_due < $2 ORDER BY ts.review_due, s.title LIMIT "
		"$3";

	civil_local_at((int64_t)time(NULL), &now);
	civil_format_date(&now, today);
	view_set(q->page, "counts", view_list(q->a));
	view_set(q->page, "overdue", view_list(q->a));
	rc = db_each(q->db, &q->err, counts_sql, count_row, q, DB_INT(q->tenant->id));
	if (rc == 0)
		rc = db_each(q->db, &q->err, overdue_sql, overdue_row, q, DB_INT(q->tenant->id),
			     DB_TEXT(today), DB_INT(DASH_ROWS));
	return rc;
}
