/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The waiting list's pages: the week of free times offers its full days
 * ("Benachrichtigen, wenn ein Termin frei wird"); the form puts an address
 * on the list of one day (appt_wait.c) and mails the link that leaves it,
 * in one transaction; that link shows a button that takes the address off
 * again.  The offers themselves are mailed when a booking is cancelled.
 */
#include "features/appointments/appt.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "auth/auth.h"
#include "core/civil.h"
#include "db/db.h"
#include "mail/mail.h"

#include <string.h>
#include <time.h>

#define FORM_BODY_MAX 4096

/* The local day of the form's "tag" if one can wait for it at `loc`: 0, or answered 422. */
static int
day_of(struct rq *q, const struct appt_location *loc, int64_t *day)
{
	const char *s = rq_form_text(q, "tag");
	struct civil_local now;

	civil_local_at((int64_t)time(NULL), &now);
	*day = 0;
	if (civil_date_valid(s))
		civil_parse_date(s, day);
	if (*day < now.days + loc->lead_days ||
	    *day > now.days + tenant_setting_int(q->tenant, TSET_APPT_WINDOW_DAYS)) {
		rq_error(q, 422, "appt.err.wait_day");
		return ERR_UNPROCESSABLE;
	}
	return 0;
}

static void
join_post(struct rq *q)
{
	const char *email = rq_form_text(q, "email");
	char *token = arena_alloc(q->a, AUTH_TOKEN_LEN + 1);
	struct appt_mail mail = {.q = q, .to = email};
	struct appt_type *type;
	struct appt_location *loc;
	int64_t day = 0;
	int rc;

	if (!appt_web_enabled(q))
		return;
	rc = appt_find(q->db, q->tenant, http_param(q->http, "type"),
		       http_param(q->http, "location"), q->a, &type, &loc, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (day_of(q, loc, &day))
		return;
	if (strlen(email) > APPT_EMAIL_MAX || !mail_addr_valid(email)) {
		rq_error(q, 422, "appt.err.email");
		return;
	}
	rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = appt_wait_add(q->db, q->tenant, type, loc, day, email, q->lang,
				   (int64_t)time(NULL), token, &q->err);
		if (rc == 0)
			rc = appt_mail_waiting(q->db,
					       &(struct appt_offer){email, q->lang, token, day,
								    type->slug, type->name,
								    loc->slug, loc->name},
					       &mail, &q->err);
		rc = db_end(q->db, rc, &q->err);
	}
	if (rq_failed_as(q, rc, ERR_RATELIMIT, "appt.err.wait_limit"))
		return;
	appt_mail_sent(&mail);
	http_resp_header(q->http, q->resp, "Cache-Control", "private, no-store");
	view_set_text(q->page, "day", appt_web_day_label(q, day));
	view_set_text(q->page, "type", type->name);
	view_set_text(q->page, "location", loc->name);
	view_set_text(q->page, "email", email);
	view_set_text(q->page, "back",
		      rq_url(q, arena_printf(q->a, "%s?ab=%s",
					     appt_web_week_path(q, type->slug, loc->slug),
					     appt_web_date(q, day))));
	view_set_text(q->page, "title", rq_msg(q, "appt.wait.joined"));
	rq_render(q, "appointments/wait_joined");
}

/* GET: a button that leaves, so a mail scanner's fetch of the link changes nothing. */
static void
leave_page(struct rq *q)
{
	const char *token = http_query(q->http, "token");

	if (!appt_web_enabled(q))
		return;
	if (!auth_token_ok(token)) {
		rq_error(q, 404, "appt.err.wait_token");
		return;
	}
	appt_web_session(q);
	view_set_text(q->page, "token", token);
	view_set_text(q->page, "action",
		      rq_url(q, arena_printf(q->a, "%s/warteliste/verlassen",
					     appt_web_week_path(q, http_param(q->http, "type"),
								http_param(q->http, "location")))));
	view_set_text(q->page, "title", rq_msg(q, "appt.wait.leave_title"));
	rq_render(q, "appointments/wait_leave");
}

static void
leave_post(struct rq *q)
{
	int rc;

	if (!appt_web_enabled(q))
		return;
	rc = appt_wait_leave(q->db, q->tenant, http_form(q->http, "token"), &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_bool(q->page, "left", true);
	view_set_text(q->page, "back", rq_url(q, "/termine"));
	view_set_text(q->page, "title", rq_msg(q, "appt.wait.left"));
	rq_render(q, "appointments/wait_leave");
}

void
appt_web_wait_register(struct app *app)
{
	app_route(app, HTTP_POST, "/termine/:type/:location/warteliste", join_post, 0,
		  FORM_BODY_MAX);
	app_route(app, HTTP_GET, "/termine/:type/:location/warteliste/verlassen", leave_page, 0, 0);
	app_route(app, HTTP_POST, "/termine/:type/:location/warteliste/verlassen", leave_post, 0,
		  FORM_BODY_MAX);
}
