/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Blocking a time at a location (a staff meeting, a training) from the day
 * page, and lifting the block.  The form names a first day, optionally a
 * last day, and the interval of each day; a wrong form shows the day page
 * again with the error and the input kept (422).
 */
#include "features/appointments/appt_staff.h"

#include "app/app.h"
#include "core/civil.h"
#include "core/str.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The form's value `name`, "" when missing. */
static const char *
field(struct rq *q, const char *name)
{
	const char *v = http_form(q->http, name);

	return v ? v : "";
}

/* The block of the form into *b; false when a field is wrong. */
static bool
block_of_form(struct rq *q, struct appt_block *b)
{
	const char *first = field(q, "von"), *last = field(q, "bis");

	b->note = field(q, "anlass");
	b->opens = civil_parse_time(field(q, "beginn"));
	b->closes = civil_parse_time(field(q, "ende"));
	if (!civil_date_valid(first) || !civil_parse_date(first, &b->first))
		return false;
	b->last = b->first;
	if (last[0] && (!civil_date_valid(last) || !civil_parse_date(last, &b->last)))
		return false;
	return b->note[0] == '\0' || str_line_ok(b->note, APPT_NOTE_MAX);
}

static void
block_post(struct rq *q)
{
	struct appt_location *loc;
	struct appt_block b = {0};
	int rc;

	if (!appt_staff_allowed(q) || !(loc = appt_staff_location(q)))
		return;
	rc = block_of_form(q, &b)
		     ? appt_block_add(q->db, q->tenant, loc, &b, q->user->id, (int64_t)time(NULL),
				      &q->err)
		     : err_set(&q->err, ERR_INVALID, "appt.staff.err.block", "block form");
	if (rc == ERR_INVALID) {
		struct civil_local now;
		int64_t day;

		if (!civil_parse_date(field(q, "von"), &day)) {
			civil_local_at((int64_t)time(NULL), &now);
			day = now.days;
		}
		q->resp->status = 422;
		view_set_text(q->page, "error", rq_msg(q, q->err.user));
		view_set_text(q->page, "f_von", field(q, "von"));
		view_set_text(q->page, "f_bis", field(q, "bis"));
		view_set_text(q->page, "f_beginn", field(q, "beginn"));
		view_set_text(q->page, "f_ende", field(q, "ende"));
		view_set_text(q->page, "f_anlass", b.note);
		appt_staff_day_render(q, loc, day);
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	audit_log(q->db, q->tenant, q->user->id, "appt.block",
		  arena_printf(q->a, "%lld %s", (long long)b.id, loc->slug), q->http->client_ip,
		  NULL);
	rq_redirect(q, arena_printf(q->a, "/verwaltung/termine/%s?datum=%s", loc->slug,
				    appt_web_date(q, b.first)));
}

static void
unblock_post(struct rq *q)
{
	struct appt_location *loc;
	const char *id = http_param(q->http, "id"), *back = http_form(q->http, "datum");
	char *end;
	long long n;
	int rc;

	if (!appt_staff_allowed(q) || !(loc = appt_staff_location(q)))
		return;
	n = strtoll(id, &end, 10);
	if (*end || n <= 0 || (back && !civil_date_valid(back))) {
		rq_error(q, 404, NULL);
		return;
	}
	rc = appt_block_delete(q->db, q->tenant, loc, (int64_t)n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	audit_log(q->db, q->tenant, q->user->id, "appt.unblock",
		  arena_printf(q->a, "%lld %s", n, loc->slug), q->http->client_ip, NULL);
	rq_redirect(q, arena_printf(q->a, "/verwaltung/termine/%s%s%s", loc->slug,
				    back ? "?datum=" : "", back ? back : ""));
}

void
appt_staff_block_register(struct app *app)
{
	app_route(app, HTTP_POST, "/verwaltung/termine/:location/sperrzeiten", block_post,
		  ROUTE_STAFF, APPT_STAFF_FORM_MAX);
	app_route(app, HTTP_POST, "/verwaltung/termine/:location/sperrzeiten/:id/loeschen",
		  unblock_post, ROUTE_STAFF, APPT_STAFF_FORM_MAX);
}
