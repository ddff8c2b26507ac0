/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The citizen's pages of the appointments, without JavaScript:
 *
 *	/termine                          the types and where they are offered
 *	/termine/:type/:location?ab=DATE  a week of free slots, a link each
 *	/termine/:type/:location/buchen   the details form for one slot (GET, POST)
 *	/termin/:id?token=T               the booking: calendar file, cancel button
 *	/termin/:id/absagen               cancelling it (POST)
 *	/termin/:id/verschieben?token=T   another time: a week, &start=N confirms (GET, POST)
 *
 * Slots change with every booking: no page here goes through the page
 * cache.  The booking's page is found by its cancel token, as the API's
 * cancel link is; it is sent with Cache-Control: no-store.
 */
#include "features/appointments/appt.h"

#include "app/app.h"
#include "app/rq_rows.h"
#include "core/civil.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WEEK_DAYS 7

bool
appt_web_enabled(struct rq *q)
{
	if (tenant_setting_bool(q->tenant, TSET_FEATURE_APPOINTMENTS))
		return true;
	rq_error(q, 404, "appt.err.off");
	return false;
}

void
appt_web_session(struct rq *q)
{
	struct session *s;

	if (rq_session(q, true, &s))
		log_warn("rid=%s no session for an appointment form", q->http->id);
}

const char *
appt_day_label(const struct view *v, const char *lang, struct arena *a, int64_t days)
{
	struct civil_local l;

	civil_day(days, &l);
	return arena_printf(a, "%s, %02d.%02d.%04d",
			    view_msg(v, lang, arena_printf(a, "appt.day.%d", l.weekday)), l.day,
			    l.month, l.year);
}

const char *
appt_when_label(const struct view *v, const char *lang, struct arena *a, int64_t utc)
{
	struct civil_local l;
	char hm[6];

	civil_local_at(utc, &l);
	civil_format_time(l.minute, hm);
	return arena_printf(a, "%s, %s %s", appt_day_label(v, lang, a, l.days), hm,
			    view_msg(v, lang, "appt.oclock"));
}

const char *
appt_web_day_label(struct rq *q, int64_t days)
{
	return appt_day_label(q->app->view, q->lang, q->a, days);
}

const char *
appt_web_when(struct rq *q, int64_t utc)
{
	return appt_when_label(q->app->view, q->lang, q->a, utc);
}

const char *
appt_web_date(struct rq *q, int64_t days)
{
	struct civil_local l;
	char *s = arena_alloc(q->a, CIVIL_DATE_LEN + 1);

	civil_day(days, &l);
	civil_format_date(&l, s);
	return s;
}

const char *
appt_web_week_path(struct rq *q, const char *type, const char *loc)
{
	return arena_printf(q->a, "/termine/%s/%s", type, loc);
}

static void
types_page(struct rq *q)
{
	struct appt_type *v;
	struct view_val *items;
	size_t n;
	int rc;

	if (!appt_web_enabled(q))
		return;
	rc = appt_types_list(q->db, q->tenant, q->a, &v, &n, &q->err);
	items = rq_page_list(q, rc, "types");
	if (!items)
		return;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(items, view_map(q->a));
		struct view_val *locs = view_set(m, "locations", view_list(q->a));

		view_set_text(m, "name", v[i].name);
		view_set_int(m, "minutes", v[i].minutes);
		for (size_t j = 0; j < v[i].n_locations; j++) {
			struct appt_type *t;
			struct appt_location *l;
			struct view_val *lm;

			if (appt_find(q->db, q->tenant, v[i].slug, v[i].locations[j], q->a, &t, &l,
				      &q->err))
				continue;
			lm = view_push(locs, view_map(q->a));
			view_set_text(lm, "name", l->name);
			view_set_text(lm, "url",
				      rq_url(q, appt_web_week_path(q, t->slug, l->slug)));
		}
	}
	view_set_text(q->page, "title", rq_msg(q, "appt.web.title"));
	rq_render(q, "appointments/types");
}

/* The type and location named in the path; 0, or the failure was answered. */
static int
find(struct rq *q, struct appt_type **type, struct appt_location **loc)
{
	int rc = appt_find(q->db, q->tenant, http_param(q->http, "type"),
			   http_param(q->http, "location"), q->a, type, loc, &q->err);

	if (rc)
		rq_fail(q, rc);
	return rc;
}

/* The first day of the week shown: ?ab=YYYY-MM-DD within the booking window, else today. */
static int
first_day(struct rq *q, int64_t today, int64_t *first)
{
	const char *ab = http_query(q->http, "ab");
	int64_t last = today + tenant_setting_int(q->tenant, TSET_APPT_WINDOW_DAYS);

	*first = today;
	if (!ab)
		return 0;
	if (!civil_date_valid(ab))
		return err_set(&q->err, ERR_INVALID, "appt.err.dates", "ab=%s", ab);
	civil_parse_date(ab, first);
	if (*first < today)
		*first = today;
	if (*first > last)
		*first = last;
	return 0;
}

/* Whether local day `d` has opening hours at `loc` (a day without free times is then full). */
static bool
open_on(const struct appt_location *loc, int64_t d)
{
	int cap[APPT_DAY_UNITS_MAX];

	appt_day_capacity(&loc->schedule, d, cap);
	for (int i = 0; i < APPT_DAY_UNITS_MAX; i++)
		if (cap[i] > 0)
			return true;
	return false;
}

/* Day `d` into list *full ("full_days" of the page, made at the first): a day one can wait for. */
static void
full_day(struct rq *q, struct view_val **full, int64_t d)
{
	struct view_val *m;

	if (!*full)
		*full = view_set(q->page, "full_days", view_list(q->a));
	m = view_push(*full, view_map(q->a));
	view_set_text(m, "date", appt_web_date(q, d));
	view_set_text(m, "label", appt_web_day_label(q, d));
}

static void
week_days(struct rq *q, const struct appt_location *loc, int64_t first, int64_t bookable,
	  const char *base, const char *keep, int64_t skip, const struct appt_slot *v, size_t n)
{
	struct view_val *days = view_set(q->page, "days", view_list(q->a)), *full = NULL;
	size_t k = 0;

	for (int64_t d = first; d < first + WEEK_DAYS; d++) {
		struct view_val *m = view_push(days, view_map(q->a));
		struct view_val *slots = view_set(m, "slots", view_list(q->a));
		struct civil_local l;
		int shown = 0;

		view_set_text(m, "label", appt_web_day_label(q, d));
		for (; k < n; k++) {
			struct view_val *s;
			char hm[6];

			civil_local_at(v[k].starts_at, &l);
			if (l.days != d)
				break;
			if (v[k].starts_at == skip)
				continue;
			civil_format_time(l.minute, hm);
			shown++;
			s = view_push(slots, view_map(q->a));
			view_set_text(s, "time", arena_strdup(q->a, hm));
			view_set_text(s, "url",
				      arena_printf(q->a, "%s?%sstart=%lld", base, keep,
						   (long long)v[k].starts_at));
		}
		if (!shown && d >= bookable && open_on(loc, d))
			full_day(q, &full, d);
	}
}

int
appt_web_week_fill(struct rq *q, const struct appt_type *type, const struct appt_location *loc,
		   const char *base, const char *keep, int64_t skip)
{
	struct appt_slot *v;
	struct civil_local now;
	int64_t first;
	size_t n;
	int rc;

	civil_local_at((int64_t)time(NULL), &now);
	rc = first_day(q, now.days, &first);
	if (rc == 0)
		rc = appt_slots_range(q->db, q->tenant, type, loc, first, first + WEEK_DAYS - 1,
				      (int64_t)time(NULL), q->a, &v, &n, &q->err);
	if (rc)
		return rc;
	week_days(q, loc, first, now.days + loc->lead_days, base, keep, skip, v, n);
	if (first > now.days)
		view_set_text(
			q->page, "prev",
			arena_printf(q->a, "?%sab=%s", keep, appt_web_date(q, first - WEEK_DAYS)));
	if (first + WEEK_DAYS <= now.days + tenant_setting_int(q->tenant, TSET_APPT_WINDOW_DAYS))
		view_set_text(
			q->page, "next",
			arena_printf(q->a, "?%sab=%s", keep, appt_web_date(q, first + WEEK_DAYS)));
	view_set_text(q->page, "type", type->name);
	view_set_text(q->page, "location", loc->name);
	return 0;
}

static void
week_page(struct rq *q)
{
	struct appt_type *type;
	struct appt_location *loc;
	int rc;

	if (!appt_web_enabled(q) || find(q, &type, &loc))
		return;
	rc = appt_web_week_fill(
		q, type, loc,
		rq_url(q, arena_printf(q->a, "%s/buchen",
				       appt_web_week_path(q, type->slug, loc->slug))),
		"", 0);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (view_get(q->page, "full_days")) { /* the waiting list's form, with a CSRF token */
		appt_web_session(q);
		view_set_text(
			q->page, "wait_action",
			rq_url(q, arena_printf(q->a, "%s/warteliste",
					       appt_web_week_path(q, type->slug, loc->slug))));
	}
	view_set_text(q->page, "back", rq_url(q, "/termine"));
	view_set_text(q->page, "back_label", rq_msg(q, "appt.web.all_types"));
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s – %s", type->name, rq_msg(q, "appt.web.title")));
	rq_render(q, "appointments/week");
}

void
appt_web_register(struct app *app)
{
	app_route(app, HTTP_GET, "/termine", types_page, 0, 0);
	app_route(app, HTTP_GET, "/termine/:type/:location", week_page, 0, 0);
	appt_web_book_register(app);
}
