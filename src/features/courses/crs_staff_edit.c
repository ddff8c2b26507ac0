/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Creating and editing a course: one staff form (crs_form.c checks it),
 * written with an entry in the audit log.  Editing replaces the sessions;
 * a capacity below the places booked is refused (409), a higher one moves
 * the waiting list up, with mails, in the same transaction.
 */
#include "features/courses/crs_staff.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "auth/auth.h"
#include "core/log.h"
#include "db/db.h"

#include <string.h>
#include <time.h>

#define FORM_BODY_MAX (64 * 1024)

/* Form names of the fields, in the order of enum crs_field; labels "crs.staff.f.<name>". */
static const char *const NAMES[CRS_F_COUNT] = {
	"titel",     "slug",	"kurztext", "beschreibung", "anbieter",
	"kategorie", "gebuehr", "plaetze",  "anmeldung_ab", "anmeldung_bis",
	"ort",	     "adresse", "termine"};

static void
audit(struct rq *q, const char *action, const char *slug)
{
	struct err e = {0};

	if (audit_log(q->db, q->tenant, q->user ? q->user->id : 0, action, slug, q->http->client_ip,
		      &e))
		log_error("rid=%s audit %s: %s", q->http->id, action, e.detail);
}

static struct view_val *
field_view(struct rq *q, const struct crs_form *f, int i)
{
	struct view_val *m = view_map(q->a);
	const char *type = i == CRS_F_OPENS || i == CRS_F_CLOSES ? "datetime-local" : "text";

	view_set_text(m, "name", NAMES[i]);
	view_set_text(m, "label", rq_msg(q, arena_printf(q->a, "crs.staff.f.%s", NAMES[i])));
	view_set_text(m, "type", type);
	view_set_bool(m, "textarea", i == CRS_F_DESCRIPTION || i == CRS_F_SESSIONS);
	if (i == CRS_F_SESSIONS || i == CRS_F_FEE || i == CRS_F_SLUG)
		view_set_text(m, "hint",
			      rq_msg(q, arena_printf(q->a, "crs.staff.hint.%s", NAMES[i])));
	rq_field(q, m, f->value[i], f->error[i]);
	if (i == CRS_F_CATEGORY)
		rq_key_options(q, view_set(m, "options", view_list(q->a)), crs_categories,
			       "crs.cat", f->value[i]);
	return m;
}

static void
form_page(struct rq *q, const struct crs_form *f, bool is_new, const char *refused)
{
	struct view_val *fields = view_set(q->page, "fields", view_list(q->a));
	struct view_val *errors = view_set(q->page, "errors", view_list(q->a));
	const char *title = rq_msg(q, is_new ? "crs.staff.new" : "crs.staff.edit");

	for (int i = 0; i < CRS_F_COUNT; i++) {
		if (i == CRS_F_SLUG && !is_new)
			continue;
		view_push(fields, field_view(q, f, i));
		if (f->error[i]) {
			struct view_val *e = view_push(errors, view_map(q->a));

			view_set_text(e, "text", rq_msg(q, f->error[i]));
			view_set_text(e, "href", arena_printf(q->a, "#crs-%s", NAMES[i]));
		}
	}
	view_set_bool(q->page, "has_errors", f->n_errors > 0);
	if (refused)
		view_set_text(q->page, "refused", rq_msg(q, refused));
	view_set_text(q->page, "back", rq_url(q, "/verwaltung/kurse"));
	view_set_text(q->page, "title", title);
	crs_staff_crumbs(q, title);
	rq_render(q, "courses/staff_edit");
}

static void
read_form(struct rq *q, struct crs_form *f)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < CRS_F_COUNT; i++) {
		const char *v = http_form(q->http, NAMES[i]);

		f->value[i] = v ? v : "";
	}
}

static void
new_page(struct rq *q)
{
	struct crs_form f;

	if (!crs_staff_allowed(q))
		return;
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < CRS_F_COUNT; i++)
		f.value[i] = "";
	f.value[CRS_F_FEE] = "0";
	form_page(q, &f, true, NULL);
}

static void
new_post(struct rq *q)
{
	struct crs_form f;
	struct crs_course c = {0};
	int64_t now = (int64_t)time(NULL);
	bool added = false;
	int rc;

	if (!crs_staff_allowed(q))
		return;
	read_form(q, &f);
	crs_form_check(&f, q->a, &c);
	if (f.n_errors == 0 && strcmp(c.slug, "neu") == 0) {
		f.error[CRS_F_SLUG] = "crs.staff.err.slug";
		f.n_errors++;
	}
	if (f.n_errors) {
		q->resp->status = 422;
		form_page(q, &f, true, NULL);
		return;
	}
	rc = db_begin(q->db, &q->err);
	rc = rc ? rc : crs_add(q->db, q->tenant, &c, now, &added, &q->err);
	rc = db_end(q->db, rc, &q->err);
	if (rc == 0 && !added) {
		f.error[CRS_F_SLUG] = "crs.staff.err.slug_taken";
		f.n_errors++;
		q->resp->status = 409;
		form_page(q, &f, true, NULL);
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	audit(q, "course.create", c.slug);
	rq_redirect(q, arena_printf(q->a, "/verwaltung/kurse/%s", c.slug));
}

static void
edit_page(struct rq *q)
{
	struct crs_course *c = crs_staff_course(q);
	struct crs_form f;

	if (!c)
		return;
	crs_form_of(c, q->a, &f);
	form_page(q, &f, false, NULL);
}

static void
edit_post(struct rq *q)
{
	struct crs_course *old = crs_staff_course(q), c = {0};
	struct crs_mail mail = {.q = q};
	struct crs_form f;
	int rc;

	if (!old)
		return;
	read_form(q, &f);
	f.value[CRS_F_SLUG] = old->slug;
	crs_form_check(&f, q->a, &c);
	if (f.n_errors) {
		q->resp->status = 422;
		form_page(q, &f, false, NULL);
		return;
	}
	rc = crs_update(q->db, q->tenant, &c, (int64_t)time(NULL), crs_mail_hook, &mail, q->a,
			&q->err);
	if (rc == ERR_CONFLICT) {
		q->resp->status = 409;
		form_page(q, &f, false, q->err.user);
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	crs_mail_sent(&mail);
	audit(q, "course.update", c.slug);
	rq_redirect(q, arena_printf(q->a, "/verwaltung/kurse/%s", c.slug));
}

void
crs_staff_edit_register(struct app *app)
{
	app_route(app, HTTP_GET, "/verwaltung/kurse/neu", new_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, "/verwaltung/kurse/neu", new_post, ROUTE_STAFF, FORM_BODY_MAX);
	app_route(app, HTTP_GET, "/verwaltung/kurse/:slug/bearbeiten", edit_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, "/verwaltung/kurse/:slug/bearbeiten", edit_post, ROUTE_STAFF,
		  FORM_BODY_MAX);
}
