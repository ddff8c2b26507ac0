/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff page /verwaltung/suchbegriffe: the tenant's own search synonyms
 * as editable lines (term<TAB>words), saved all or nothing.  Admins and
 * editors only; every instance's search sees a change within the page-cache
 * lifetime.
 */
#include "features/search/search_int.h"

#include "app/app.h"

#include <string.h>

static bool
may_edit(struct rq *q)
{
	if (q->user->roles & (ROLE_ADMIN | ROLE_EDITOR))
		return true;
	rq_error(q, 403, NULL);
	return false;
}

static void
form(struct rq *q, const char *text)
{
	rq_crumb(q, rq_msg(q, "staff.title"), "/verwaltung");
	rq_crumb(q, rq_msg(q, "search.synonyms_title"), NULL);
	view_set_text(q->page, "title", rq_msg(q, "search.synonyms_title"));
	view_set_text(q->page, "synonyms", text);
	rq_render(q, "search/synonyms");
}

static void
synonyms_get(struct rq *q)
{
	const char *text;
	int rc;

	if (!may_edit(q))
		return;
	rc = search_synonyms_text(q->db, q->tenant, q->a, &text, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (http_query(q->http, "gespeichert"))
		view_set_text(q->page, "saved", rq_msg(q, "search.synonyms_saved"));
	form(q, text);
}

static void
synonyms_post(struct rq *q)
{
	const char *text = http_form(q->http, "synonyms");
	int n = 0, line_no = 0, rc;

	if (!may_edit(q))
		return;
	if (!text)
		text = "";
	rc = strlen(text) > SYNONYMS_MAX
		     ? err_set(&q->err, ERR_INVALID, "search.synonyms_too_long", "too long")
		     : search_synonyms_save(q->db, q->tenant, text, strlen(text), &n, &line_no,
					    &q->err);
	if (rc == ERR_INVALID) {
		view_set_text(q->page, "error", rq_msg(q, q->err.user));
		if (line_no)
			view_set_int(q->page, "error_line", line_no);
		q->resp->status = 422;
		form(q, text);
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	audit_log(q->db, q->tenant, q->user->id, "search.synonyms", "", q->http->client_ip, NULL);
	rq_redirect(q, "/verwaltung/suchbegriffe?gespeichert=1");
}

void
search_staff_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/suchbegriffe", synonyms_get, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, "/verwaltung/suchbegriffe", synonyms_post, ROUTE_STAFF,
		  4 * SYNONYMS_MAX);
}
