/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Figures of the bookings whose appointment falls in a date range, per
 * appointment type and in total, at one location or at all: bookings made,
 * cancellations, no-shows, visits done, and the average lead time from
 * booking to appointment.  The range is ?von=..&bis=.. (local dates,
 * inclusive, the last 30 days by default), the location ?standort=.
 */
#include "features/appointments/appt_staff.h"

#include "app/app.h"
#include "app/rq_rows.h"
#include "core/civil.h"

#include <string.h>

#define DEFAULT_DAYS 30

/* "3,5" days: a mean of `sum` seconds over `n`, one decimal, German comma. */
static const char *
lead_days(struct rq *q, int64_t sum, int64_t n)
{
	int64_t tenths;

	if (n <= 0)
		return "–";
	/* Rounded half up to a tenth of a day (8,640 s). */
	tenths = (sum / n + 4320) / 8640;
	return arena_printf(q->a, "%lld%s%lld", (long long)(tenths / 10),
			    strcmp(q->lang, "de") == 0 ? "," : ".", (long long)(tenths % 10));
}

static void
stat_view(struct rq *q, struct view_val *m, const struct appt_stat *s)
{
	view_set_int(m, "bookings", s->bookings);
	view_set_int(m, "cancelled", s->cancelled);
	view_set_int(m, "no_shows", s->no_shows);
	view_set_int(m, "done", s->done);
	view_set_text(m, "lead", lead_days(q, s->lead_seconds, s->bookings));
}

/* The ?standort= select: every location, the chosen one marked.  *office_id: 0 for all. */
static int
locations_select(struct rq *q, int64_t *office_id)
{
	const char *chosen = http_query(q->http, "standort");
	struct appt_location *v;
	struct view_val *list = view_set(q->page, "locations", view_list(q->a));
	size_t n;
	int rc = appt_locations_list(q->db, q->tenant, q->a, &v, &n, &q->err);

	*office_id = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct view_val *m = view_push(list, view_map(q->a));
		bool is_chosen = chosen && strcmp(chosen, v[i].slug) == 0;

		view_set_text(m, "slug", v[i].slug);
		view_set_text(m, "name", v[i].name);
		view_set_bool(m, "selected", is_chosen);
		if (is_chosen)
			*office_id = v[i].office_id;
	}
	if (rc == 0 && chosen && chosen[0] && *office_id == 0)
		return err_set(&q->err, ERR_NOTFOUND, "appt.staff.err.location", "no location '%s'",
			       chosen);
	return rc;
}

/* The range from ?von= and ?bis=; false when 400 was answered. */
static bool
range(struct rq *q, int64_t *first, int64_t *last)
{
	bool has_from = http_query(q->http, "von") && http_query(q->http, "von")[0];

	if (!appt_staff_day(q, "bis", last) || !appt_staff_day(q, "von", first))
		return false;
	if (!has_from)
		*first = *last - DEFAULT_DAYS;
	if (*first <= *last && *last - *first < APPT_STAFF_DAYS_MAX)
		return true;
	rq_error(q, 400, "appt.staff.err.range");
	return false;
}

static void
stats_page(struct rq *q)
{
	struct appt_stat *v, total;
	struct view_val *rows;
	int64_t first, last, office_id;
	size_t n;
	int rc;

	if (!appt_staff_allowed(q) || !range(q, &first, &last))
		return;
	rc = locations_select(q, &office_id);
	if (rc == 0)
		rc = appt_stats_load(q->db, q->tenant, office_id, appt_day_start(first),
				     appt_day_start(last + 1), q->a, &v, &n, &total, &q->err);
	rows = rq_page_list(q, rc, "rows");
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(rows, view_map(q->a));

		view_set_text(m, "type", v[i].type_name);
		stat_view(q, m, &v[i]);
	}
	stat_view(q, view_set(q->page, "total", view_map(q->a)), &total);
	view_set_text(q->page, "von", appt_web_date(q, first));
	view_set_text(q->page, "bis", appt_web_date(q, last));
	view_set_text(q->page, "range",
		      arena_printf(q->a, "%s – %s", appt_web_day_label(q, first),
				   appt_web_day_label(q, last)));
	view_set_text(q->page, "action", rq_url(q, "/verwaltung/termine/statistik"));
	view_set_text(q->page, "title", rq_msg(q, "appt.staff.stats"));
	appt_staff_crumbs(q, rq_msg(q, "appt.staff.stats"));
	rq_render(q, "appointments/staff_stats");
}

void
appt_staff_stats_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/termine/statistik", stats_page, ROUTE_STAFF, 0);
}
