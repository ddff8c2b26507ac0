/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Booking a course from the web, without JavaScript: the form (name,
 * e-mail, places, and whether to wait when the course is full), its check,
 * the booking with its mail in one transaction, the booking's page (by its
 * secret link) and its cancellation.  A full course answers 409 with the
 * form again, offering the waiting list.
 */
#include "features/courses/crs_int.h"

#include "app/app.h"
#include "app/rq_form.h"
#include "core/log.h"
#include "core/str.h"
#include "mail/mail.h"

#include <string.h>
#include <time.h>

#define FORM_BODY_MAX 4096

/* The details as typed, and the message keys of what is wrong with them. */
struct details {
	const char *name, *email, *places;
	const char *name_error, *email_error, *places_error;
	bool wait;
	int n_errors;
};

static int
places_max(const struct crs_course *c)
{
	return c->capacity < CRS_PLACES_MAX ? c->capacity : CRS_PLACES_MAX;
}

static void
check(struct details *d, const struct crs_course *c)
{
	int n = str_count(d->places, CRS_PLACES_MAX);

	if (!str_line_ok(d->name, CRS_NAME_MAX))
		d->name_error = "crs.err.name";
	if (strlen(d->email) > CRS_EMAIL_MAX || !mail_addr_valid(d->email))
		d->email_error = "crs.err.email";
	if (n < 1 || n > places_max(c))
		d->places_error = "crs.err.places";
	d->n_errors = !!d->name_error + !!d->email_error + !!d->places_error;
}

static void
form_page(struct rq *q, const struct crs_course *c, const struct details *d)
{
	const char *path = arena_printf(q->a, "/kurse/%s", c->slug);
	struct session *s;

	if (rq_session(q, true, &s))
		log_warn("rid=%s no session for a course form", q->http->id);
	rq_count_options(q, "places", places_max(c), str_count(d->places, CRS_PLACES_MAX));
	rq_page_field(q, "name", d->name, d->name_error);
	rq_page_field(q, "email", d->email, d->email_error);
	rq_page_field(q, "places_field", d->places, d->places_error);
	view_set_bool(q->page, "wait", d->wait);
	view_set_bool(q->page, "has_errors", d->n_errors > 0);
	view_set_bool(q->page, "full", c->booked >= c->capacity);
	view_set_int(q->page, "free", c->capacity - c->booked);
	view_set_text(q->page, "course", c->title);
	view_set_text(q->page, "starts", crs_when(q, c->first_starts_at));
	view_set_text(q->page, "fee", crs_fee_text(q, c->fee_cents));
	view_set_text(q->page, "back", rq_url(q, path));
	rq_crumb(q, rq_msg(q, "nav.home"), "/");
	rq_crumb(q, rq_msg(q, "crs.title"), "/kurse");
	rq_crumb(q, c->title, path);
	rq_crumb(q, rq_msg(q, "crs.book"), NULL);
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s – %s", c->title, rq_msg(q, "crs.book")));
	rq_render(q, "courses/book");
}

/* The course of the path, open for registration; NULL when answered. */
static struct crs_course *
course_of(struct rq *q)
{
	struct crs_course *c = NULL;
	int rc = crs_find(q->db, q->tenant, http_param(q->http, "slug"), q->a, &c, &q->err);

	if (rc == 0 && !crs_open_at(c, (int64_t)time(NULL)))
		rc = err_set(&q->err, ERR_UNPROCESSABLE, "crs.err.closed", "registration closed");
	if (rc) {
		rq_fail(q, rc);
		return NULL;
	}
	return c;
}

static void
book_page(struct rq *q)
{
	struct crs_course *c = course_of(q);
	struct details d = {.name = "", .email = "", .places = "1"};

	if (c) {
		d.wait = c->booked >= c->capacity;
		form_page(q, c, &d);
	}
}

static void
book_post(struct rq *q)
{
	struct crs_course *c = course_of(q);
	struct crs_mail mail = {.q = q};
	struct crs_booking b;
	struct details d = {.name = rq_form_text(q, "name"),
			    .email = rq_form_text(q, "email"),
			    .places = rq_form_text(q, "places"),
			    .wait = strcmp(rq_form_text(q, "warteliste"), "1") == 0};
	int rc;

	if (!c)
		return;
	check(&d, c);
	if (d.n_errors) {
		q->resp->status = 422;
		form_page(q, c, &d);
		return;
	}
	rc = crs_book(q->db, q->tenant, c, d.name, d.email, str_count(d.places, CRS_PLACES_MAX),
		      d.wait, (int64_t)time(NULL), crs_mail_hook, &mail, q->a, &b, &q->err);
	if (rc == ERR_CONFLICT || rc == ERR_UNPROCESSABLE) {
		q->resp->status = http_status_of(rc);
		view_set_text(q->page, "refused",
			      rq_msg(q, q->err.user ? q->err.user : "crs.err.full"));
		c->booked = c->capacity; /* offer the waiting list */
		d.wait = true;
		form_page(q, c, &d);
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	crs_mail_sent(&mail);
	rq_redirect(q, arena_printf(q->a, "/kurse/%s/buchung/%s?token=%s", c->slug, b.public_id,
				    b.token));
}

static void
booking_page(struct rq *q)
{
	const char *id = http_param(q->http, "id"), *token = http_query(q->http, "token");
	struct crs_view v;
	struct session *s;
	int rc = crs_view_load(q->db, q->tenant, id, token, q->a, &v, &q->err);

	if (rc == 0 && strcmp(v.course_slug, http_param(q->http, "slug")) != 0)
		rc = err_set(&q->err, ERR_NOTFOUND, "crs.err.cancel", "other course");
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (rq_session(q, true, &s))
		log_warn("rid=%s no session for a course booking", q->http->id);
	view_set_text(q->page, "course", v.course_title);
	view_set_text(q->page, "course_url",
		      rq_url(q, arena_printf(q->a, "/kurse/%s", v.course_slug)));
	view_set_text(q->page, "name", v.name);
	view_set_int(q->page, "places", v.places);
	view_set_bool(q->page, "waiting", v.waiting);
	view_set_int(q->page, "position", v.position);
	view_set_text(q->page, "token", token);
	view_set_text(
		q->page, "cancel",
		rq_url(q, arena_printf(q->a, "/kurse/%s/buchung/%s/absagen", v.course_slug, id)));
	view_set_text(q->page, "title",
		      rq_msg(q, v.waiting ? "crs.web.waiting" : "crs.web.booked"));
	rq_render(q, "courses/booking");
}

static void
cancel_post(struct rq *q)
{
	struct crs_mail mail = {.q = q};
	int rc =
		crs_cancel(q->db, q->tenant, http_param(q->http, "id"), http_form(q->http, "token"),
			   (int64_t)time(NULL), crs_mail_hook, &mail, q->a, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	crs_mail_sent(&mail);
	view_set_text(q->page, "back",
		      rq_url(q, arena_printf(q->a, "/kurse/%s", http_param(q->http, "slug"))));
	view_set_text(q->page, "title", rq_msg(q, "crs.web.cancelled"));
	rq_render(q, "courses/cancelled");
}

void
crs_web_register(struct app *app)
{
	app_route(app, HTTP_GET, "/kurse/:slug/buchen", book_page, 0, 0);
	app_route(app, HTTP_POST, "/kurse/:slug/buchen", book_post, 0, FORM_BODY_MAX);
	app_route(app, HTTP_GET, "/kurse/:slug/buchung/:id", booking_page, 0, 0);
	app_route(app, HTTP_POST, "/kurse/:slug/buchung/:id/absagen", cancel_post, 0,
		  FORM_BODY_MAX);
}
