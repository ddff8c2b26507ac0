/* SPDX-License-Identifier: EUPL-1.2 */
/* The audit log of the tenant (/verwaltung/protokoll); the kinds' lists are their own. */
#include "features/editor/ed_int.h"

#define AUDIT_MAX 200

static void
audit(struct rq *q)
{
	struct view_val *l = view_set(q->page, "entries", view_list(q->a));
	struct ed_audit_item *v;
	size_t n;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = ed_audit_list(q->db, q->tenant, AUDIT_MAX, q->a, &v, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "when", ed_when(q, v[i].at));
		view_set_text(m, "who", v[i].who);
		view_set_text(m, "action", v[i].action);
		view_set_text(m, "detail", v[i].detail);
		view_set_text(m, "ip", v[i].ip);
	}
	ed_render(q, "ed.audit", "editor/audit");
}

void
ed_lists_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/protokoll", audit, ROUTE_STAFF, 0);
}
