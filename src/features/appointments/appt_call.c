/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The public call display of a location, /termine/aufruf/:location, for a
 * screen in the waiting room: the call numbers called in the last minutes
 * and their desks, the newest first and large.  It never shows a name.
 *
 * The page reloads itself without JavaScript by the HTTP header "Refresh:
 * N", which browsers treat as <meta http-equiv="refresh" content="N"> (HTML
 * "shared declarative refresh steps").  The header rather than the element:
 * axe-core (meta-refresh) and html-validate refuse a delayed meta refresh,
 * since a reader cannot stop it (WCAG 2.2.1); here the link "?anhalten=1"
 * stops it.  Sent with Cache-Control: no-store, outside the page cache.
 */
#include "features/appointments/appt_staff.h"

#include "app/app.h"
#include "app/rq_rows.h"

#include <time.h>

/* Calls stay on the display this long, at most CALLS_MAX of them. */
#define CALL_SHOW_SECONDS (15 * 60)
#define CALLS_MAX 8
/* Seconds between reloads: a called citizen waits at most this long to see it. */
#define REFRESH_SECONDS 10

static void
call_page(struct rq *q)
{
	struct appt_location *loc;
	struct appt_call *v;
	struct view_val *list;
	int64_t now = (int64_t)time(NULL);
	size_t n;
	int rc;

	if (!appt_web_enabled(q) || !(loc = appt_staff_location(q)))
		return;
	rc = appt_calls_load(q->db, q->tenant, loc, now - CALL_SHOW_SECONDS, CALLS_MAX, q->a, &v,
			     &n, &q->err);
	list = rq_page_list(q, rc, "earlier");
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_map(q->a);

		view_set_int(m, "number", v[i].number);
		view_set_text(m, "desk", v[i].desk);
		view_set_text(m, "time", appt_staff_time(q, v[i].called_at));
		if (i == 0)
			view_set(q->page, "current", m);
		else
			view_push(list, m);
	}
	if (http_query(q->http, "anhalten")) {
		view_set_text(q->page, "resume", rq_url(q, q->path));
	} else {
		http_resp_header(q->http, q->resp, "Refresh",
				 arena_printf(q->a, "%d", REFRESH_SECONDS));
		view_set_text(q->page, "pause",
			      rq_url(q, arena_printf(q->a, "%s?anhalten=1", q->path)));
	}
	view_set_text(q->page, "location", loc->name);
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s – %s", rq_msg(q, "appt.call.title"), loc->name));
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	rq_render(q, "appointments/call");
}

void
appt_call_register(struct app *app)
{
	app_route(app, HTTP_GET, "/termine/aufruf/:location", call_page, 0, 0);
}
