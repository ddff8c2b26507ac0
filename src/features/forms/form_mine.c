/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * "Meine Anträge": the cases a citizen sent from the account, and the
 * mailbox of each.
 *
 *	GET  /konto/antraege                      the account's cases on every portal
 *	GET  /konto/antraege/:nr                  one case of this portal: status
 *	                                          history, answers, messages, reply form
 *	POST /konto/antraege/:nr/nachricht        a reply with up to three files
 *	GET  /konto/antraege/:nr/dateien/:id      a file of the case (own uploads, files
 *	                                          of messages)
 *	GET  /konto/antraege/:nr/quittung.pdf     the receipt
 *
 * The list is the one documented read without a tenant: it is keyed by
 * the session's own account id (form_case.citizen_id).  Every other page
 * reads the case by this tenant, its number and that id together, so a
 * number of another account, or one guessed, is a 404 like an unknown one.
 * Without a login the pages send to the login.
 */
#include "features/forms/form_inbox.h"

#include "app/rq_page.h"
#include "auth/auth.h"
#include "db/db.h"
#include "features/account/account.h"

#include <string.h>
#include <time.h>

#define MINE "/konto/antraege"
#define MINE_MAX 200
#define DAY_S 86400
/* Replies to one case a day: a conversation, not a way to fill the file store. */
#define REPLIES_A_DAY 20

static void
add_case(struct rq *q, struct db_stmt *st, struct view_val *m)
{
	const char *slug = db_col_text(st, 0), *case_no = db_col_text(st, 2);

	view_set_text(m, "portal", db_col_text(st, 1));
	view_set_text(m, "case_no", case_no);
	view_set_text(m, "form", db_col_text(st, 3));
	view_set_text(m, "status", inbox_status_label(q, inbox_status_parse(db_col_text(st, 4))));
	view_set_text(m, "date", rq_date_time(q, db_col_int64(st, 5)));
	view_set_int(m, "unread", db_col_int64(st, 6));
	view_set_text(m, "url",
		      rq_tenant_url_slug(q, slug, arena_printf(q->a, MINE "/%s", case_no)));
}

static void
mine_page(struct rq *q)
{
	/* Keyed by the account alone: its cases on every portal. */
	static const char sql[] =
		"SELECT t.slug, t.name, c.case_no, COALESCE(f.title, c.form_id), c.status, "
		"c.created_at, (SELECT count(*) FROM case_message m WHERE m.case_id = c.id AND "
		"m.from_citizen = 0 AND m.read_at IS NULL) FROM form_case c JOIN tenant t ON t.id "
		"= "
		"c.tenant_id LEFT JOIN form f ON f.tenant_id = c.tenant_id AND f.id = c.form_id "
		"AND "
		"f.version = c.form_version WHERE c.citizen_id = $1 "
		"ORDER BY c.created_at DESC, c.id DESC LIMIT $2";
	int64_t citizen = account_citizen_or_login(q, MINE);
	int rc;

	if (!citizen)
		return;
	rc = rq_page_rows(q, "cases", sql, add_case, DB_INT(citizen), DB_INT(MINE_MAX));
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	rq_crumbs(q, "account.title", "/konto", rq_msg(q, "forms.mine.title"));
	view_set_text(q->page, "title", rq_msg(q, "forms.mine.title"));
	rq_render(q, "forms/mine");
}

/* The account's case of path parameter :nr on this tenant; NULL after the answer. */
static struct inbox_case *
mine_case(struct rq *q, const char *tail)
{
	const char *nr = http_param(q->http, "nr");
	struct inbox_case *c = NULL;
	size_t n = strlen(nr);
	int64_t citizen = account_citizen_or_login(q, arena_printf(q->a, MINE "/%s%s", nr, tail));
	int rc;

	if (!citizen)
		return NULL;
	if (n == 0 || n > INBOX_CASE_NO_MAX ||
	    strspn(nr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n) {
		rq_error(q, 404, NULL);
		return NULL;
	}
	rc = inbox_get_mine(q->db, q->tenant, nr, citizen, q->a, &c, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return NULL;
	}
	return c;
}

struct view_val *
form_mailbox_view(struct rq *q, const struct case_msg *v, size_t n, const char *files_url)
{
	struct view_val *l = view_list(q->a);

	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));
		struct view_val *fl = view_set(m, "files", view_list(q->a));

		view_set_bool(m, "from_citizen", v[i].from_citizen);
		view_set_text(m, "author", v[i].author);
		view_set_text(m, "body", v[i].body);
		view_set_text(m, "date", rq_date_time(q, v[i].at));
		view_set_bool(m, "unread", !v[i].read_at);
		for (size_t k = 0; k < v[i].n_files; k++) {
			struct view_val *f = view_push(fl, view_map(q->a));

			view_set_text(f, "name", v[i].files[k].name);
			view_set_text(f, "url",
				      arena_printf(q->a, "%s%s", files_url, v[i].files[k].id));
		}
	}
	return l;
}

/* The status changes of the case, the citizen's view of its history (no notes). */
static int
timeline_view(struct rq *q, const struct inbox_case *c)
{
	struct inbox_event *ev;
	struct view_val *l = view_set(q->page, "timeline", view_list(q->a));
	struct view_val *m = view_push(l, view_map(q->a));
	size_t n;
	int rc = inbox_events(q->db, q->tenant, c->id, q->a, &ev, &n, &q->err);

	view_set_text(m, "status", inbox_status_label(q, INBOX_RECEIVED));
	view_set_text(m, "date", rq_date_time(q, c->created_at));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (strcmp(ev[i].kind, "status") != 0)
			continue;
		m = view_push(l, view_map(q->a));
		/* The remark of a state change is internal: staff write to the mailbox. */
		view_set_text(m, "status", inbox_status_label(q, ev[i].status));
		view_set_text(m, "date", rq_date_time(q, ev[i].at));
	}
	return rc;
}

static void
case_render(struct rq *q, const struct inbox_case *c, const char *error)
{
	const char *files_url = rq_url(q, arena_printf(q->a, MINE "/%s/dateien/", c->case_no));
	struct form *f = NULL;
	struct case_msg *v;
	json_t *answers = json_loads(c->answers, 0, NULL);
	size_t n;
	int rc;

	if (!answers)
		answers = json_object();
	arena_defer(q->a, form_json_free, answers);
	rc = timeline_view(q, c);
	rc = rc ? rc : inbox_form_of(q->db, q->tenant, c, q->a, &f, &q->err);
	rc = rc ? rc : case_messages(q->db, q->tenant, c->id, q->a, &v, &n, &q->err);
	rc = rc ? rc
		: case_messages_read(q->db, q->tenant, c->id, v, n, true, (int64_t)time(NULL),
				     &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set(q->page, "steps", inbox_answers_view(q, f, answers, files_url));
	view_set(q->page, "messages", form_mailbox_view(q, v, n, files_url));
	view_set_text(q->page, "case_no", c->case_no);
	view_set_text(q->page, "form", c->title);
	view_set_text(q->page, "status", inbox_status_label(q, c->status));
	view_set_text(q->page, "date", rq_date_time(q, c->created_at));
	view_set_text(q->page, "receipt_url",
		      rq_url(q, arena_printf(q->a, MINE "/%s/quittung.pdf", c->case_no)));
	view_set_text(q->page, "reply_url",
		      rq_url(q, arena_printf(q->a, MINE "/%s/nachricht", c->case_no)));
	if (error)
		view_set_text(q->page, "error", rq_msg(q, error));
	view_set_bool(q->page, "sent", http_query(q->http, "gesendet") != NULL);
	rq_crumbs(q, "account.title", "/konto", rq_msg(q, "forms.mine.title"));
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s %s", rq_msg(q, "forms.inbox.case_no"), c->case_no));
	rq_render(q, "forms/mine_case");
}

static void
case_page(struct rq *q)
{
	struct inbox_case *c = mine_case(q, "");
	struct session *s;

	if (!c)
		return;
	if (rq_session(q, true, &s) != 0) { /* the reply form's token */
		rq_fail(q, ERR_DB);
		return;
	}
	case_render(q, c, NULL);
}

static void
reply_post(struct rq *q)
{
	struct inbox_case *c = mine_case(q, "");
	const char *msg = rq_form_text(q, "nachricht"), *problem = NULL;
	const char *files[CASE_MSG_FILES];
	size_t nf = 0;
	int rc;

	if (!c)
		return;
	rc = ratelimit_hit(q->db, arena_printf(q->a, "case-reply:%lld", (long long)c->id), DAY_S,
			   REPLIES_A_DAY, &q->err);
	if (rq_failed_as(q, rc, ERR_RATELIMIT, "forms.mailbox.err.rate"))
		return;
	if (!msg[0] || strlen(msg) > INBOX_TEXT_MAX || !str_valid_text(str_c(msg))) {
		q->resp->status = 422;
		case_render(q, c, "forms.mailbox.err.text");
		return;
	}
	rc = case_files_store(q, "anhaenge", files, &nf, &problem);
	if (rc == 0 && problem) {
		q->resp->status = 422;
		case_render(q, c, problem);
		return;
	}
	rc = rc ? rc : db_begin(q->db, &q->err);
	if (rc == 0)
		rc = db_end(q->db,
			    case_message_add(q->db, q->tenant, c->id, true, msg, 0, files, nf,
					     (int64_t)time(NULL), &q->err),
			    &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	rq_redirect(q, arena_printf(q->a, MINE "/%s?gesendet=1#postfach", c->case_no));
}

static void
file_get(struct rq *q)
{
	struct inbox_case *c = mine_case(q, "");

	if (c)
		case_file_send(q, c, http_param(q->http, "id"));
}

static void
receipt_get(struct rq *q)
{
	struct inbox_case *c = mine_case(q, "/quittung.pdf");

	if (c)
		form_receipt_send(q, c->case_no);
}

void
form_account_links(struct rq *q, struct view_val *links)
{
	rq_link(q, links, MINE, "forms.mine.title");
}

struct export
{
	json_t *list, *by_id; /* the cases; "<case id>" -> its object (borrowed) */
};

static int
add_export(struct db_stmt *st, void *ctx, struct err *e)
{
	struct export *x = ctx;
	json_t *answers = json_loads(db_col_text(st, 6), 0, NULL);
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:[]}", "portal", db_col_text(st, 1),
			      "case_no", db_col_text(st, 2), "form", db_col_text(st, 3), "status",
			      db_col_text(st, 4), "sent_at", (json_int_t)db_col_int64(st, 5),
			      "answers", answers ? answers : json_object(), "messages");

	(void)e;
	if (!c)
		return ERR_INTERNAL;
	json_object_set(x->by_id, db_col_text(st, 0), c);
	json_array_append_new(x->list, c);
	return 0;
}

static int
add_export_message(struct db_stmt *st, void *ctx, struct err *e)
{
	struct export *x = ctx;
	json_t *c = json_object_get(x->by_id, db_col_text(st, 0));

	(void)e;
	json_array_append_new(json_object_get(c, "messages"),
			      json_pack("{s:b, s:s, s:I}", "from_me", db_col_int64(st, 1) != 0,
					"text", db_col_text(st, 2), "at",
					(json_int_t)db_col_int64(st, 3)));
	return 0;
}

int
form_citizen_data(struct rq *q, int64_t citizen_id, json_t *doc)
{
	static const char cases[] =
		"SELECT CAST(c.id AS TEXT), t.slug, c.case_no, c.form_id, c.status, c.created_at, "
		"c.answers FROM form_case c JOIN tenant t ON t.id = c.tenant_id "
		"WHERE c.citizen_id = $1 ORDER BY c.created_at, c.id";
	static const char messages[] =
		"SELECT CAST(m.case_id AS TEXT), m.from_citizen, m.body, m.created_at FROM "
		"case_message m JOIN form_case c ON c.id = m.case_id WHERE c.citizen_id = $1 "
		"ORDER BY m.created_at, m.id";
	struct export x = {json_array(), json_object()};
	int rc = db_each(q->db, &q->err, cases, add_export, &x, DB_INT(citizen_id));

	if (rc == 0)
		rc = db_each(q->db, &q->err, messages, add_export_message, &x, DB_INT(citizen_id));
	if (rc == 0)
		json_object_set(doc, "cases", x.list);
	json_decref(x.list);
	json_decref(x.by_id);
	return rc;
}

void
form_mine_register(struct app *app)
{
	app_route(app, HTTP_GET | HTTP_HEAD, MINE, mine_page, 0, 0);
	app_route(app, HTTP_GET | HTTP_HEAD, MINE "/:nr", case_page, 0, 0);
	app_route(app, HTTP_POST, MINE "/:nr/nachricht", reply_post, 0, CASE_MSG_BODY_MAX);
	app_route(app, HTTP_GET, MINE "/:nr/dateien/:id", file_get, 0, 0);
	app_route(app, HTTP_GET, MINE "/:nr/quittung.pdf", receipt_get, 0, 0);
}
