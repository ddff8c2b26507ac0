/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Trusted organisers.  Staff of a tenant keep a list of organisers by
 * e-mail address under /verwaltung/veranstalter (list, add, remove, each
 * change in the audit log).  A submission from a trusted address is not
 * queued for moderation: the form mails a confirmation link to that address
 * (a 256-bit token, only its hash stored, single use, CONFIRM_TTL_S), and
 * opening it publishes the event, so nobody publishes by typing in a
 * trusted organiser's address.  The link's GET shows a button whose POST
 * confirms (a mail scanner's fetch publishes nothing).  When the address is
 * no longer trusted at that moment, the submission stays in the queue.
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "app/rq_page.h"
#include "auth/auth.h"
#include "db/db.h"
#include "features/editor/editor.h"
#include "mail/mail.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#define CONFIRM_TTL_S (48 * 3600)
#define EMAIL_MAX 254
#define NAME_MAX_BYTES 200
#define ORGANISERS_MAX 1000

/* `s` in lower case (ASCII), in arena `a`. */
static const char *
lower(struct arena *a, const char *s)
{
	char *o = arena_strdup(a, s);

	for (char *p = o; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

int
ev_trusted(struct db *db, const struct tenant *t, const char *email, struct arena *a, bool *out,
	   struct err *e)
{
	int64_t n = 0;
	int rc =
		db_int64(db, e, &n,
			 "SELECT count(*) FROM event_organiser WHERE tenant_id = $1 AND email = $2",
			 DB_INT(t->id), DB_TEXT(lower(a, email)));

	*out = rc == 0 && n > 0;
	return rc;
}

int
ev_confirm_request(struct rq *q, const char *slug, const char *name, const char *email, int64_t now)
{
	char tok[AUTH_TOKEN_LEN + 1], hash[65];
	struct view_val *data = view_map(q->a);
	struct mail m;
	struct buf b;
	int rc;

	auth_token(tok);
	auth_token_hash(tok, hash);
	rc = db_run(q->db, &q->err,
		    "UPDATE event SET confirm_hash = $3, confirm_expires = $4 "
		    "WHERE tenant_id = $1 AND slug = $2 AND status = 'submitted'",
		    DB_INT(q->tenant->id), DB_TEXT(slug), DB_TEXT(hash),
		    DB_INT(now + CONFIRM_TTL_S));
	if (rc || !q->app->mail)
		return rc;
	buf_init(&b, 1024);
	rc = mail_link(q->app->mail, q->tenant,
		       arena_printf(q->a, "/veranstaltungen/bestaetigen?token=%s", tok), &b);
	view_set_text(data, "confirm", rc ? "" : b.p);
	buf_release(&b);
	view_set_text(data, "name", name);
	rc = mail_compose(q->app->mail, q->tenant, "event_confirm", q->lang, data, email, q->a, &m,
			  &q->err);
	return rc ? rc : mail_queue(q->app->mail, q->db, q->tenant, &m, NULL, &q->err);
}

/* ---- The confirmation link ------------------------------------------------- */

static void
confirm_render(struct rq *q)
{
	rq_crumbs(q, "ev.title", "/veranstaltungen", rq_msg(q, "ev.confirm.title"));
	view_set_text(q->page, "title", rq_msg(q, "ev.confirm.title"));
	rq_render(q, "events/confirm");
}

static void
confirm_get(struct rq *q)
{
	const char *tok = rq_mail_token(q, "ev.err.token");

	if (!tok)
		return;
	view_set_text(q->page, "token", tok);
	view_set_text(q->page, "action", rq_url(q, "/veranstaltungen/bestaetigen"));
	confirm_render(q);
}

struct pending {
	int64_t id;
	const char *slug;
	bool trusted;
};

static void
read_pending(struct db_stmt *st, struct arena *a, void *row)
{
	struct pending *p = row;

	p->id = db_col_int64(st, 0);
	p->slug = db_col_dup(st, 1, a);
	p->trusted = db_col_int64(st, 2) != 0;
}

/* Use the token of `hash` once; publish its event when its address is trusted. */
static int
confirm(struct rq *q, const char *hash, int64_t now, struct pending *p)
{
	static const char find[] =
		"SELECT e.id, e.slug, (SELECT count(*) FROM event_organiser o WHERE "
		"o.tenant_id = e.tenant_id AND o.email = lower(e.submitter_email)) "
		"FROM event e WHERE e.tenant_id = $1 AND e.confirm_hash = $2 "
		"AND e.status = 'submitted' AND e.confirm_expires > $3";
	struct pending *v = NULL;
	struct ev_event *ev = NULL;
	int64_t used = 0;
	size_t n = 0;
	int rc = db_begin(q->db, &q->err);

	if (rc)
		return rc;
	rc = db_list(q->db, &q->err, find, q->a, sizeof(struct pending), read_pending, (void **)&v,
		     &n, DB_INT(q->tenant->id), DB_TEXT(hash), DB_INT(now));
	if (rc == 0 && n == 0)
		rc = err_set(&q->err, ERR_NOTFOUND, "ev.err.token", "no such confirmation");
	if (rc == 0) /* single use, also against a concurrent second POST */
		rc = db_run_count(q->db, &q->err, &used,
				  "UPDATE event SET confirm_hash = NULL, updated_at = $3 "
				  "WHERE id = $1 AND confirm_hash = $2",
				  DB_INT(v->id), DB_TEXT(hash), DB_INT(now));
	if (rc == 0 && used != 1)
		rc = err_set(&q->err, ERR_NOTFOUND, "ev.err.token", "confirmation used");
	if (rc == 0 && v->trusted)
		rc = ev_find(q->db, q->tenant, v->slug, false, q->a, &ev, &q->err);
	if (rc == 0 && v->trusted)
		rc = ev_publish(q->db, q->tenant, ev, now, &q->err);
	if (rc == 0)
		*p = *v;
	return db_end(q->db, rc, &q->err);
}

static void
confirm_post(struct rq *q)
{
	const char *tok = http_form(q->http, "token");
	struct pending p = {0};
	char hash[65];
	int rc;

	if (!auth_token_ok(tok)) {
		rq_error(q, 404, "ev.err.token");
		return;
	}
	auth_token_hash(tok, hash);
	rc = confirm(q, hash, (int64_t)time(NULL), &p);
	if (rq_failed_as(q, rc, ERR_NOTFOUND, "ev.err.token"))
		return;
	if (p.trusted) {
		rq_redirect(q, arena_printf(q->a, "/veranstaltungen/%s", p.slug));
		return;
	}
	view_set_bool(q->page, "queued", true);
	confirm_render(q);
}

/* ---- The staff's list ------------------------------------------------------ */

static void
add_organiser(struct rq *q, struct db_stmt *st, struct view_val *m)
{
	view_set_text(m, "email", db_col_text(st, 1));
	view_set_text(m, "name", db_col_text(st, 2));
	view_set_text(m, "since", ed_when(q, db_col_int64(st, 3)));
	view_set_text(m, "remove_url",
		      rq_url(q, arena_printf(q->a, "/verwaltung/veranstalter/%lld/entfernen",
					     (long long)db_col_int64(st, 0))));
}

static void
organisers_page(struct rq *q)
{
	static const char sql[] = "SELECT id, email, name, created_at FROM event_organiser "
				  "WHERE tenant_id = $1 ORDER BY email LIMIT $2";
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = rq_page_rows(q, "organisers", sql, add_organiser, DB_INT(q->tenant->id),
			  DB_INT(ORGANISERS_MAX));
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "title", rq_msg(q, "ev.org.title"));
	view_set_text(q->page, "add_url", rq_url(q, "/verwaltung/veranstalter"));
	view_set_bool(q->page, "done", http_query(q->http, "erledigt") != NULL);
	ed_crumb(q, rq_msg(q, "ev.org.title"));
	rq_render(q, "editor/event_organisers");
}

static void
organiser_add(struct rq *q)
{
	static const char sql[] =
		"INSERT INTO event_organiser (tenant_id, email, name, created_by, created_at) "
		"VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, email) DO UPDATE SET "
		"name = excluded.name";
	const char *email = ed_field(q, "email"), *name = ed_field(q, "name");
	int rc;

	if (!ed_may_edit(q))
		return;
	if (!mail_addr_valid(email) || strlen(email) > EMAIL_MAX) {
		rq_error(q, 422, "ev.err.submitter_email");
		return;
	}
	if (strlen(name) > NAME_MAX_BYTES || strpbrk(name, "\r\n\t")) {
		rq_error(q, 422, "ed.err.too_long");
		return;
	}
	email = lower(q->a, email);
	rc = db_run(q->db, &q->err, sql, DB_INT(q->tenant->id), DB_TEXT(email), DB_TEXT(name),
		    DB_INT(q->user->id), DB_INT((int64_t)time(NULL)));
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	ed_audit(q, "event.organiser.trust", email);
	rq_redirect(q, "/verwaltung/veranstalter?erledigt=1");
}

static void
organiser_remove(struct rq *q)
{
	const char *key = http_param(q->http, "id"), *email = NULL;
	long long id = 0;
	char *end = NULL;
	int64_t n = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	if (key && *key)
		id = strtoll(key, &end, 10);
	if (!end || *end || id <= 0) {
		rq_error(q, 404, "error.404.text");
		return;
	}
	rc = db_text(q->db, &q->err, q->a, &email,
		     "SELECT email FROM event_organiser WHERE tenant_id = $1 AND id = $2",
		     DB_INT(q->tenant->id), DB_INT((int64_t)id));
	if (rc == 0)
		rc = db_run_count(q->db, &q->err, &n,
				  "DELETE FROM event_organiser WHERE tenant_id = $1 AND id = $2",
				  DB_INT(q->tenant->id), DB_INT((int64_t)id));
	if (rc == 0 && n == 0)
		rc = ERR_NOTFOUND;
	if (rq_failed_as(q, rc, ERR_NOTFOUND, "error.404.text"))
		return;
	ed_audit(q, "event.organiser.untrust", email);
	rq_redirect(q, "/verwaltung/veranstalter?erledigt=1");
}

void
ev_trust_register(struct app *app)
{
	app_route(app, HTTP_GET, "/veranstaltungen/bestaetigen", confirm_get, 0, 0);
	app_route(app, HTTP_POST, "/veranstaltungen/bestaetigen", confirm_post, 0, 1024);
	app_route(app, HTTP_GET, "/verwaltung/veranstalter", organisers_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, "/verwaltung/veranstalter", organiser_add, ROUTE_STAFF, 4096);
	app_route(app, HTTP_POST, "/verwaltung/veranstalter/:id/entfernen", organiser_remove,
		  ROUTE_STAFF, 1024);
}
