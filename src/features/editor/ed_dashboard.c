/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * /verwaltung: the staff's start page.  For editors it shows what each
 * editorial kind adds (the services by workflow state, overdue reviews),
 * what waits for review, what is scheduled, and the latest changes.
 */
#include "features/editor/ed_int.h"

#include <string.h>

#define DASH_ROWS 20

/* Revisions as rows {title, url, num, state, who, when}: in `state`, or the latest of all. */
static int
revisions(struct rq *q, const char *key, const char *state)
{
	struct view_val *l = view_set(q->page, key, view_list(q->a));
	struct ed_rev_item *v;
	size_t n;
	int rc = ed_rev_recent(q->db, q->tenant, state, DASH_ROWS, q->a, &v, &n, &q->err);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));
		const struct ed_kind *k = ed_kind_of(v[i].kind);

		view_set_text(m, "title", v[i].title);
		view_set_text(m, "url",
			      rq_url(q, arena_printf(q->a, "/verwaltung%s/%s", k ? k->path : "",
						     v[i].subject)));
		view_set_int(m, "num", v[i].num);
		view_set_text(m, "state", ed_state_name(q, v[i].state));
		view_set_text(m, "who", v[i].author);
		view_set_text(m, "when", ed_when(q, v[i].when));
	}
	return rc;
}

static void
dashboard(struct rq *q)
{
	struct view_val *roles = view_set(q->page, "roles", view_list(q->a));
	int rc = 0;

	for (unsigned r = ROLE_ADMIN; r <= ROLE_CASEWORKER; r <<= 1)
		if (q->user->roles & r)
			view_push(roles,
				  view_text(q->a, rq_msg(q, arena_printf(q->a, "role.%s",
									 auth_role_name(r)))));
	view_set_text(q->page, "title", rq_msg(q, "staff.title"));
	view_set(q->page, "links", rq_staff_links(q));
	if (q->user->roles & (ROLE_ADMIN | ROLE_EDITOR)) {
		view_set_bool(q->page, "editor", true);
		rc = ed_kinds_dashboard(q);
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
