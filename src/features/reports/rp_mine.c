/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * "Meine Meldungen" at /konto/meldungen: the defect reports a citizen made
 * while logged in, on every portal of the installation (also those a
 * portal network handed to a member), newest first; the list is read by
 * the session's own account alone, like the list of cases.  Each opens on
 * its portal at /konto/meldungen/<number> with the citizen's own text and
 * the status history, also before its confirmation; that page reads the
 * report by the tenant, its number and the account together, so no number
 * in the URL shows another citizen's report.  Without a login the pages
 * send to the login.
 */
#include "features/reports/rp_int.h"

#include "app/rq_rows.h"
#include "db/db.h"
#include "features/account/account.h"

#include <stdlib.h>
#include <string.h>

#define MINE_MAX 100

/* The account of the request, or 0 after the answer (404, or the login form then `back`). */
static int64_t
citizen_or_login(struct rq *q, const char *back)
{
	if (rp_enabled(q->tenant))
		return account_citizen_or_login(q, back);
	rq_error(q, 404, NULL);
	return 0;
}

static void
mine_page(struct rq *q)
{
	struct rp_filter f = {.any = true, .every_tenant = true, .limit = MINE_MAX};
	struct rp_report *v;
	struct view_val *l;
	size_t n;
	int rc;

	f.citizen_id = citizen_or_login(q, "/konto/meldungen");
	if (!f.citizen_id)
		return;
	rc = rp_list(q->db, q->tenant, &f, q->a, &v, &n, NULL, &q->err);
	l = rq_page_list(q, rc, "reports");
	if (!l)
		return;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		rp_view_report(q, m, &v[i], "/konto/meldungen");
		view_set_text(m, "url",
			      rq_tenant_url_slug(q, v[i].tenant_slug,
						 arena_printf(q->a, "/konto/meldungen/%lld",
							      (long long)v[i].number)));
		view_set_text(m, "portal", v[i].tenant_name);
		view_set_bool(m, "unconfirmed", v[i].unconfirmed);
	}
	view_set_bool(q->page, "has_reports", n > 0);
	view_set_text(q->page, "new_url", rq_url(q, "/maengel/melden"));
	account_mine_render(q, "reports.mine.title", "reports/mine");
}

static void
report_page(struct rq *q)
{
	const char *nr = http_param(q->http, "nr");
	const char *own = NULL;
	int64_t citizen = citizen_or_login(q, arena_printf(q->a, "/konto/meldungen/%s", nr));
	char *end;
	long long number;
	int rc;

	if (!citizen)
		return;
	number = strtoll(nr, &end, 10);
	if (*nr < '1' || *nr > '9' || *end || number > 1000000000000LL) {
		rq_error(q, 404, NULL);
		return;
	}
	rc = db_text(q->db, &q->err, q->a, &own,
		     "SELECT description FROM report WHERE tenant_id = $1 AND number = $2 AND "
		     "citizen_id = $3",
		     DB_INT(q->tenant->id), DB_INT(number), DB_INT(citizen));
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	account_crumbs(q, "reports.mine.title");
	rp_show_report(q, number, own, true);
}

void
rp_account_links(struct rq *q, struct view_val *links)
{
	if (rp_enabled(q->tenant))
		rq_link(q, links, "/konto/meldungen", "reports.mine.title");
}

static json_t *
report_json(struct db_stmt *st)
{
	return json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "portal",
			 db_col_text(st, 0), "number", (json_int_t)db_col_int64(st, 1), "category",
			 db_col_text(st, 2), "description", db_col_text(st, 3), "street",
			 db_col_text(st, 4), "postal_code", db_col_text(st, 5), "place",
			 db_col_text(st, 6), "name", db_col_text(st, 7), "email",
			 db_col_text(st, 8), "phone", db_col_text(st, 9), "status",
			 db_col_text(st, 10), "reported_at", (json_int_t)db_col_int64(st, 11));
}

int
rp_citizen_data(struct rq *q, int64_t citizen_id, json_t *doc)
{
	static const char sql[] =
		"SELECT t.slug, r.number, c.name, r.description, r.street, r.postal_code, r.place, "
		"r.contact_name, r.contact_email, r.contact_phone, r.status, r.created_at "
		"FROM report r JOIN tenant t ON t.id = r.tenant_id JOIN report_category c ON "
		"c.id = r.category_id WHERE r.citizen_id = $1 ORDER BY r.created_at, r.id";
	return rq_export_rows(q, doc, "defect_reports", sql, report_json, citizen_id);
}

void
rp_mine_register(struct app *app)
{
	app_route(app, HTTP_GET | HTTP_HEAD, "/konto/meldungen", mine_page, 0, 0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/konto/meldungen/:nr", report_page, 0, 0);
}
