/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * "Meine Termine" at /konto/termine: the appointments a citizen booked on
 * any portal of the installation while logged in, coming ones first, then
 * the last past or cancelled ones; the list is read by the session's own
 * account alone, like the list of cases.  A coming booking opens on its
 * portal at /konto/termine/<id> with its calendar file and the cancel
 * button, without the mailed token: that page reads the booking by the
 * tenant and the account together, so no id in the URL shows another
 * citizen's booking.  Without a login the pages send to the login.
 */
#include "features/appointments/appt.h"

#include "app/app.h"
#include "app/rq_rows.h"
#include "db/db.h"
#include "features/account/account.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#define MINE_MAX 100

struct mine {
	struct rq *q;
	struct view_val *coming, *past;
	int64_t now;
};

static int
add_mine(struct db_stmt *st, void *ctx, struct err *e)
{
	struct mine *c = ctx;
	struct rq *q = c->q;
	int64_t starts = db_col_int64(st, 1);
	bool open = strcmp(db_col_text(st, 4), "booked") == 0 && starts > c->now;
	struct view_val *m = view_push(open ? c->coming : c->past, view_map(q->a));

	(void)e;
	view_set_text(m, "when", appt_web_when(q, starts));
	view_set_text(m, "type", db_col_text(st, 2));
	view_set_text(m, "office", db_col_text(st, 3));
	view_set_int(m, "persons", db_col_int64(st, 5));
	view_set_text(m, "portal", db_col_text(st, 7));
	if (open)
		view_set_text(m, "url",
			      rq_tenant_url_slug(
				      q, db_col_text(st, 6),
				      arena_printf(q->a, "/konto/termine/%s", db_col_text(st, 0))));
	else
		view_set_text(m, "state",
			      rq_msg(q, strcmp(db_col_text(st, 4), "cancelled") == 0
						? "appt.mine.cancelled"
						: "appt.mine.past"));
	return 0;
}

static void
mine_page(struct rq *q)
{
	static const char sql[] =
		"SELECT a.public_id, a.starts_at, t.name, o.name, a.state, a.persons, te.slug, "
		"te.name FROM appointment a JOIN appt_type t ON t.id = a.type_id JOIN office o ON "
		"o.id = a.office_id JOIN tenant te ON te.id = a.tenant_id WHERE a.citizen_id = $1 "
		"ORDER BY a.starts_at DESC, a.id DESC LIMIT $2";
	int64_t citizen = account_citizen_or_login(q, "/konto/termine");
	struct mine c = {q, NULL, NULL, (int64_t)time(NULL)};
	int rc;

	if (!citizen)
		return;
	c.coming = view_set(q->page, "coming", view_list(q->a));
	c.past = view_set(q->page, "past", view_list(q->a));
	/* Keyed by the account alone: its bookings on every portal. */
	rc = db_each(q->db, &q->err, sql, add_mine, &c, DB_INT(citizen), DB_INT(MINE_MAX));
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "book_url", rq_url(q, "/termine"));
	account_mine_render(q, "appt.mine.title", "appointments/mine");
}

/* The account's open booking of the path, or 0 after the answer. */
static int64_t
mine_of(struct rq *q, struct appt_view *v)
{
	const char *id = http_param(q->http, "id");
	int64_t citizen = account_citizen_or_login(q, arena_printf(q->a, "/konto/termine/%s", id));
	int rc;

	if (!citizen)
		return 0;
	rc = appt_view_load(q->db, q->tenant, id, &(struct appt_holder){.citizen_id = citizen},
			    q->a, v, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return 0;
	}
	return citizen;
}

static void
booking_page(struct rq *q)
{
	struct appt_view v;

	if (appt_web_enabled(q) && mine_of(q, &v)) {
		account_crumbs(q, "appt.mine.title");
		appt_web_booking(q, http_param(q->http, "id"), &v, NULL);
	}
}

static void
calendar(struct rq *q)
{
	struct appt_view v;
	int rc;

	if (!appt_web_enabled(q) || !mine_of(q, &v))
		return;
	rc = appt_ics_answer(q, http_param(q->http, "id"), &v);
	if (rc)
		rq_fail(q, rc);
}

static void
cancel_post(struct rq *q)
{
	int64_t citizen = account_citizen_or_login(q, "/konto/termine");

	if (citizen)
		appt_web_cancel(q, &(struct appt_holder){.citizen_id = citizen});
}

static json_t *
booking_json(struct db_stmt *st)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "portal",
			 db_col_text(st, 0), "type", db_col_text(st, 1), "starts_at",
			 (json_int_t)db_col_int64(st, 2), "persons",
			 (json_int_t)db_col_int64(st, 3), "name", db_col_text(st, 4), "email",
			 db_col_text(st, 5), "phone", db_col_text(st, 6), "booked_at",
			 (json_int_t)db_col_int64(st, 7), "state", db_col_text(st, 8), "location",
			 db_col_text(st, 9));
}

int
appt_citizen_data(struct rq *q, int64_t citizen_id, json_t *doc)
{
	static const char sql[] =
		"SELECT te.slug, t.name, a.starts_at, a.persons, a.name, a.email, a.phone, "
		"a.created_at, a.state, o.name FROM appointment a JOIN appt_type t ON t.id = "
		"a.type_id JOIN office o ON o.id = a.office_id JOIN tenant te ON te.id = "
		"a.tenant_id "
		"WHERE a.citizen_id = $1 "
		"ORDER BY a.created_at, a.id";
	return rq_export_rows(q, doc, "appointments", sql, booking_json, citizen_id);
}

void
appt_account_links(struct rq *q, struct view_val *links)
{
	if (tenant_setting_bool(q->tenant, TSET_FEATURE_APPOINTMENTS))
		rq_link(q, links, "/konto/termine", "appt.mine.title");
}

void
appt_mine_register(struct app *app)
{
	app_route(app, HTTP_GET, "/konto/termine", mine_page, 0, 0);
	app_route(app, HTTP_GET, "/konto/termine/:id", booking_page, 0, 0);
	app_route(app, HTTP_GET, "/konto/termine/:id/calendar.ics", calendar, 0, 0);
	app_route(app, HTTP_POST, "/konto/termine/:id/absagen", cancel_post, 0, 4096);
}
