/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * /veranstaltungen: the calendar by list (default: today and 30 days), day,
 * week or month, with filters, all as query parameters (ev_query.c) and
 * plain links and a GET form, so no JavaScript is needed; the same query
 * with format=ics is the filtered list as iCalendar, format=atom the feed
 * of new events.  A page reads the expanded occurrences with one indexed
 * query (ev_store.c) and never expands a rule.
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "core/civil.h"
#include "features/editor/editor.h"

#include <string.h>
#include <time.h>

static const char *
day_label(struct rq *q, int64_t days)
{
	struct civil_local l;

	civil_day(days, &l);
	return arena_printf(q->a, "%s, %02d.%02d.%04d",
			    rq_msg(q, arena_printf(q->a, "office.day.%d", l.weekday)), l.day,
			    l.month, l.year);
}

const char *
ev_day_iso(struct arena *a, int64_t days)
{
	struct civil_local l;
	char *s = arena_alloc(a, CIVIL_DATE_LEN + 1);

	civil_day(days, &l);
	civil_format_date(&l, s);
	return s;
}

/* Query `s` with the filters of `f` added. */
static const char *
with_filters(struct rq *q, const struct ev_query *f, const char *s)
{
	if (f->category[0])
		s = arena_printf(q->a, "%s&kategorie=%s", s, f->category);
	if (f->free_only)
		s = arena_printf(q->a, "%s&kostenlos=1", s);
	if (f->accessible_only)
		s = arena_printf(q->a, "%s&barrierefrei=1", s);
	return s;
}

/* The list URL for view `v` at day `anchor`, keeping the filters of `f`. */
static const char *
list_url(struct rq *q, const struct ev_query *f, enum ev_view v, int64_t anchor, const char *format)
{
	static const char *const NAMES[] = {"liste", "tag", "woche", "monat"};
	const char *s = with_filters(q, f,
				     arena_printf(q->a, "/veranstaltungen?ansicht=%s&datum=%s",
						  NAMES[v], ev_day_iso(q->a, anchor)));

	if (format)
		s = arena_printf(q->a, "%s&format=%s", s, format);
	return rq_url(q, s);
}

static const char *
period(struct rq *q, const struct ev_query *f)
{
	struct civil_local l;

	civil_day(f->anchor, &l);
	if (f->view == EV_DAY)
		return day_label(q, f->first);
	if (f->view == EV_MONTH)
		return arena_printf(q->a, "%s %04d",
				    rq_msg(q, arena_printf(q->a, "ev.month.%d", l.month)), l.year);
	return arena_printf(q->a, "%s – %s", day_label(q, f->first), day_label(q, f->last));
}

static void
nav(struct rq *q, const struct ev_query *f)
{
	static const char *const KEYS[] = {"ev.view.list", "ev.view.day", "ev.view.week",
					   "ev.view.month"};
	struct view_val *l = view_set(q->page, "views", view_list(q->a));
	int64_t prev = f->anchor - 1, next = f->last + 1;
	struct civil_local a;

	for (int v = 0; v < 4; v++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "label", rq_msg(q, KEYS[v]));
		view_set_text(m, "url", list_url(q, f, (enum ev_view)v, f->anchor, NULL));
		view_set_bool(m, "current", (int)f->view == v && !f->ranged);
	}
	civil_day(f->first, &a);
	if (f->view == EV_WEEK)
		prev = f->first - 7;
	else if (f->view == EV_MONTH)
		prev = civil_days(a.month == 1 ? a.year - 1 : a.year,
				  a.month == 1 ? 12 : a.month - 1, 1);
	else if (f->view == EV_LIST)
		prev = f->first - (f->last - f->first + 1);
	view_set_text(q->page, "prev_url", list_url(q, f, f->view, prev, NULL));
	view_set_text(q->page, "next_url", list_url(q, f, f->view, next, NULL));
	view_set_text(q->page, "ics_url", list_url(q, f, f->view, f->anchor, "ics"));
}

static void
filters(struct rq *q, const struct ev_query *f)
{
	struct view_val *m = view_set(q->page, "filter", view_map(q->a));
	struct view_val *cats = view_set(m, "categories", view_list(q->a));
	static const char *const NAMES[] = {"liste", "tag", "woche", "monat"};

	view_set_text(m, "ansicht", NAMES[f->view]);
	view_set_text(m, "datum", ev_day_iso(q->a, f->anchor));
	view_set_text(m, "von", f->ranged ? ev_day_iso(q->a, f->first) : "");
	view_set_text(m, "bis", f->ranged ? ev_day_iso(q->a, f->last) : "");
	view_set_bool(m, "free", f->free_only);
	view_set_bool(m, "accessible", f->accessible_only);
	rq_key_options(q, cats, ev_categories, "ev.cat", f->category);
}

static const char *
time_of(struct rq *q, const struct ev_row *r, int64_t day)
{
	char a[CIVIL_DATETIME_LEN + 1], b[CIVIL_DATETIME_LEN + 1];

	if (r->all_day)
		return rq_msg(q, "ev.all_day");
	civil_utc_to_local(r->starts_at, false, a);
	civil_utc_to_local(r->ends_at, false, b);
	if (r->start_day != day) /* began on an earlier day */
		return arena_printf(q->a, "%s %s", rq_msg(q, "ev.until"), b + 11);
	return arena_printf(q->a, "%s–%s", a + 11, r->end_day == day ? b + 11 : b);
}

static struct view_val *
row_view(struct rq *q, const struct ev_row *r, int64_t day)
{
	struct view_val *m = view_map(q->a);

	view_set_text(m, "title", r->title);
	view_set_text(m, "url", rq_url(q, arena_printf(q->a, "/veranstaltungen/%s", r->slug)));
	view_set_text(m, "time", time_of(q, r, day));
	view_set_text(m, "place", r->place);
	view_set_text(m, "summary", r->summary);
	view_set_text(m, "category", rq_key_name(q, "ev.cat", r->category));
	view_set_bool(m, "free", r->is_free);
	view_set_bool(m, "accessible", r->accessible);
	return m;
}

/* The rows grouped by day; one that began before the range shows on its first day. */
static void
days(struct rq *q, const struct ev_query *f, const struct ev_row *v, size_t n)
{
	struct view_val *l = view_set(q->page, "days", view_list(q->a)), *cur = NULL;
	int64_t cur_day = -1;

	for (size_t i = 0; i < n; i++) {
		int64_t d = v[i].start_day < f->first ? f->first : v[i].start_day;

		if (d != cur_day) {
			/* Rows come by start: an earlier-begun row may follow a later day. */
			struct view_val *m = view_push(l, view_map(q->a));

			view_set_text(m, "label", day_label(q, d));
			view_set_text(m, "id", arena_printf(q->a, "tag-%s", ev_day_iso(q->a, d)));
			cur = view_set(m, "events", view_list(q->a));
			cur_day = d;
		}
		view_push(cur, row_view(q, &v[i], d));
	}
	view_set_int(q->page, "count", (int64_t)n);
}

/* A page holds EV_PAGE_ROWS occurrences; the rest is a list from the first day not shown. */
static void
more(struct rq *q, const struct ev_query *f, int64_t day)
{
	const char *s;

	if (day <= f->first)
		day = f->first + 1;
	s = arena_printf(q->a, "/veranstaltungen?von=%s&bis=%s", ev_day_iso(q->a, day),
			 ev_day_iso(q->a, f->last > day ? f->last : day));
	view_set_text(q->page, "more_url", rq_url(q, with_filters(q, f, s)));
}

static void
list_page(struct rq *q)
{
	struct ev_query_in in = {
		.ansicht = http_query(q->http, "ansicht"),
		.datum = http_query(q->http, "datum"),
		.von = http_query(q->http, "von"),
		.bis = http_query(q->http, "bis"),
		.kategorie = http_query(q->http, "kategorie"),
		.kostenlos = http_query(q->http, "kostenlos"),
		.barrierefrei = http_query(q->http, "barrierefrei"),
		.format = http_query(q->http, "format"),
	};
	struct ev_query f;
	struct ev_row *v = NULL;
	size_t n = 0;
	int rc;

	if (ev_query_parse(&in, ev_today(), &f, &q->err)) {
		rq_error(q, 400, "ev.err.query");
		return;
	}
	if (f.format == EV_ATOM) {
		ev_atom(q);
		return;
	}
	rc = ev_rows(q->db, q->tenant, &f, f.format == EV_ICS ? EV_ROWS_MAX : EV_PAGE_ROWS + 1,
		     q->a, &v, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (f.format == EV_ICS) {
		if (ev_ics_list(q, v, n, &q->resp->body)) {
			rq_error(q, 500, NULL);
			return;
		}
		q->resp->content_type = "text/calendar; charset=utf-8";
		return;
	}
	view_set_text(q->page, "title", rq_msg(q, "ev.title"));
	view_set_text(q->page, "period", period(q, &f));
	view_set_text(q->page, "canonical", rq_url(q, "/veranstaltungen"));
	view_set_text(q->page, "feed_url", rq_url(q, "/veranstaltungen?format=atom"));
	view_set_text(q->page, "feed_title", rq_msg(q, "ev.feed"));
	view_set_text(q->page, "submit_url", rq_url(q, "/veranstaltungen/melden"));
	nav(q, &f);
	filters(q, &f);
	if (n > EV_PAGE_ROWS) {
		n = EV_PAGE_ROWS;
		more(q, &f, v[n].start_day);
	}
	days(q, &f, v, n);
	rq_render(q, "events/list");
}

static int
events_init(struct app *app, struct err *e)
{
	app_route(app, HTTP_GET, "/veranstaltungen", list_page, ROUTE_CACHE, 0);
	ev_submit_register(app); /* /veranstaltungen/melden before the slugs */
	ev_trust_register(app);	 /* /veranstaltungen/bestaetigen too */
	ev_mine_register(app);
	app_route(app, HTTP_GET, "/veranstaltungen/:slug", ev_page, ROUTE_CACHE, 0);
	return ed_kind_register(app, &ev_edit_kind, e);
}

const struct feature events_feature = {
	.name = "events",
	.init = events_init,
	.staff = FEATURE_LINK("/verwaltung/veranstaltungen", "ev.staff", ROLE_ADMIN | ROLE_EDITOR),
	.citizen_data = ev_citizen_data,
	.account = ev_account_links,
};
