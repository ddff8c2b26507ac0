/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Club submissions: anyone may propose an event through the public form at
 * /veranstaltungen/melden (no account; a few per address and hour).  A
 * submission is a row of status 'submitted', which no public read finds;
 * it waits on the staff's list under /verwaltung/veranstaltungen, where
 * staff open it like any event, edit it and publish it through the
 * editorial workflow, or reject it with a message that is mailed to the
 * submitter (POST /verwaltung/veranstaltungen/:key/ablehnen).  When staff
 * publish a submission, the submitter gets a mail with the link to the
 * public event page, queued in the publishing transaction
 * (ev_approval_mail(), called by the editorial kind's apply).  A trusted
 * organiser's submission gets a confirmation link instead (ev_trust.c).
 * A citizen logged in with an account finds the form prefilled, and the
 * submission belongs to the account (listed by ev_mine.c).
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "auth/auth.h"
#include "db/db.h"
#include "features/account/account.h"
#include "features/editor/editor.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <string.h>
#include <time.h>

#define SUBMIT_WINDOW_S 3600 /* submissions per address are counted per hour */
#define SUBMIT_LIMIT 5
#define MESSAGE_MAX 2000
#define NAME_MAX_BYTES 200

/* The installation's mailer, for mails sent where no request is at hand. */
static const struct mailer *ev_mailer;

static const char *const FIELDS[] = {
	"title",    "summary",	     "description",    "start_date",	   "start_time",
	"end_date", "end_time",	     "location_name",  "location_address", "organiser",
	"price",    "accessibility", "submitter_name", "submitter_email",
};

static void
form_page(struct rq *q, struct ed_errors *errors)
{
	struct view_val *m = view_set(q->page, "event", view_map(q->a));
	struct view_val *cats = view_set(m, "categories", view_list(q->a));
	const char *cat = ed_field(q, "category"), *email = NULL, *name = "";
	int64_t citizen = 0;
	struct session *s;

	if (rq_session(q, true, &s)) { /* the form's token */
		rq_fail(q, ERR_DB);
		return;
	}
	if (account_citizen(q, &citizen, &email)) {
		view_set_text(q->page, "mine_url", rq_url(q, "/konto/veranstaltungen"));
		/* Prefilled from the account: its address, the name of its last submission. */
		if (!errors && db_text(q->db, &q->err, q->a, &name,
				       "SELECT submitter_name FROM event WHERE citizen_id = $1 "
				       "ORDER BY created_at DESC, id DESC LIMIT 1",
				       DB_INT(citizen)))
			name = "";
	}
	for (size_t i = 0; i < sizeof(FIELDS) / sizeof(FIELDS[0]); i++) {
		const char *v = ed_field(q, FIELDS[i]);

		if (!errors && email && strcmp(FIELDS[i], "submitter_email") == 0)
			v = email;
		else if (!errors && email && strcmp(FIELDS[i], "submitter_name") == 0)
			v = name;
		view_set_text(m, FIELDS[i], v);
	}
	view_set_bool(m, "all_day", strcmp(ed_field(q, "all_day"), "1") == 0);
	view_set_bool(m, "is_free", strcmp(ed_field(q, "is_free"), "1") == 0);
	view_set_bool(m, "accessible", strcmp(ed_field(q, "accessible"), "1") == 0);
	rq_key_options(q, cats, ev_categories, "ev.cat", cat);
	view_set(q->page, "errors", errors ? errors->list : view_list(q->a));
	view_set(q->page, "invalid", errors ? errors->by_field : view_map(q->a));
	view_set_text(q->page, "title", rq_msg(q, "ev.submit.title"));
	view_set_text(q->page, "action", rq_url(q, "/veranstaltungen/melden"));
	view_set_bool(q->page, "sent", http_query(q->http, "gesendet") != NULL);
	rq_render(q, "events/submit");
}

static void
submit_get(struct rq *q)
{
	form_page(q, NULL);
}

static bool
one_line(const char *s)
{
	return strlen(s) <= NAME_MAX_BYTES && !strpbrk(s, "\r\n\t");
}

static void
submit_post(struct rq *q)
{
	struct ed_errors errors = {view_list(q->a), view_map(q->a), 0};
	const char *name = ed_field(q, "submitter_name"), *email = ed_field(q, "submitter_email");
	const char *slug = NULL, *account_email = NULL;
	int64_t now = (int64_t)time(NULL);
	bool trusted = false;
	struct ev_event ev;
	json_t *snap;
	int rc = ratelimit_hit(q->db, arena_printf(q->a, "events.submit:%s", q->http->client_ip),
			       SUBMIT_WINDOW_S, SUBMIT_LIMIT, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	snap = ev_form_snapshot(q, &errors);
	if (!name[0] || !one_line(name))
		ed_error(q, &errors, "submitter_name", "ev.err.submitter_name");
	if (!mail_addr_valid(email) || strlen(email) > NAME_MAX_BYTES)
		ed_error(q, &errors, "submitter_email", "ev.err.submitter_email");
	if (errors.n) {
		q->resp->status = 422;
		form_page(q, &errors);
		json_decref(snap);
		return;
	}
	ev_of_snapshot(snap, ev_slug_of(q, ed_json_str(snap, "title")), &ev);
	ev.submitter_name = name;
	ev.submitter_email = email;
	if (!account_citizen(q, &ev.citizen_id, &account_email))
		ev.citizen_id = 0;
	rc = ev_trusted(q->db, q->tenant, email, q->a, &trusted, &q->err);
	rc = rc ? rc : db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = ev_submission_add(q->db, q->tenant, &ev, now, q->a, &slug, &q->err);
		if (rc == 0 && trusted)
			rc = ev_confirm_request(q, slug, name, email, now);
		rc = db_end(q->db, rc, &q->err);
	}
	json_decref(snap);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (trusted && q->app->jobs)
		jobs_nudge(q->app->jobs);
	/* The same answer either way: the form does not tell who is trusted. */
	rq_redirect(q, "/veranstaltungen/melden?gesendet=1");
}

static int
reject_mail(struct rq *q, const struct ev_event *ev, const char *message)
{
	struct view_val *data = view_map(q->a);
	struct mail m;
	int rc;

	if (!q->app->mail || !mail_addr_valid(ev->submitter_email))
		return 0;
	view_set_text(data, "event", ev->title);
	view_set_text(data, "name", ev->submitter_name);
	view_set_text(data, "message", message);
	rc = mail_compose(q->app->mail, q->tenant, "event_rejected", q->lang, data,
			  ev->submitter_email, q->a, &m, &q->err);
	return rc ? rc : mail_queue(q->app->mail, q->db, q->tenant, &m, NULL, &q->err);
}

static void
reject_post(struct rq *q)
{
	static const char sql[] = "UPDATE event SET status = 'rejected', moderation_note = $3, "
				  "updated_at = $4 WHERE tenant_id = $1 AND slug = $2 "
				  "AND status = 'submitted'";
	const char *slug = http_param(q->http, "key"), *message = ed_field(q, "nachricht");
	struct ev_event *ev = NULL;
	int64_t n = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	if (!message[0] || strlen(message) > MESSAGE_MAX) {
		rq_error(q, 422, "ev.err.message");
		return;
	}
	rc = ev_find(q->db, q->tenant, slug, false, q->a, &ev, &q->err);
	rc = rc ? rc : db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = db_run_count(q->db, &q->err, &n, sql, DB_INT(q->tenant->id), DB_TEXT(slug),
				  DB_TEXT(message), DB_INT((int64_t)time(NULL)));
		if (rc == 0 && n == 0)
			rc = err_set(&q->err, ERR_CONFLICT, "ed.err.conflict", "not a submission");
		rc = rc ? rc : reject_mail(q, ev, message);
		rc = db_end(q->db, rc, &q->err);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (q->app->jobs)
		jobs_nudge(q->app->jobs);
	ed_audit(q, "event.reject", slug);
	rq_redirect(q, "/verwaltung/veranstaltungen?erledigt=abgelehnt");
}

int
ev_approval_mail(struct db *db, const struct tenant *t, const struct ev_event *ev, struct err *e)
{
	struct ev_event *cur = NULL;
	struct view_val *data;
	struct arena a;
	struct mail m;
	struct buf b;
	int rc;

	if (!ev_mailer)
		return 0;
	arena_init(&a);
	rc = ev_find(db, t, ev->slug, false, &a, &cur, e);
	if (rc || strcmp(cur->status, "submitted") != 0 || !mail_addr_valid(cur->submitter_email)) {
		arena_release(&a);
		return rc == ERR_NOTFOUND ? 0 : rc;
	}
	buf_init(&b, 1024);
	rc = mail_link(ev_mailer, t, arena_printf(&a, "/veranstaltungen/%s", ev->slug), &b);
	data = view_map(&a);
	view_set_text(data, "event", ev->title);
	view_set_text(data, "name", cur->submitter_name);
	view_set_text(data, "event_url", rc ? "" : b.p);
	buf_release(&b);
	rc = mail_compose(ev_mailer, t, "event_approved", "de", data, cur->submitter_email, &a, &m,
			  e);
	if (rc == 0)
		rc = mail_queue(ev_mailer, db, t, &m, NULL, e);
	arena_release(&a);
	return rc;
}

void
ev_submit_register(struct app *app)
{
	ev_mailer = app->mail;
	app_route(app, HTTP_GET, "/veranstaltungen/melden", submit_get, 0, 0);
	app_route(app, HTTP_POST, "/veranstaltungen/melden", submit_post, 0, 64 * 1024);
	app_route(app, HTTP_POST, "/verwaltung/veranstaltungen/:key/ablehnen", reject_post,
		  ROUTE_STAFF, 8 * 1024);
}
