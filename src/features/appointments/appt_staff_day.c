/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The day and the week of a location for staff, and the status of a
 * booking.  Navigation is by links with ?datum=YYYY-MM-DD, status changes
 * are forms (one per booking, a button per allowed step), so nothing needs
 * JavaScript.  A booking that holds a unit the schedule now closes (a
 * blocked time added after it was booked) is marked as a conflict.
 */
#include "features/appointments/appt_staff.h"

#include "app/app.h"
#include "core/civil.h"
#include "core/str.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WEEK_DAYS 7

/* The steps offered as buttons, in this order. */
static const enum appt_status STEPS[] = {APPT_CHECKED_IN, APPT_CALLED, APPT_DONE, APPT_NO_SHOW};

static const char *
status_label(struct rq *q, enum appt_status s)
{
	return rq_msg(q, arena_printf(q->a, "appt.staff.status.%s", appt_status_name(s)));
}

/* "/verwaltung/termine/<location>" + `rest`, a URL of this tenant. */
static const char *
loc_url(struct rq *q, const struct appt_location *loc, const char *rest)
{
	return rq_url(q, arena_printf(q->a, "/verwaltung/termine/%s%s", loc->slug, rest));
}

/* Fields of one booking that the day, the week and the CSV export show. */
static struct view_val *
entry_view(struct rq *q, struct view_val *list, const struct appt_entry *x)
{
	struct view_val *m = view_push(list, view_map(q->a));

	view_set_int(m, "id", x->id);
	view_set_text(m, "time", appt_staff_time(q, x->starts_at));
	view_set_text(m, "end", appt_staff_time(q, x->ends_at));
	view_set_text(m, "type", x->type_name);
	view_set_int(m, "persons", x->persons);
	view_set_text(m, "name", x->name);
	view_set_text(m, "status", status_label(q, x->status));
	view_set_text(m, "status_key", appt_status_name(x->status));
	if (x->changed_at)
		view_set_text(m, "changed", appt_staff_time(q, x->changed_at));
	if (x->number)
		view_set_int(m, "number", x->number);
	if (x->desk[0])
		view_set_text(m, "desk", x->desk);
	view_set_bool(m, "cancelled", x->status == APPT_CANCELLED);
	view_set_bool(m, "conflict", x->conflict);
	return m;
}

static void
entry_actions(struct rq *q, struct view_val *m, const struct appt_entry *x)
{
	struct view_val *acts = view_set(m, "actions", view_list(q->a));

	for (size_t i = 0; i < sizeof(STEPS) / sizeof(STEPS[0]); i++) {
		struct view_val *b;

		if (!appt_status_may(x->status, STEPS[i]))
			continue;
		b = view_push(acts, view_map(q->a));
		view_set_text(b, "value", appt_status_name(STEPS[i]));
		view_set_text(b, "label",
			      rq_msg(q, arena_printf(q->a, "appt.staff.do.%s",
						     appt_status_name(STEPS[i]))));
	}
	view_set_bool(m, "may_call", appt_status_may(x->status, APPT_CALLED));
}

static void
blocks_view(struct rq *q, const struct appt_location *loc, const struct appt_block *v, size_t n)
{
	struct view_val *list = view_set(q->page, "blocks", view_list(q->a));

	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(list, view_map(q->a));
		char opens[6], closes[6];

		civil_format_time(v[i].opens, opens);
		civil_format_time(v[i].closes, closes);
		view_set_text(m, "label",
			      v[i].first == v[i].last
				      ? arena_printf(q->a, "%s–%s", opens, closes)
				      : arena_printf(q->a, "%s–%s (%s – %s)", opens, closes,
						     appt_web_day_label(q, v[i].first),
						     appt_web_day_label(q, v[i].last)));
		view_set_text(m, "note", v[i].note);
		view_set_text(m, "delete",
			      loc_url(q, loc,
				      arena_printf(q->a, "/sperrzeiten/%lld/loeschen",
						   (long long)v[i].id)));
	}
}

/* The links of a page of period `span` days starting at `day`. */
static void
nav_links(struct rq *q, const struct appt_location *loc, const char *rest, int64_t day, int span)
{
	struct civil_local now;

	civil_local_at((int64_t)time(NULL), &now);
	view_set_text(
		q->page, "prev",
		loc_url(q, loc,
			arena_printf(q->a, "%s?datum=%s", rest, appt_web_date(q, day - span))));
	view_set_text(
		q->page, "next",
		loc_url(q, loc,
			arena_printf(q->a, "%s?datum=%s", rest, appt_web_date(q, day + span))));
	view_set_text(q->page, "today", loc_url(q, loc, rest));
	view_set_text(q->page, "date", appt_web_date(q, day));
	view_set_text(q->page, "location", loc->name);
	view_set_text(q->page, "display",
		      rq_url(q, arena_printf(q->a, "/termine/aufruf/%s", loc->slug)));
}

void
appt_staff_day_render(struct rq *q, const struct appt_location *loc, int64_t day)
{
	struct appt_entry *v;
	struct appt_block *blocks;
	struct view_val *list;
	size_t n, n_blocks;
	int64_t persons = 0, open = 0;
	int rc;

	rc = appt_entries_load(q->db, q->tenant, loc, appt_day_start(day), appt_day_start(day + 1),
			       q->a, &v, &n, &q->err);
	if (rc == 0)
		rc = appt_blocks_load(q->db, q->tenant, loc, day, day, q->a, &blocks, &n_blocks,
				      &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	appt_entries_mark(loc, v, n);
	list = view_set(q->page, "entries", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		entry_actions(q, entry_view(q, list, &v[i]), &v[i]);
		if (v[i].status != APPT_CANCELLED) {
			persons += v[i].persons;
			open++;
		}
	}
	view_set_int(q->page, "n_entries", open);
	view_set_int(q->page, "n_persons", persons);
	blocks_view(q, loc, blocks, n_blocks);
	nav_links(q, loc, "", day, 1);
	view_set_text(
		q->page, "week",
		loc_url(q, loc, arena_printf(q->a, "/woche?datum=%s", appt_web_date(q, day))));
	view_set_text(
		q->page, "csv",
		loc_url(q, loc, arena_printf(q->a, "/export.csv?datum=%s", appt_web_date(q, day))));
	view_set_text(q->page, "status_url", loc_url(q, loc, "/status"));
	view_set_text(q->page, "block_url", loc_url(q, loc, "/sperrzeiten"));
	view_set_text(q->page, "day_label", appt_web_day_label(q, day));
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s – %s", loc->name, appt_web_day_label(q, day)));
	appt_staff_crumbs(q, loc->name);
	rq_render(q, "appointments/staff_day");
}

static void
day_page(struct rq *q)
{
	struct appt_location *loc;
	int64_t day;

	if (!appt_staff_allowed(q) || !(loc = appt_staff_location(q)) ||
	    !appt_staff_day(q, "datum", &day))
		return;
	appt_staff_day_render(q, loc, day);
}

static void
week_page(struct rq *q)
{
	struct appt_location *loc;
	struct appt_entry *v;
	struct view_val *days;
	int64_t day;
	size_t n, k = 0;
	int rc;

	if (!appt_staff_allowed(q) || !(loc = appt_staff_location(q)) ||
	    !appt_staff_day(q, "datum", &day))
		return;
	day -= civil_weekday(day) - 1;
	rc = appt_entries_load(q->db, q->tenant, loc, appt_day_start(day),
			       appt_day_start(day + WEEK_DAYS), q->a, &v, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	appt_entries_mark(loc, v, n);
	days = view_set(q->page, "days", view_list(q->a));
	for (int64_t d = day; d < day + WEEK_DAYS; d++) {
		struct view_val *m = view_push(days, view_map(q->a));
		struct view_val *list = view_set(m, "entries", view_list(q->a));
		int64_t end = appt_day_start(d + 1);

		view_set_text(m, "label", appt_web_day_label(q, d));
		view_set_text(m, "date", appt_web_date(q, d));
		view_set_text(
			m, "url",
			loc_url(q, loc, arena_printf(q->a, "?datum=%s", appt_web_date(q, d))));
		for (; k < n && v[k].starts_at < end; k++)
			entry_view(q, list, &v[k]);
	}
	nav_links(q, loc, "/woche", day, WEEK_DAYS);
	view_set_text(q->page, "csv",
		      loc_url(q, loc,
			      arena_printf(q->a, "/export.csv?zeitraum=woche&datum=%s",
					   appt_web_date(q, day))));
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s – %s", loc->name, rq_msg(q, "appt.staff.week_of")));
	view_set_text(q->page, "week_label",
		      arena_printf(q->a, "%s – %s", appt_web_day_label(q, day),
				   appt_web_day_label(q, day + WEEK_DAYS - 1)));
	appt_staff_crumbs(q, loc->name);
	rq_render(q, "appointments/staff_week");
}

/* The booking id of the form: digits only. */
static int64_t
form_id(struct rq *q)
{
	const char *s = http_form(q->http, "id");
	char *end;
	long long id;

	if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		return 0;
	id = strtoll(s, &end, 10);
	return *end == '\0' ? (int64_t)id : 0;
}

static void
status_post(struct rq *q)
{
	struct appt_location *loc;
	const char *desk = http_form(q->http, "platz"), *back = http_form(q->http, "datum");
	enum appt_status to;
	int64_t id;
	int rc;

	if (!appt_staff_allowed(q) || !(loc = appt_staff_location(q)))
		return;
	id = form_id(q);
	if (!desk)
		desk = "";
	if (appt_status_parse(http_form(q->http, "status"), &to) || id == 0 ||
	    (desk[0] && !str_line_ok(desk, APPT_DESK_MAX)) || (back && !civil_date_valid(back))) {
		rq_error(q, 400, "appt.staff.err.form");
		return;
	}
	rc = appt_status_set(q->db, q->tenant, loc, id, to, desk, (int64_t)time(NULL), q->user->id,
			     &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	audit_log(q->db, q->tenant, q->user->id, "appt.status",
		  arena_printf(q->a, "%lld %s", (long long)id, appt_status_name(to)),
		  q->http->client_ip, NULL);
	rq_redirect(q, arena_printf(q->a, "/verwaltung/termine/%s%s%s#termin-%lld", loc->slug,
				    back ? "?datum=" : "", back ? back : "", (long long)id));
}

void
appt_staff_day_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/termine/:location", day_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_GET, "/verwaltung/termine/:location/woche", week_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, "/verwaltung/termine/:location/status", status_post, ROUTE_STAFF,
		  APPT_STAFF_FORM_MAX);
}
