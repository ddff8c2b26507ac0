/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The staff side of the courses, for admins and editors of the tenant:
 *
 *	/verwaltung/kurse                            all courses with places and waiting list
 *	/verwaltung/kurse/neu                        a new course (crs_staff_edit.c)
 *	/verwaltung/kurse/:slug                      participants and waiting list
 *	/verwaltung/kurse/:slug/bearbeiten           edit the course (crs_staff_edit.c)
 *	/verwaltung/kurse/:slug/teilnehmende.csv     participants and waiting list as CSV
 *
 * Every page reads the request's tenant only; nothing is cached.  The CSV
 * uses the appointments' injection-safe cell (a leading = + - @ is
 * defused), ';' between cells and a byte order mark, as spreadsheets in
 * German settings expect.
 */
#include "features/courses/crs_staff.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "app/rq_rows.h"
#include "core/civil.h"
#include "core/csv_out.h"

#include <time.h>

bool
crs_staff_allowed(struct rq *q)
{
	return rq_staff_may(q, ROLE_ADMIN | ROLE_EDITOR);
}

void
crs_staff_crumbs(struct rq *q, const char *label)
{
	rq_staff_crumbs(q, "crs.staff.title", "/verwaltung/kurse", label);
}

static const char *
date_of(struct rq *q, int64_t utc)
{
	return utc ? rq_date_time(q, utc) : "";
}

static void
list_page(struct rq *q)
{
	struct crs_course *v = NULL;
	struct view_val *items;
	size_t n = 0;
	int rc;

	if (!crs_staff_allowed(q))
		return;
	rc = crs_staff_list(q->db, q->tenant, q->a, &v, &n, &q->err);
	items = rq_page_list(q, rc, "courses");
	if (!items)
		return;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(items, view_map(q->a));
		const char *path = arena_printf(q->a, "/verwaltung/kurse/%s", v[i].slug);

		view_set_text(m, "title", v[i].title);
		view_set_text(m, "provider", v[i].provider);
		view_set_text(m, "starts", date_of(q, v[i].first_starts_at));
		view_set_text(m, "places",
			      arena_printf(q->a, "%d / %d", v[i].booked, v[i].capacity));
		view_set_int(m, "waiting", v[i].waiting);
		view_set_text(m, "url", rq_url(q, path));
		view_set_text(m, "edit", rq_url(q, arena_printf(q->a, "%s/bearbeiten", path)));
	}
	view_set_text(q->page, "new_url", rq_url(q, "/verwaltung/kurse/neu"));
	view_set_text(q->page, "title", rq_msg(q, "crs.staff.title"));
	crs_staff_crumbs(q, NULL);
	rq_render(q, "courses/staff_list");
}

struct crs_course *
crs_staff_course(struct rq *q)
{
	struct crs_course *c = NULL;
	int rc;

	if (!crs_staff_allowed(q))
		return NULL;
	rc = crs_find(q->db, q->tenant, http_param(q->http, "slug"), q->a, &c, &q->err);
	if (rc)
		rq_fail(q, rc);
	return rc ? NULL : c;
}

/* The course of the path with its open bookings; false when answered. */
static bool
load(struct rq *q, struct crs_course **c, struct crs_entry **v, size_t *n)
{
	int rc;

	*c = crs_staff_course(q);
	if (!*c)
		return false;
	rc = crs_entries(q->db, q->tenant, (*c)->id, q->a, v, n, &q->err);
	if (rc)
		rq_fail(q, rc);
	return rc == 0;
}

static void
course_page(struct rq *q)
{
	struct crs_course *c;
	struct crs_entry *v = NULL;
	struct view_val *booked, *waiting;
	size_t n = 0;

	if (!load(q, &c, &v, &n))
		return;
	booked = view_set(q->page, "booked", view_list(q->a));
	waiting = view_set(q->page, "waiting", view_list(q->a));
	for (size_t i = 0, pos = 0; i < n; i++) {
		struct view_val *m = view_push(v[i].waiting ? waiting : booked, view_map(q->a));

		view_set_text(m, "name", v[i].name);
		view_set_text(m, "email", v[i].email);
		view_set_int(m, "places", v[i].places);
		view_set_text(m, "created", date_of(q, v[i].created_at));
		view_set_text(m, "promoted", date_of(q, v[i].promoted_at));
		view_set_int(m, "position", v[i].waiting ? (int64_t)++pos : 0);
	}
	view_set_text(q->page, "course", c->title);
	view_set_text(q->page, "places", arena_printf(q->a, "%d / %d", c->booked, c->capacity));
	view_set_text(
		q->page, "csv",
		rq_url(q, arena_printf(q->a, "/verwaltung/kurse/%s/teilnehmende.csv", c->slug)));
	view_set_text(q->page, "edit",
		      rq_url(q, arena_printf(q->a, "/verwaltung/kurse/%s/bearbeiten", c->slug)));
	view_set_text(q->page, "public", rq_url(q, arena_printf(q->a, "/kurse/%s", c->slug)));
	view_set_text(q->page, "title", c->title);
	crs_staff_crumbs(q, c->title);
	rq_render(q, "courses/staff_course");
}

static int
render_csv(struct rq *q, const struct crs_entry *v, size_t n)
{
	const char *head[] = {
		rq_msg(q, "crs.staff.col.state"),   rq_msg(q, "crs.staff.col.position"),
		rq_msg(q, "crs.web.name"),	    rq_msg(q, "crs.web.email"),
		rq_msg(q, "crs.web.places"),	    rq_msg(q, "crs.staff.col.created"),
		rq_msg(q, "crs.staff.col.promoted")};
	int rc = buf_adds(&q->resp->body, "\xEF\xBB\xBF");

	rc = rc ? rc : csv_line(&q->resp->body, head, 7);
	for (size_t i = 0, pos = 0; rc == 0 && i < n; i++) {
		const char *cells[] = {rq_msg(q, v[i].waiting ? "crs.staff.state.waiting"
							      : "crs.staff.state.booked"),
				       v[i].waiting ? arena_printf(q->a, "%zu", ++pos) : "",
				       v[i].name,
				       v[i].email,
				       arena_printf(q->a, "%d", v[i].places),
				       date_of(q, v[i].created_at),
				       date_of(q, v[i].promoted_at)};

		rc = csv_line(&q->resp->body, cells, 7);
	}
	return rc;
}

static void
csv_export(struct rq *q)
{
	struct crs_course *c;
	struct crs_entry *v = NULL;
	size_t n = 0;
	int rc;

	if (!load(q, &c, &v, &n))
		return;
	buf_reset(&q->resp->body);
	rc = render_csv(q, v, n);
	rq_download(q, rc, "text/csv; charset=utf-8; header=present",
		    arena_printf(q->a, "kurs-%s.csv", c->slug));
}

void
crs_staff_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/kurse", list_page, ROUTE_STAFF, 0);
	crs_staff_edit_register(app); /* /verwaltung/kurse/neu before the slugs */
	app_route(app, HTTP_GET, "/verwaltung/kurse/:slug", course_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_GET, "/verwaltung/kurse/:slug/teilnehmende.csv", csv_export,
		  ROUTE_STAFF, 0);
}
