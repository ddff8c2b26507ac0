/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Booking one slot from the web: the details form, its check (the same
 * limits as the API's request, appt_request.c), the booking with its
 * confirmation mail in one transaction, the booking's page and its
 * cancellation, and moving it to another time of the same type and
 * location (from the booking's page: a week of free times, a confirmation,
 * appt_reschedule()).  A slot taken meanwhile answers 409 with a link back
 * to its week; a move that finds its slot taken keeps the old time.
 */
#include "features/appointments/appt.h"

#include "app/app.h"
#include "app/rq_form.h"
#include "core/civil.h"
#include "core/str.h"
#include "db/db.h"
#include "features/account/account.h"
#include "mail/mail.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define FORM_BODY_MAX 4096

/* The details as typed, and the message keys of what is wrong with them. */
struct details {
	const char *name, *email, *phone, *persons;
	const char *name_error, *email_error, *phone_error, *persons_error;
	int64_t start;
	int n_errors;
};

static void
check(struct details *d, const struct appt_type *type)
{
	int persons = str_count(d->persons, APPT_PERSONS_MAX);

	if (!str_line_ok(d->name, APPT_NAME_MAX))
		d->name_error = "appt.err.name";
	if (strlen(d->email) > APPT_EMAIL_MAX || !mail_addr_valid(d->email))
		d->email_error = "appt.err.email";
	if (d->phone[0] && !str_line_ok(d->phone, APPT_PHONE_MAX))
		d->phone_error = "appt.err.phone";
	if (persons < 1 || persons > type->persons_max)
		d->persons_error = "appt.err.persons_max";
	d->n_errors = !!d->name_error + !!d->email_error + !!d->phone_error + !!d->persons_error;
}

/* The form for `d` (empty or as typed, with its errors). */
static void
form_page(struct rq *q, const struct appt_type *type, const struct appt_location *loc,
	  const struct details *d)
{
	appt_web_session(q);
	rq_count_options(q, "persons", type->persons_max, str_count(d->persons, APPT_PERSONS_MAX));
	rq_page_field(q, "name", d->name, d->name_error);
	rq_page_field(q, "email", d->email, d->email_error);
	rq_page_field(q, "phone", d->phone, d->phone_error);
	rq_page_field(q, "persons_field", d->persons, d->persons_error);
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
	if (rc == 0 && (!start || !start[0] || *end || *at <= 0 || *at > APPT_START_MAX))
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
	int64_t citizen = 0;

	if (!appt_web_enabled(q) || slot_of(q, http_query(q->http, "start"), &type, &loc, &d.start))
		return;
	if (account_citizen(q, &citizen, &d.email))
		view_set_bool(q->page, "signed_in", true);
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
	struct details d = {.name = rq_form_text(q, "name"),
			    .email = rq_form_text(q, "email"),
			    .phone = rq_form_text(q, "phone"),
			    .persons = rq_form_text(q, "persons")};
	struct appt_request r;
	const char *account_email = NULL;
	int64_t citizen = 0;
	int rc;

	if (!appt_web_enabled(q) || slot_of(q, http_form(q->http, "start"), &type, &loc, &d.start))
		return;
	if (account_citizen(q, &citizen, &account_email))
		view_set_bool(q->page, "signed_in", true);
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
		.persons = str_count(d.persons, APPT_PERSONS_MAX),
		.name = d.name,
		.email = d.email,
		.phone = d.phone,
		.on_booked = appt_mail_booked,
		.cls = &mail,
		.limits = q->app->cfg.booking_limits,
		.client_ip = q->http->client_ip,
		.citizen_id = citizen,
		.lang = q->lang,
		/* An account's verified address, or no mailer: nothing to confirm by link. */
		.confirmed =
			!q->app->mail || (account_email && strcasecmp(account_email, d.email) == 0),
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
	if (b.confirm_by) /* the page with the token is the mail's */
		rq_redirect(q, arena_printf(q->a, "/termin/%s/vorgemerkt", b.public_id));
	else
		rq_redirect(q, arena_printf(q->a, "/termin/%s?token=%s", b.public_id, b.token));
}

/* After a booking that waits for its mailed link: what to do now, nothing of the booking. */
static void
pending_page(struct rq *q)
{
	if (!appt_web_enabled(q))
		return;
	http_resp_header(q->http, q->resp, "Cache-Control", "private, no-store");
	view_set_int(q->page, "minutes", tenant_setting_int(q->tenant, TSET_APPT_CONFIRM_MINUTES));
	view_set_text(q->page, "title", rq_msg(q, "appt.confirm.check_mail"));
	rq_render(q, "appointments/pending");
}

static void
confirm_post(struct rq *q)
{
	const char *id = http_param(q->http, "id"), *token = http_form(q->http, "token");
	int rc;

	if (!appt_web_enabled(q))
		return;
	rc = appt_confirm(q->db, q->tenant, id, token, (int64_t)time(NULL), &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	rq_redirect(q, arena_printf(q->a, "/termin/%s?token=%s", id, token));
}

void
appt_web_booking(struct rq *q, const char *id, const struct appt_view *v, const char *token)
{
	const char *self = token ? arena_printf(q->a, "/termin/%s", id)
				 : arena_printf(q->a, "/konto/termine/%s", id);

	appt_web_session(q);
	view_set_text(q->page, "type", v->type_name);
	view_set_text(q->page, "office", v->office_name);
	view_set_text(q->page, "street", v->street);
	view_set_text(q->page, "place", arena_printf(q->a, "%s %s", v->postal_code, v->city));
	view_set_text(q->page, "when", appt_web_when(q, v->starts_at));
	view_set_int(q->page, "persons", v->persons);
	view_set_text(q->page, "cancel", rq_url(q, arena_printf(q->a, "%s/absagen", self)));
	if (token) {
		view_set_text(q->page, "token", token);
		view_set_text(
			q->page, "ics",
			rq_url(q,
			       arena_printf(q->a, "/api/v1/appointments/%s/calendar.ics?token=%s",
					    id, token)));
		view_set_text(
			q->page, "move",
			rq_url(q, arena_printf(q->a, "%s/verschieben?token=%s", self, token)));
	} else {
		view_set_text(q->page, "ics",
			      rq_url(q, arena_printf(q->a, "%s/calendar.ics", self)));
		view_set_bool(q->page, "mine", true);
	}
	view_set_bool(q->page, "moved", http_query(q->http, "verschoben") != NULL);
	if (v->confirm_by && token) {
		view_set_text(q->page, "confirm",
			      rq_url(q, arena_printf(q->a, "%s/bestaetigen", self)));
		view_set_text(q->page, "until", appt_web_when(q, v->confirm_by));
	}
	view_set_text(q->page, "title", rq_msg(q, "appt.web.booked"));
	rq_render(q, "appointments/booking");
}

static void
booking_page(struct rq *q)
{
	const char *id = http_param(q->http, "id"), *token = http_query(q->http, "token");
	struct appt_view v;
	int rc;

	if (!appt_web_enabled(q))
		return;
	rc = appt_view_load(q->db, q->tenant, id, &(struct appt_holder){.token = token}, q->a, &v,
			    &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	appt_web_booking(q, id, &v, token);
}

void
appt_web_cancel(struct rq *q, const struct appt_holder *h)
{
	struct appt_mail mail = {.q = q};
	int rc;

	if (!appt_web_enabled(q))
		return;
	rc = appt_cancel(q->db, q->tenant, http_param(q->http, "id"), h, (int64_t)time(NULL),
			 appt_mail_offer, &mail, q->a, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	appt_mail_sent(&mail);
	view_set_text(q->page, "back", rq_url(q, h->token ? "/termine" : "/konto/termine"));
	view_set_text(q->page, "title", rq_msg(q, "appt.web.cancelled"));
	rq_render(q, "appointments/cancelled");
}

static void
cancel_post(struct rq *q)
{
	appt_web_cancel(q, &(struct appt_holder){.token = http_form(q->http, "token")});
}

/* ---- Moving a booking ("Termin verschieben") ------------------------------ */

/* The booking of the path and its token (query or form); 0, or the failure was answered. */
static int
moving_of(struct rq *q, const char *token, struct appt_view *v, struct appt_type **type,
	  struct appt_location **loc)
{
	int rc = appt_view_load(q->db, q->tenant, http_param(q->http, "id"),
				&(struct appt_holder){.token = token}, q->a, v, &q->err);

	if (rc == 0)
		rc = appt_find(q->db, q->tenant, v->type_slug, v->office_slug, q->a, type, loc,
			       &q->err);
	if (rc)
		rq_fail(q, rc);
	return rc;
}

static const char *
move_path(struct rq *q)
{
	return rq_url(q, arena_printf(q->a, "/termin/%s/verschieben", http_param(q->http, "id")));
}

/* The page that confirms the move to `start`, with `refused` (a message key) when it failed. */
static void
move_confirm(struct rq *q, const struct appt_view *v, const char *token, int64_t start,
	     const char *refused)
{
	appt_web_session(q);
	if (refused)
		view_set_text(q->page, "refused", rq_msg(q, refused));
	view_set_text(q->page, "type", v->type_name);
	view_set_text(q->page, "location", v->office_name);
	view_set_text(q->page, "old_when", appt_web_when(q, v->starts_at));
	view_set_text(q->page, "when", appt_web_when(q, start));
	view_set_int(q->page, "start", start);
	view_set_text(q->page, "token", token);
	view_set_text(q->page, "action", move_path(q));
	view_set_text(q->page, "back", arena_printf(q->a, "%s?token=%s", move_path(q), token));
	view_set_text(q->page, "title", rq_msg(q, "appt.web.move_title"));
	rq_render(q, "appointments/move");
}

/* The start of the query or form: a positive number, else 0 (and a 400 was answered). */
static int64_t
start_of(struct rq *q, const char *s)
{
	char *end = NULL;
	long long n = s ? strtoll(s, &end, 10) : 0;

	if (!s || !s[0] || *end || n <= 0 || n > APPT_START_MAX) {
		err_set(&q->err, ERR_INVALID, "appt.err.start", "start '%s'", s ? s : "");
		rq_fail(q, ERR_INVALID);
		return 0;
	}
	return n;
}

/* GET /termin/:id/verschieben?token=T[&ab=DATE]: the week of other times; with &start=N the
 * confirmation. */
static void
move_page(struct rq *q)
{
	const char *token = http_query(q->http, "token"), *start = http_query(q->http, "start");
	struct appt_view v;
	struct appt_type *type;
	struct appt_location *loc;
	int64_t at;
	int rc;

	if (!appt_web_enabled(q) || moving_of(q, token, &v, &type, &loc))
		return;
	appt_web_session(q); /* private and not stored: the token is in the links */
	if (start) {
		if ((at = start_of(q, start)) > 0)
			move_confirm(q, &v, token, at, NULL);
		return;
	}
	rc = appt_web_week_fill(q, type, loc, move_path(q), arena_printf(q->a, "token=%s&", token),
				v.starts_at);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "moving", appt_web_when(q, v.starts_at));
	view_set_text(q->page, "back",
		      rq_url(q, arena_printf(q->a, "/termin/%s?token=%s", http_param(q->http, "id"),
					     token)));
	view_set_text(q->page, "back_label", rq_msg(q, "appt.web.move_back"));
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s – %s", type->name, rq_msg(q, "appt.web.move_title")));
	rq_render(q, "appointments/week");
}

static void
move_post(struct rq *q)
{
	const char *token = http_form(q->http, "token");
	struct appt_view v;
	struct appt_type *type;
	struct appt_location *loc;
	struct appt_booking b;
	struct appt_mail mail = {.q = q};
	int64_t at, old = 0;
	int rc;

	if (!appt_web_enabled(q) || moving_of(q, token, &v, &type, &loc))
		return;
	if ((at = start_of(q, http_form(q->http, "start"))) <= 0)
		return;
	rc = db_text(q->db, &q->err, q->a, &mail.to,
		     "SELECT email FROM appointment WHERE tenant_id = $1 AND public_id = $2",
		     DB_INT(q->tenant->id), DB_TEXT(http_param(q->http, "id")));
	if (rc == 0) {
		mail.old_start = v.starts_at;
		rc = appt_reschedule(q->db, q->tenant, http_param(q->http, "id"), token, at,
				     (int64_t)time(NULL), appt_mail_moved, &mail, q->a, &b, &old,
				     &q->err);
	}
	if (rc == ERR_CONFLICT || rc == ERR_UNPROCESSABLE) {
		q->resp->status = http_status_of(rc);
		move_confirm(q, &v, token, at, q->err.user ? q->err.user : "appt.slot_taken");
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	appt_mail_sent(&mail);
	rq_redirect(q, arena_printf(q->a, "/termin/%s?token=%s&verschoben=1", b.public_id, token));
}

void
appt_web_book_register(struct app *app)
{
	app_route(app, HTTP_GET, "/termine/:type/:location/buchen", book_page, 0, 0);
	app_route(app, HTTP_POST, "/termine/:type/:location/buchen", book_post, 0, FORM_BODY_MAX);
	app_route(app, HTTP_GET, "/termin/:id", booking_page, 0, 0);
	app_route(app, HTTP_GET, "/termin/:id/vorgemerkt", pending_page, 0, 0);
	app_route(app, HTTP_POST, "/termin/:id/bestaetigen", confirm_post, 0, FORM_BODY_MAX);
	app_route(app, HTTP_POST, "/termin/:id/absagen", cancel_post, 0, FORM_BODY_MAX);
	app_route(app, HTTP_GET, "/termin/:id/verschieben", move_page, 0, 0);
	app_route(app, HTTP_POST, "/termin/:id/verschieben", move_post, 0, FORM_BODY_MAX);
}
