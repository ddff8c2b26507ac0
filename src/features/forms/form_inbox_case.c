/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * One case of the staff inbox (form_inbox.c lists them): its answers in
 * the order and with the labels of the form version it was made with, its
 * files, history, notes, the next states, the message to the citizen and
 * the delivery to the form's endpoint (form_delivery.h).
 * Every write is appended to the case's history and to the audit log.
 */
#include "features/forms/form_delivery.h"
#include "features/forms/form_inbox.h"

#include "app/rq_page.h"
#include "auth/auth.h"
#include "core/civil.h"
#include "core/str.h"
#include "db/db.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <string.h>
#include <time.h>

#define STAFF INBOX_URL

/* A note or message: at most `max` bytes of UTF-8 text, no control characters but TAB, CR, LF. */
static bool
text_ok(const char *s, size_t max)
{
	return strlen(s) <= max && str_valid_text(str_c(s));
}

enum inbox_channel
inbox_channel(const struct inbox_case *c, const struct form *f, json_t *answers, const char **to)
{
	*to = NULL;
	if (c->citizen_id)
		return INBOX_CHANNEL_ACCOUNT;
	for (size_t s = 0; s < f->n_steps; s++)
		for (size_t i = 0; i < f->steps[s].n_fields; i++) {
			const struct form_field *fd = &f->steps[s].fields[i];
			const char *v = json_string_value(json_object_get(answers, fd->key));

			if (fd->type == FT_EMAIL && v && mail_addr_valid(v)) {
				*to = v;
				return INBOX_CHANNEL_MAIL;
			}
		}
	*to = NULL;
	return INBOX_CHANNEL_NONE;
}

/* A case with what its page and its writes need. */
struct inbox_open {
	struct inbox_case *c;
	struct form *f;
	json_t *answers; /* freed with the request */
};

/* The case of path parameter :nr with its form; false when an error was answered. */
static bool
param_case(struct rq *q, struct inbox_open *o)
{
	const char *nr = http_param(q->http, "nr");
	size_t n = strlen(nr);
	int rc;

	if (!inbox_allowed(q))
		return false;
	if (n == 0 || n > INBOX_CASE_NO_MAX ||
	    strspn(nr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n) {
		rq_error(q, 404, NULL);
		return false;
	}
	rc = inbox_get(q->db, q->tenant, nr, q->a, &o->c, &q->err);
	rc = rc ? rc : inbox_form_of(q->db, q->tenant, o->c, q->a, &o->f, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return false;
	}
	o->answers = json_loads(o->c->answers, 0, NULL);
	if (!o->answers)
		o->answers = json_object();
	arena_defer(q->a, form_json_free, o->answers);
	return true;
}

static int
history_view(struct rq *q, const struct inbox_case *c)
{
	struct inbox_event *ev;
	struct view_val *h, *notes;
	size_t n;
	int rc = inbox_events(q->db, q->tenant, c->id, q->a, &ev, &n, &q->err);

	if (rc)
		return rc;
	h = view_set(q->page, "history", view_list(q->a));
	notes = view_set(q->page, "notes", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		bool st = strcmp(ev[i].kind, "status") == 0;
		struct view_val *m = view_push(st ? h : notes, view_map(q->a));

		if (st)
			view_set_text(m, "status", inbox_status_label(q, ev[i].status));
		view_set_bool(m, "message", strcmp(ev[i].kind, "message") == 0);
		view_set_text(m, "body", ev[i].body);
		view_set_text(m, "author", ev[i].author);
		view_set_text(m, "date", rq_date_time(q, ev[i].at));
	}
	return 0;
}

/* The mailbox of an account's case, its files through this page's file route; marks replies read.
 */
static int
mailbox_view(struct rq *q, const struct inbox_case *c)
{
	struct case_msg *v;
	size_t n;
	int rc = c->citizen_id ? case_messages(q->db, q->tenant, c->id, q->a, &v, &n, &q->err) : 0;

	if (rc || !c->citizen_id)
		return rc;
	view_set(q->page, "messages",
		 form_mailbox_view(q, v, n, inbox_case_url(q, c->case_no, "/dateien/")));
	return case_messages_read(q->db, q->tenant, c->id, v, n, false, (int64_t)time(NULL),
				  &q->err);
}

static void
case_page(struct rq *q)
{
	struct inbox_open o;
	struct view_val *l;
	const char *to;
	int rc;

	if (!param_case(q, &o))
		return;
	rc = history_view(q, o.c);
	rc = rc ? rc : form_delivery_view(q, o.c->id, o.c->case_no);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	view_set_text(q->page, "case_no", o.c->case_no);
	view_set_text(q->page, "form", o.c->title);
	view_set_int(q->page, "version", o.c->version);
	view_set_text(q->page, "status", inbox_status_label(q, o.c->status));
	view_set_text(q->page, "status_key", inbox_status_name(o.c->status));
	view_set_text(q->page, "date", rq_date_time(q, o.c->created_at));
	view_set(q->page, "steps",
		 inbox_answers_view(q, o.f, o.answers,
				    inbox_case_url(q, o.c->case_no, "/dateien/")));
	l = view_set(q->page, "next", view_list(q->a));
	for (unsigned bit = 1; bit <= INBOX_STATUS_LAST; bit <<= 1) {
		struct view_val *m;

		if (!inbox_status_next(o.c->status, bit))
			continue;
		m = view_push(l, view_map(q->a));
		view_set_text(m, "value", inbox_status_name(bit));
		view_set_text(m, "name", inbox_status_label(q, bit));
	}
	switch (inbox_channel(o.c, o.f, o.answers, &to)) {
	case INBOX_CHANNEL_ACCOUNT:
		view_set_bool(q->page, "mailbox", true);
		break;
	case INBOX_CHANNEL_MAIL:
		view_set_text(q->page, "message_to", to);
		break;
	case INBOX_CHANNEL_NONE:
		break;
	}
	rc = mailbox_view(q, o.c);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "status_url", inbox_case_url(q, o.c->case_no, "/status"));
	view_set_text(q->page, "note_url", inbox_case_url(q, o.c->case_no, "/notiz"));
	view_set_text(q->page, "message_url", inbox_case_url(q, o.c->case_no, "/nachricht"));
	view_set_bool(q->page, "done", http_query(q->http, "erledigt") != NULL);
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s %s", rq_msg(q, "forms.inbox.case_no"), o.c->case_no));
	rq_staff_crumbs(q, "forms.inbox.title", STAFF, o.c->case_no);
	rq_render(q, "forms/inbox_case");
}

/* ---- Writes --------------------------------------------------------------- */

static void
done(struct rq *q, const struct inbox_case *c, const char *action, int rc)
{
	if (rq_failed_as(q, rc, ERR_CONFLICT, "forms.inbox.err.transition"))
		return;
	audit_log(q->db, q->tenant, q->user->id, action, c->case_no, q->http->client_ip, NULL);
	rq_redirect(q, arena_printf(q->a, STAFF "/%s?erledigt=1", c->case_no));
}

static void
status_post(struct rq *q)
{
	const char *note = rq_form_text(q, "notiz");
	unsigned to = inbox_status_parse(rq_form_text(q, "status"));
	struct inbox_open o;

	if (!param_case(q, &o))
		return;
	if (!to) {
		rq_error(q, 422, "forms.inbox.err.status");
		return;
	}
	if (!text_ok(note, INBOX_TEXT_MAX)) {
		rq_error(q, 422, "forms.inbox.err.note");
		return;
	}
	done(q, o.c, "forms.case.status",
	     inbox_set_status(q->db, q->tenant, o.c, to, note, q->user->id, (int64_t)time(NULL),
			      &q->err));
}

static void
note_post(struct rq *q)
{
	const char *note = rq_form_text(q, "notiz");
	struct inbox_open o;

	if (!param_case(q, &o))
		return;
	if (!note[0] || !text_ok(note, INBOX_TEXT_MAX)) {
		rq_error(q, 422, "forms.inbox.err.note");
		return;
	}
	done(q, o.c, "forms.case.note",
	     inbox_add_event(q->db, q->tenant, o.c->id, "note", note, q->user->id,
			     (int64_t)time(NULL), &q->err));
}

/* Queue the message by mail to `to`, inside the transaction that records it. */
static int
message_mail(struct rq *q, const struct inbox_open *o, const char *to, const char *msg)
{
	struct view_val *data = view_map(q->a);
	struct mail m;
	int rc;

	view_set_text(data, "case_no", o->c->case_no);
	view_set_text(data, "form", o->c->title);
	view_set_text(data, "text", msg);
	rc = mail_compose(q->app->mail, q->tenant, "form_message", q->lang, data, to, q->a, &m,
			  &q->err);
	return rc ? rc : mail_queue(q->app->mail, q->db, q->tenant, &m, NULL, &q->err);
}

/* Queue the notice of a new message in the mailbox: no content, the link to the case only. */
static int
notice_mail(struct rq *q, const struct inbox_open *o)
{
	struct view_val *data = view_map(q->a);
	const char *to = NULL;
	struct mail m;
	struct buf link;
	int rc = db_text(q->db, &q->err, q->a, &to, "SELECT email FROM citizen WHERE id = $1",
			 DB_INT(o->c->citizen_id));

	if (rc == ERR_NOTFOUND) /* the account was deleted meanwhile: no one to tell */
		return 0;
	buf_init(&link, 256);
	rc = rc ? rc
		: mail_link(q->app->mail, q->tenant,
			    arena_printf(q->a, "/konto/antraege/%s", o->c->case_no), &link);
	if (rc == 0)
		view_set_text(data, "url", link.p);
	buf_release(&link);
	view_set_text(data, "case_no", o->c->case_no);
	view_set_text(data, "form", o->c->title);
	rc = rc ? rc
		: mail_compose(q->app->mail, q->tenant, "case_message_notice", q->lang, data, to,
			       q->a, &m, &q->err);
	return rc ? rc : mail_queue(q->app->mail, q->db, q->tenant, &m, NULL, &q->err);
}

static void
message_post(struct rq *q)
{
	const char *msg = rq_form_text(q, "nachricht"), *to, *problem = NULL;
	const char *files[CASE_MSG_FILES];
	enum inbox_channel ch;
	struct inbox_open o;
	int64_t now = (int64_t)time(NULL);
	size_t nf = 0;
	int rc;

	if (!param_case(q, &o))
		return;
	ch = inbox_channel(o.c, o.f, o.answers, &to);
	if (ch == INBOX_CHANNEL_NONE || (ch == INBOX_CHANNEL_MAIL && !q->app->mail)) {
		rq_error(q, 422, "forms.inbox.err.no_email");
		return;
	}
	if (!msg[0] || !text_ok(msg, INBOX_TEXT_MAX)) {
		rq_error(q, 422, "forms.inbox.err.message");
		return;
	}
	rc = ch == INBOX_CHANNEL_ACCOUNT ? case_files_store(q, "dokumente", files, &nf, &problem)
					 : 0;
	if (rc == 0 && problem) {
		rq_error(q, 422, problem);
		return;
	}
	rc = rc ? rc : db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = inbox_add_event(q->db, q->tenant, o.c->id, "message", msg, q->user->id, now,
				     &q->err);
		if (ch == INBOX_CHANNEL_ACCOUNT) {
			rc = rc ? rc
				: case_message_add(q->db, q->tenant, o.c->id, false, msg,
						   q->user->id, files, nf, now, &q->err);
			rc = rc || !q->app->mail ? rc : notice_mail(q, &o);
		} else {
			rc = rc ? rc : message_mail(q, &o, to, msg);
		}
		rc = db_end(q->db, rc, &q->err);
	}
	if (rc == 0 && q->app->jobs)
		jobs_nudge(q->app->jobs);
	done(q, o.c, "forms.case.message", rc);
}

/* "Erneut zustellen": a failed delivery goes back to pending with a new job. */
static void
redeliver_post(struct rq *q)
{
	struct inbox_open o;
	int rc;

	if (!param_case(q, &o))
		return;
	rc = form_delivery_retry(q->db, q->tenant, o.c->id, (int64_t)time(NULL), &q->err);
	if (rc == ERR_CONFLICT) {
		rq_error(q, 409, "forms.delivery.err.not_failed");
		return;
	}
	if (rc == 0 && q->app->jobs)
		jobs_nudge(q->app->jobs);
	done(q, o.c, "forms.case.redeliver", rc);
}

bool
inbox_upload_file(const struct file_meta *m, void *cls)
{
	(void)cls;
	return strcmp(m->owner, "form-upload") == 0 || strcmp(m->owner, "case-message") == 0;
}

static void
file_get(struct rq *q)
{
	const char *id = http_param(q->http, "id");
	struct inbox_open o;

	if (!param_case(q, &o))
		return;
	case_file_send(q, o.c, id);
}

void
case_file_send(struct rq *q, const struct inbox_case *c, const char *id)
{
	struct files_store fs = {q->app->cfg.data_dir};
	struct file_meta *m = NULL;
	struct str data;
	bool ours = false;
	int rc = case_file_of(q->db, q->tenant, c, id, q->a, &ours, &q->err);

	if (rc == 0 && !ours) /* only the files of this case, through this case */
		rc = ERR_NOTFOUND;
	if (rc == 0)
		rc = files_get(q->db, &fs, q->tenant, id, inbox_upload_file, NULL, q->a, &m, &data,
			       &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (!rq_bytes(q, m->mime, data.p, data.len))
		return;
	http_resp_header(
		q->http, q->resp, "Content-Disposition",
		arena_printf(q->a, "attachment; filename*=UTF-8''%s", rq_urlencode(q, m->name)));
	http_resp_header(q->http, q->resp, "Cache-Control", "private, no-store");
}

void
form_inbox_case_register(struct app *app)
{
	app_route(app, HTTP_GET, STAFF "/:nr", case_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_GET, STAFF "/:nr/dateien/:id", file_get, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, STAFF "/:nr/status", status_post, ROUTE_STAFF, INBOX_FORM_MAX);
	app_route(app, HTTP_POST, STAFF "/:nr/notiz", note_post, ROUTE_STAFF, INBOX_FORM_MAX);
	app_route(app, HTTP_POST, STAFF "/:nr/nachricht", message_post, ROUTE_STAFF,
		  CASE_MSG_BODY_MAX);
	app_route(app, HTTP_POST, STAFF "/:nr/zustellen", redeliver_post, ROUTE_STAFF,
		  INBOX_FORM_MAX);
}
