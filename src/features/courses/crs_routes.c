/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * /kurse: the courses not yet over, by first date, CRS_PAGE_SIZE a page,
 * filtered by category and by "open for registration" through a GET form
 * and plain links (no JavaScript).  Bad filters answer 400.
 */
#include "features/courses/crs_staff.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "core/civil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CRS_HOME_ITEMS 3 /* courses on the home page */

const char *
crs_when(struct rq *q, int64_t utc)
{
	char s[CIVIL_DATETIME_LEN + 1];
	struct civil_local l;

	civil_local_at(utc, &l);
	civil_utc_to_local(utc, false, s);
	return arena_printf(q->a, "%s, %02d.%02d.%04d, %s %s",
			    rq_msg(q, arena_printf(q->a, "office.day.%d", l.weekday)), l.day,
			    l.month, l.year, s + 11, rq_msg(q, "ev.clock"));
}

const char *
crs_session_text(struct rq *q, const struct crs_session *x)
{
	char a[CIVIL_DATETIME_LEN + 1], b[CIVIL_DATETIME_LEN + 1];
	struct civil_local l;

	civil_local_at(x->starts_at, &l);
	civil_utc_to_local(x->starts_at, false, a);
	civil_utc_to_local(x->ends_at, false, b);
	return arena_printf(q->a, "%s, %02d.%02d.%04d, %s–%s %s",
			    rq_msg(q, arena_printf(q->a, "office.day.%d", l.weekday)), l.day,
			    l.month, l.year, a + 11, b + 11, rq_msg(q, "ev.clock"));
}

const char *
crs_fee_text(struct rq *q, int fee_cents)
{
	if (fee_cents == 0)
		return rq_msg(q, "crs.free");
	return arena_printf(q->a, "%d,%02d €", fee_cents / 100, fee_cents % 100);
}

/* The list URL of filter `f` at page `page`. */
static const char *
list_url(struct rq *q, const struct crs_filter *f, int page)
{
	const char *s = arena_printf(q->a, "/kurse?seite=%d", page);

	if (f->category[0])
		s = arena_printf(q->a, "%s&kategorie=%s", s, f->category);
	if (f->open_only)
		s = arena_printf(q->a, "%s&offen=1", s);
	return rq_url(q, s);
}

/* The query parameters into *f; false (answered 400) when one is bad. */
static bool
filter_of(struct rq *q, struct crs_filter *f)
{
	const char *cat = http_query(q->http, "kategorie"), *open = http_query(q->http, "offen");
	const char *page = http_query(q->http, "seite");
	char *end = NULL;
	long n = page && page[0] ? strtol(page, &end, 10) : 1;

	*f = (struct crs_filter){.category = cat ? cat : "", .page = (int)n};
	if ((cat && cat[0] && !crs_category_valid(cat)) || (end && *end) || n < 1 || n > 10000 ||
	    (open && open[0] && strcmp(open, "1") != 0)) {
		rq_error(q, 400, "crs.err.query");
		return false;
	}
	f->open_only = open && strcmp(open, "1") == 0;
	return true;
}

static void
filters(struct rq *q, const struct crs_filter *f)
{
	struct view_val *m = view_set(q->page, "filter", view_map(q->a));
	struct view_val *cats = view_set(m, "categories", view_list(q->a));

	view_set_bool(m, "open", f->open_only);
	rq_key_options(q, cats, crs_categories, "crs.cat", f->category);
}

static struct view_val *
row_view(struct rq *q, const struct crs_course *c, int64_t now)
{
	struct view_val *m = view_map(q->a);

	view_set_text(m, "title", c->title);
	view_set_text(m, "url", rq_url(q, arena_printf(q->a, "/kurse/%s", c->slug)));
	view_set_text(m, "starts", crs_when(q, c->first_starts_at));
	view_set_text(m, "provider", c->provider);
	view_set_text(m, "summary", c->summary);
	view_set_text(m, "fee", crs_fee_text(q, c->fee_cents));
	view_set_text(m, "category", rq_key_name(q, "crs.cat", c->category));
	view_set_text(m, "state",
		      rq_msg(q, !crs_open_at(c, now)	   ? "crs.state.closed"
				: c->booked >= c->capacity ? "crs.state.full"
							   : "crs.state.open"));
	view_set_int(m, "free", c->capacity - c->booked);
	return m;
}

static void
list_page(struct rq *q)
{
	struct crs_filter f;
	struct crs_course *v = NULL;
	struct view_val *l;
	int64_t now = (int64_t)time(NULL), total = 0;
	size_t n = 0;
	int rc, pages;

	if (!filter_of(q, &f))
		return;
	rc = crs_list(q->db, q->tenant, &f, now, q->a, &v, &n, &total, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	pages = (int)((total + CRS_PAGE_SIZE - 1) / CRS_PAGE_SIZE);
	rq_crumbs(q, "crs.title", "/kurse", NULL);
	view_set_text(q->page, "title", rq_msg(q, "crs.title"));
	view_set_text(q->page, "canonical", rq_url(q, "/kurse"));
	filters(q, &f);
	l = view_set(q->page, "courses", view_list(q->a));
	for (size_t i = 0; i < n; i++)
		view_push(l, row_view(q, &v[i], now));
	view_set_int(q->page, "total", total);
	if (pages > 1)
		view_set_text(
			q->page, "page_text",
			arena_printf(q->a, "%s %d / %d", rq_msg(q, "crs.page"), f.page, pages));
	if (f.page > 1)
		view_set_text(q->page, "prev_url", list_url(q, &f, f.page - 1));
	if (f.page < pages)
		view_set_text(q->page, "next_url", list_url(q, &f, f.page + 1));
	rq_render(q, "courses/list");
}

/* The next courses open for registration on the tenant's home page. */
static int
courses_on_home(struct rq *q)
{
	struct crs_filter f = {.category = "", .open_only = true, .page = 1};
	struct crs_course *v = NULL;
	struct view_val *l;
	int64_t now = (int64_t)time(NULL), total = 0;
	size_t n = 0;
	int rc = crs_list(q->db, q->tenant, &f, now, q->a, &v, &n, &total, &q->err);

	if (rc || n == 0)
		return rc;
	l = view_set(q->page, "crs_home", view_list(q->a));
	for (size_t i = 0; i < n && i < CRS_HOME_ITEMS; i++)
		view_push(l, row_view(q, &v[i], now));
	view_set_text(q->page, "crs_url", rq_url(q, "/kurse"));
	return 0;
}

static int
courses_init(struct app *app, struct err *e)
{
	(void)e;
	app_route(app, HTTP_GET, "/kurse", list_page, 0, 0);
	crs_web_register(app); /* /kurse/:slug/buchen and the booking's pages */
	app_route(app, HTTP_GET, "/kurse/:slug", crs_page, 0, 0);
	crs_staff_register(app);
	return 0;
}

const struct feature courses_feature = {
	.name = "courses",
	.init = courses_init,
	.home = courses_on_home,
	.staff = FEATURE_LINK("/verwaltung/kurse", "crs.staff.title", ROLE_ADMIN | ROLE_EDITOR),
};
