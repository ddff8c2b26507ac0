/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Booking one slot from the web: the details form, its check (the same
 * limits as the API's request, appt_request.c), the booking with its
 * confirmation mail in one transaction, the booking's page and its
 * cancellation.  A slot taken meanwhile answers 409 with a link back to
 * its week.
 */
#include "features/appointments/appt.h"

#include "app/app.h"
#include "core/civil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FORM_BODY_MAX 4096

/* The details as typed, and the message keys of what is wrong with them. */
struct details {
	const char *name, *email, *phone, *persons;
	const char *name_error, *email_error, *phone_error, *persons_error;
	int64_t start;
	int n_errors;
};

static const char *
form_text(struct rq *q, const char *key)
{
	const char *s = http_form(q->http, key);

	return s ? s : "";
}

/* The number of persons typed, or 0 if it is not a plain number. */
static int
persons_of(const char *s)
{
	char *end = NULL;
	long n = strtol(s, &end, 10);

	return s[0] && !*end && n > 0 && n <= APPT_PERSONS_MAX ? (int)n : 0;
}

static void
check(struct details *d, const struct appt_type *type)
{
	int persons = persons_of(d->persons);

	if (!appt_text_ok(d->name, APPT_NAME_MAX))
		d->name_error = "appt.err.name";
	if (strlen(d->email) > APPT_EMAIL_MAX || !appt_email_ok(d->email))
		d->email_error = "appt.err.email";
	if (d->phone[0] && !appt_text_ok(d->phone, APPT_PHONE_MAX))
		d->phone_error = "appt.err.phone";
	if (persons < 1 || persons > type->persons_max)
		d->persons_error = "appt.err.persons_max";
	d->n_errors = !!d->name_error + !!d->email_error + !!d->phone_error + !!d->persons_error;
}

static void
field(struct rq *q, const char *key, const char *value, const char *error)
{
	struct view_val *m = view_set(q->page, key, view_map(q->a));

	view_set_text(m, "value", value);
	if (error)
		view_set_text(m, "error", rq_msg(q, error));
	view_set_text(m, "invalid", error ? "true" : "false");
}

/* The form for `d` (empty or as typed, with its errors). */
static void
form_page(struct rq *q, const struct appt_type *type, const struct appt_location *loc,
	  const struct details *d)
{
	struct view_val *persons = view_set(q->page, "persons", view_list(q->a));

	appt_web_session(q);
	for (int i = 1; i <= type->persons_max; i++) {
		struct view_val *o = view_push(persons, view_map(q->a));

		view_set_int(o, "n", i);
		view_set_bool(o, "selected", persons_of(d->persons) == i);
	}
	field(q, "name", d->name, d->name_error);
	field(q, "email", d->email, d->email_error);
	field(q, "phone", d->phone, d->phone_error);
	field(q, "persons_field", d->persons, d->persons_error);
	view_set_bool(q->page, "has_errors", d->n_errors > 0);
	view_set_int(q->page, "start", d->start);
	view_set_text(q->page, "type", type->name);
	view_set_text(q->page, "location", loc->name);
	view_set_text(q->page, "when", appt_web_when(q, d->start));
	view_set_text(q->page, "back", rq_url(q, appt_web_week_path(q, type->slug, loc->slug)));
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s – %s", type->name, rq_msg(q, "appt.web.book")));
	rq_render(q, "appointments/book");
}

/* The type, the location and the start of the path and query or form; 0 or answered. */
static int
slot_of(struct rq *q, const char *start, struct appt_type **type, struct appt_location **loc,
	int64_t *at)
{
	char *end = NULL;
	int rc = appt_find(q->db, q->tenant, http_param(q->http, "type"),
			   http_param(q->http, "location"), q->a, type, loc, &q->err);

	*at = start ? strtoll(start, &end, 10) : 0;
	if (rc == 0 && (!start || !start[0] || *end || *at <= 0))
		rc = err_set(&q->err, ERR_INVALID, "appt.err.start", "start '%s'",
			     start ? start : "");
	if (rc)
		rq_fail(q, rc);
	return rc;
}

static void
book_page(struct rq *q)
{
	struct appt_type *type;
	struct appt_location *loc;
	struct details d = {.name = "", .email = "", .phone = "", .persons = "1"};

	if (!appt_web_enabled(q) || slot_of(q, http_query(q->http, "start"), &type, &loc, &d.start))
		return;
	form_page(q, type, loc, &d);
}

/* The booking failed for a reason the citizen can act on: the form again, with why. */
static void
refused(struct rq *q, int rc, const struct appt_type *type, const struct appt_location *loc,
	const struct details *d)
{
	q->resp->status = http_status_of(rc);
	view_set_text(q->page, "refused", rq_msg(q, q->err.user ? q->err.user : "appt.err.window"));
	form_page(q, type, loc, d);
}

static void
book_post(struct rq *q)
{
	struct appt_type *type;
	struct appt_location *loc;
	struct appt_booking b;
	struct appt_mail mail = {.q = q};
	struct details d = {.name = form_text(q, "name"),
			    .email = form_text(q, "email"),
			    .phone = form_text(q, "phone"),
			    .persons = form_text(q, "persons")};
	struct appt_request r;
	int rc;

	if (!appt_web_enabled(q) || slot_of(q, http_form(q->http, "start"), &type, &loc, &d.start))
		return;
	check(&d, type);
	if (d.n_errors) {
		q->resp->status = 422;
		form_page(q, type, loc, &d);
		return;
	}
	r = (struct appt_request){
		.type = type->slug,
		.location = loc->slug,
		.starts_at = d.start,
		.persons = persons_of(d.persons),
		.name = d.name,
		.email = d.email,
		.phone = d.phone,
		.on_booked = appt_mail_booked,
		.cls = &mail,
		.limits = q->app->cfg.booking_limits,
		.client_ip = q->http->client_ip,
	};
	mail.to = d.email;
	rc = appt_book(q->db, q->tenant, &r, (int64_t)time(NULL), q->a, &b, &q->err);
	if (rc == ERR_CONFLICT || rc == ERR_UNPROCESSABLE) {
		refused(q, rc, type, loc, &d);
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	appt_mail_sent(&mail);
	rq_redirect(q, arena_printf(q->a, "/termin/%s?token=%s", b.public_id, b.token));
}

static void
booking_page(struct rq *q)
{
	const char *id = http_param(q->http, "id"), *token = http_query(q->http, "token");
	struct appt_view v;
	int rc;

	if (!appt_web_enabled(q))
		return;
	rc = appt_view_load(q->db, q->tenant, id, token, q->a, &v, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	appt_web_session(q);
	view_set_text(q->page, "type", v.type_name);
	view_set_text(q->page, "office", v.office_name);
	view_set_text(q->page, "street", v.street);
	view_set_text(q->page, "place", arena_printf(q->a, "%s %s", v.postal_code, v.city));
	view_set_text(q->page, "when", appt_web_when(q, v.starts_at));
	view_set_int(q->page, "persons", v.persons);
	view_set_text(q->page, "token", token);
	view_set_text(q->page, "ics",
		      rq_url(q, arena_printf(q->a, "/api/v1/appointments/%s/calendar.ics?token=%s",
					     id, token)));
	view_set_text(q->page, "cancel", rq_url(q, arena_printf(q->a, "/termin/%s/absagen", id)));
	view_set_text(q->page, "title", rq_msg(q, "appt.web.booked"));
	rq_render(q, "appointments/booking");
}

static void
cancel_post(struct rq *q)
{
	int rc;

	if (!appt_web_enabled(q))
		return;
	rc = appt_cancel(q->db, q->tenant, http_param(q->http, "id"), http_form(q->http, "token"),
			 (int64_t)time(NULL), &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "back", rq_url(q, "/termine"));
	view_set_text(q->page, "title", rq_msg(q, "appt.web.cancelled"));
	rq_render(q, "appointments/cancelled");
}

void
appt_web_book_register(struct app *app)
{
	app_route(app, HTTP_GET, "/termine/:type/:location/buchen", book_page, 0, 0);
	app_route(app, HTTP_POST, "/termine/:type/:location/buchen", book_post, 0, FORM_BODY_MAX);
	app_route(app, HTTP_GET, "/termin/:id", booking_page, 0, 0);
	app_route(app, HTTP_POST, "/termin/:id/absagen", cancel_post, 0, FORM_BODY_MAX);
}
