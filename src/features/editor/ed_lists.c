/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff's lists: the tenant's services with their workflow state (filter
 * by state, search by title or LeiKa key, add a service of the shared
 * catalogue), the tenant's offices, and the audit log.
 */
#include "features/editor/ed_int.h"

#include "core/buf.h"
#include "db/db.h"
#include "features/catalog/svc.h"
#include "features/offices/office.h"

#include <string.h>
#include <time.h>

#define PAGE_SIZE 50
#define AUDIT_MAX 200

/* The workflow state of a tenant's service: its newest revision's, else the public row's. */
static const char *const STATES[] = {"draft", "review", "scheduled", "published"};

static void
crumb(struct rq *q, const char *label)
{
	struct view_val *l = (struct view_val *)view_get(q->page, "breadcrumbs"), *m;

	m = view_push(l, view_map(q->a));
	view_set_text(m, "label", rq_msg(q, "staff.title"));
	view_set_text(m, "url", rq_url(q, "/verwaltung"));
	m = view_push(l, view_map(q->a));
	view_set_text(m, "label", label);
}

static void
state_options(struct rq *q, const char *selected)
{
	struct view_val *l = view_set(q->page, "states", view_list(q->a));

	for (size_t i = 0; i < sizeof(STATES) / sizeof(STATES[0]); i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "value", STATES[i]);
		view_set_text(m, "name", ed_state_name(q, STATES[i]));
		view_set_bool(m, "selected", selected && strcmp(selected, STATES[i]) == 0);
	}
}

static bool
known_state(const char *s)
{
	for (size_t i = 0; i < sizeof(STATES) / sizeof(STATES[0]); i++)
		if (strcmp(s, STATES[i]) == 0)
			return true;
	return false;
}

static int
list_services(struct rq *q, const char *state, const char *search, int64_t offset, bool *more)
{
	struct view_val *l = view_set(q->page, "services", view_list(q->a));
	struct buf sql;
	struct db_stmt *st = NULL;
	int n = 1, rc, rows = 0;

	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT ts.leika, s.title, " ED_SERVICE_STATE ", ts.review_due, ts.status "
		       "FROM tenant_service ts JOIN service s ON s.leika = ts.leika "
		       "WHERE ts.tenant_id = $1 ");
	if (state)
		buf_addf(&sql, "AND " ED_SERVICE_STATE " = $%d ", ++n);
	if (search) {
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
	if (search)
		db_bind_text(st, n++, search);
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
		view_set_text(m, "url",
			      rq_url(q, arena_printf(q->a, "/verwaltung/leistungen/%s",
						     db_col_text(st, 0))));
	}
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

static void
services(struct rq *q)
{
	const char *state = http_query(q->http, "status"), *search = http_query(q->http, "q");
	const char *page = http_query(q->http, "seite"), *like = NULL;
	int64_t p = 1;
	bool more = false;
	int rc;

	if (!ed_may_edit(q))
		return;
	if (state && !known_state(state))
		state = NULL;
	if (page && str_to_int64(str_c(page), 1, 10000, &p))
		p = 1;
	if (search && search[0]) {
		struct buf b;

		buf_init(&b, 512);
		buf_addc(&b, '%');
		for (const char *s = search; *s && !b.toobig; s++)
			buf_addc(&b, *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s);
		buf_addc(&b, '%');
		like = b.toobig ? NULL : arena_strdup(q->a, b.p);
		buf_release(&b);
	}
	rc = list_services(q, state, like, (p - 1) * PAGE_SIZE, &more);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "title", rq_msg(q, "ed.service.list"));
	view_set_text(q->page, "q", search ? search : "");
	state_options(q, state);
	if (p > 1)
		view_set_text(q->page, "prev",
			      arena_printf(q->a, "?status=%s&q=%s&seite=%lld",
					   rq_urlencode(q, state ? state : ""),
					   rq_urlencode(q, search ? search : ""),
					   (long long)p - 1));
	if (more)
		view_set_text(q->page, "next",
			      arena_printf(q->a, "?status=%s&q=%s&seite=%lld",
					   rq_urlencode(q, state ? state : ""),
					   rq_urlencode(q, search ? search : ""),
					   (long long)p + 1));
	crumb(q, rq_msg(q, "ed.service.list"));
	rq_render(q, "editor/services");
}

/* Add a service of the shared catalogue to the tenant as an unpublished draft. */
static void
service_add(struct rq *q)
{
	static const char sql[] =
		"INSERT INTO tenant_service (tenant_id, leika, status, updated_at) "
		"SELECT $1, leika, 'draft', $3 FROM service WHERE leika = $2 "
		"ON CONFLICT (tenant_id, leika) DO NOTHING";
	const char *leika = ed_field(q, "leika");
	struct db_stmt *st = NULL;
	int64_t added = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	if (!svc_leika_valid(leika)) {
		rq_error(q, 422, "ed.err.leika");
		return;
	}
	rc = db_prepare(q->db, sql, &st, &q->err);
	if (rc == 0) {
		db_bind_int64(st, 1, q->tenant->id);
		db_bind_text(st, 2, leika);
		db_bind_int64(st, 3, (int64_t)time(NULL));
		rc = db_step(st, &q->err);
		if (rc == DB_DONE) {
			added = db_changes(st);
			rc = 0;
		}
		db_finalize(st);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (added)
		ed_audit(q, "service.create", leika);
	else {
		const char *title;

		/* Either offered already (go there) or unknown in the shared catalogue. */
		rc = ed_service_kind.title(q, leika, &title);
		if (rc) {
			rq_error(q, 422, "ed.err.leika");
			return;
		}
	}
	rq_redirect(q, arena_printf(q->a, "/verwaltung/leistungen/%s", leika));
}

static void
offices(struct rq *q)
{
	struct view_val *l;
	struct office *v;
	size_t n;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = office_list(q->db, q->tenant, q->a, &v, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	l = view_set(q->page, "offices", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));
		struct ed_rev r;

		view_set_text(m, "name", v[i].name);
		view_set_text(m, "url",
			      rq_url(q, arena_printf(q->a, "/verwaltung/stellen/%s", v[i].slug)));
		rc = ed_rev_get(q->db, q->tenant, "office", v[i].slug, 0, q->a, &r, &q->err);
		view_set_text(m, "state",
			      rc == 0 ? ed_state_name(q, r.state) : ed_state_name(q, "published"));
	}
	view_set_text(q->page, "title", rq_msg(q, "ed.office.list"));
	crumb(q, rq_msg(q, "ed.office.list"));
	rq_render(q, "editor/offices");
}

static void
audit(struct rq *q)
{
	static const char sql[] =
		"SELECT a.at, COALESCE(u.name, ''), a.action, a.detail, a.ip FROM audit_log a "
		"LEFT JOIN staff_user u ON u.id = a.user_id WHERE a.tenant_id = $1 "
		"ORDER BY a.at DESC, a.id DESC LIMIT $2";
	struct view_val *l = view_set(q->page, "entries", view_list(q->a));
	struct db_stmt *st = NULL;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = db_prepare(q->db, sql, &st, &q->err);
	if (rc == 0) {
		db_bind_int64(st, 1, q->tenant->id);
		db_bind_int64(st, 2, AUDIT_MAX);
		while ((rc = db_step(st, &q->err)) == DB_ROW) {
			struct view_val *m = view_push(l, view_map(q->a));

			view_set_text(m, "when", ed_when(q, db_col_int64(st, 0)));
			view_set_text(m, "who", db_col_text(st, 1));
			view_set_text(m, "action", db_col_text(st, 2));
			view_set_text(m, "detail", db_col_text(st, 3));
			view_set_text(m, "ip", db_col_text(st, 4));
		}
		db_finalize(st);
		rc = rc == DB_DONE ? 0 : rc;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "title", rq_msg(q, "ed.audit"));
	crumb(q, rq_msg(q, "ed.audit"));
	rq_render(q, "editor/audit");
}

void
ed_lists_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/leistungen", services, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, "/verwaltung/leistungen", service_add, ROUTE_STAFF, 4096);
	app_route(app, HTTP_GET, "/verwaltung/stellen", offices, ROUTE_STAFF, 0);
	app_route(app, HTTP_GET, "/verwaltung/protokoll", audit, ROUTE_STAFF, 0);
}
