/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff side of the appointments under /verwaltung/termine, for admins
 * and case workers of the tenant:
 *
 *	/verwaltung/termine                          the locations
 *	/verwaltung/termine/statistik                figures of a date range
 *	/verwaltung/termine/:location?datum=D        a day: status, blocked times
 *	/verwaltung/termine/:location/woche?datum=D  the week of day D
 *	/verwaltung/termine/:location/export.csv     a day or a week as CSV
 *
 * and the public call display /termine/aufruf/:location.  Every page reads
 * the bookings of the request's tenant only: a location or booking id of
 * another tenant is not found (404).  Nothing here goes through the page
 * cache.
 */
#include "features/appointments/appt_staff.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "app/rq_rows.h"
#include "core/civil.h"

#include <time.h>

bool
appt_staff_allowed(struct rq *q)
{
	return appt_web_enabled(q) && rq_staff_may(q, ROLE_ADMIN | ROLE_CASEWORKER);
}

struct appt_location *
appt_staff_location(struct rq *q)
{
	struct appt_location *loc;
	int rc = appt_location_find(q->db, q->tenant, http_param(q->http, "location"), q->a, &loc,
				    &q->err);

	if (rc == 0)
		return loc;
	rq_fail(q, rc);
	return NULL;
}

bool
appt_staff_day(struct rq *q, const char *name, int64_t *days)
{
	const char *v = http_query(q->http, name);
	struct civil_local now;

	if (v && v[0]) {
		if (civil_date_valid(v) && civil_parse_date(v, days))
			return true;
		err_set(&q->err, ERR_INVALID, "appt.staff.err.date", "%s=%s", name, v);
		rq_fail(q, ERR_INVALID);
		return false;
	}
	civil_local_at((int64_t)time(NULL), &now);
	*days = now.days;
	return true;
}

const char *
appt_staff_time(struct rq *q, int64_t utc)
{
	struct civil_local l;
	char *hm = arena_alloc(q->a, 6);

	civil_local_at(utc, &l);
	civil_format_time(l.minute, hm);
	return hm;
}

void
appt_staff_crumbs(struct rq *q, const char *label)
{
	rq_staff_crumbs(q, "appt.staff.title", "/verwaltung/termine", label);
}

static void
locations_page(struct rq *q)
{
	struct appt_location *v;
	struct view_val *items;
	size_t n;
	int rc;

	if (!appt_staff_allowed(q))
		return;
	rc = appt_locations_list(q->db, q->tenant, q->a, &v, &n, &q->err);
	items = rq_page_list(q, rc, "locations");
	if (!items)
		return;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(items, view_map(q->a));
		const char *path = arena_printf(q->a, "/verwaltung/termine/%s", v[i].slug);

		view_set_text(m, "name", v[i].name);
		view_set_text(m, "day", rq_url(q, path));
		view_set_text(m, "week", rq_url(q, arena_printf(q->a, "%s/woche", path)));
		view_set_text(m, "display",
			      rq_url(q, arena_printf(q->a, "/termine/aufruf/%s", v[i].slug)));
	}
	view_set_text(q->page, "stats", rq_url(q, "/verwaltung/termine/statistik"));
	view_set_text(q->page, "title", rq_msg(q, "appt.staff.title"));
	appt_staff_crumbs(q, NULL);
	rq_render(q, "appointments/staff_locations");
}

void
appt_staff_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/termine", locations_page, ROUTE_STAFF, 0);
	/* Before the routes with :location, which would take these paths. */
	appt_staff_stats_register(app);
	appt_call_register(app);
	appt_staff_day_register(app);
	appt_staff_block_register(app);
	appt_staff_csv_register(app);
}
