/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The newsletter's public side: /newsletter subscribes with double opt-in.
 * The form sends a confirmation mail through the outbox with a link that
 * holds a 256-bit token; only its hash is stored, it expires after
 * CONFIRM_TTL_S and is cleared when used.  Confirming records the consent:
 * its time and the version of the text agreed to.  Whether an address is
 * already subscribed is never shown.
 *
 * Every mail carries a one-click unsubscribe link (RFC 8058): its own token,
 * stored as a hash in newsletter_unsub.  POST /newsletter/abmelden takes it
 * without a CSRF token, as mail clients send that POST without a session;
 * the token is the proof.  GET shows a button that posts the same.
 */
#include "features/news/news_int.h"

#include "app/rq_page.h"
#include "core/log.h"
#include "db/db.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <string.h>
#include <time.h>

#define CONFIRM_TTL_S (48 * 3600)
#define RESEND_AFTER_S 600  /* a pending address gets a new mail at most this often */
#define EMAIL_MAX 254	    /* RFC 5321 path limit */
#define SUBSCRIBE_RATE 20   /* subscriptions per address of a client and hour */
#define TOKEN_BODY_MAX 1024 /* the bodies of confirm and unsubscribe posts */

/* Show the consent version beside its text; a change of the text gets a new one. */
static const char NEWS_CONSENT_VERSION[] = "2026-12-01";

int
news_unsub_link(struct db *db, const struct mailer *m, const struct tenant *t, int64_t sub,
		int64_t now, struct arena *a, const char **url, struct err *e)
{
	char tok[AUTH_TOKEN_LEN + 1], hash[65];
	struct buf b;
	int rc;

	auth_token(tok);
	auth_token_hash(tok, hash);
	rc = db_run(db, e,
		    "INSERT INTO newsletter_unsub (hash, subscriber_id, created_at) "
		    "VALUES ($1, $2, $3)",
		    DB_TEXT(hash), DB_INT(sub), DB_INT(now));
	if (rc)
		return rc;
	buf_init(&b, 2048);
	rc = mail_link(m, t, arena_printf(a, "/newsletter/abmelden?token=%s", tok), &b);
	*url = arena_strdup(a, b.p);
	buf_release(&b);
	return rc ? err_set(e, rc, NULL, "unsubscribe link too long") : 0;
}

static void
page(struct rq *q, const char *title_key, const char *tpl)
{
	rq_crumbs(q, title_key, NULL, NULL);
	view_set_text(q->page, "title", rq_msg(q, title_key));
	view_set_text(q->page, "consent_version", NEWS_CONSENT_VERSION);
	rq_render(q, tpl);
}

static void
form_get(struct rq *q)
{
	if (rq_form_session(q))
		page(q, "news.nl.title", "news/subscribe");
}

static void
form_error(struct rq *q, const char *field, const char *key)
{
	view_set_text(q->page, arena_printf(q->a, "error_%s", field), rq_msg(q, key));
	view_set_text(q->page, "email", http_form(q->http, "email"));
	q->resp->status = 422;
	page(q, "news.nl.title", "news/subscribe");
}

/* The confirmation mail with its token link, queued in the caller's transaction. */
static int
send_confirm(struct rq *q, int64_t sub, const char *email, const char *tok, int64_t now)
{
	struct view_val *data = view_map(q->a);
	const char *unsub = NULL;
	struct buf b;
	struct mail m;
	int rc;

	buf_init(&b, 2048);
	(void)mail_link(q->app->mail, q->tenant,
			arena_printf(q->a, "/newsletter/bestaetigen?token=%s", tok), &b);
	view_set_text(data, "confirm", b.p);
	buf_release(&b);
	rc = news_unsub_link(q->db, q->app->mail, q->tenant, sub, now, q->a, &unsub, &q->err);
	if (rc == 0)
		rc = mail_compose(q->app->mail, q->tenant, "news_confirm", q->lang, data, email,
				  q->a, &m, &q->err);
	if (rc)
		return rc;
	m.unsubscribe = unsub;
	return mail_queue(q->app->mail, q->db, q->tenant, &m, NULL, &q->err);
}

/* Make `email` pending with a fresh token unless it is confirmed or was asked just now. */
static int
subscribe(struct rq *q, const char *email, int64_t now, bool *sent)
{
	static const char upsert[] =
		"INSERT INTO newsletter_subscriber (tenant_id, email, requested_at) "
		"VALUES ($1, $2, 0) ON CONFLICT (tenant_id, email) DO NOTHING";
	static const char renew[] =
		"UPDATE newsletter_subscriber SET state = 'pending', confirm_hash = $3, "
		"confirm_expires = $4, requested_at = $5 WHERE tenant_id = $1 AND email = $2 "
		"AND state <> 'confirmed' AND requested_at <= $6";
	char tok[AUTH_TOKEN_LEN + 1], hash[65];
	int64_t changed = 0, id = 0;
	int rc;

	auth_token(tok);
	auth_token_hash(tok, hash);
	*sent = false;
	rc = db_begin(q->db, &q->err);
	if (rc)
		return rc;
	rc = db_run(q->db, &q->err, upsert, DB_INT(q->tenant->id), DB_TEXT(email));
	if (rc == 0)
		rc = db_run_count(q->db, &q->err, &changed, renew, DB_INT(q->tenant->id),
				  DB_TEXT(email), DB_TEXT(hash), DB_INT(now + CONFIRM_TTL_S),
				  DB_INT(now), DB_INT(now - RESEND_AFTER_S));
	if (rc == 0 && changed)
		rc = db_int64(q->db, &q->err, &id,
			      "SELECT id FROM newsletter_subscriber WHERE tenant_id = $1 AND "
			      "email = $2",
			      DB_INT(q->tenant->id), DB_TEXT(email));
	if (rc == 0 && changed)
		rc = send_confirm(q, id, email, tok, now);
	*sent = rc == 0 && changed;
	return db_end(q->db, rc, &q->err);
}

/* The address in lower case (mail_addr_valid() takes ASCII only), in the arena. */
static const char *
lower(struct rq *q, const char *s)
{
	char *out = arena_strdup(q->a, s ? s : "");

	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

static void
form_post(struct rq *q)
{
	const char *email = lower(q, http_form(q->http, "email"));
	int64_t now = (int64_t)time(NULL);
	bool sent = false;
	int rc;

	if (!email || !email[0] || strlen(email) > EMAIL_MAX || !mail_addr_valid(email)) {
		form_error(q, "email", "news.nl.err.email");
		return;
	}
	if (!http_form(q->http, "consent") || strcmp(http_form(q->http, "consent"), "1") != 0) {
		form_error(q, "consent", "news.nl.err.consent");
		return;
	}
	rc = ratelimit_hit(q->db, arena_printf(q->a, "newsletter:%s", q->http->client_ip), 3600,
			   SUBSCRIBE_RATE, &q->err);
	if (rc == 0 && !q->app->mail)
		rc = err_set(&q->err, ERR_INTERNAL, NULL, "no mailer");
	if (rc == 0)
		rc = subscribe(q, email, now, &sent);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (sent)
		jobs_nudge(q->app->jobs);
	page(q, "news.nl.check_mail", "news/subscribed");
}

/* Whether `tok` has the form of a token; a 404 when not. */
static bool
token_ok(struct rq *q, const char *tok)
{
	if (auth_token_ok(tok))
		return true;
	rq_error(q, 404, "news.nl.err.token");
	return false;
}

/* token_ok(), and the token's hash into `hash`. */
static bool
token_hash(struct rq *q, const char *tok, char hash[static 65])
{
	if (!token_ok(q, tok))
		return false;
	auth_token_hash(tok, hash);
	return true;
}

/* GET: a button that confirms, so a mail scanner's fetch of the link confirms nothing. */
static void
confirm_get(struct rq *q)
{
	const char *tok = rq_mail_token(q, "news.nl.err.token");

	if (!tok)
		return;
	view_set_text(q->page, "token", tok);
	page(q, "news.nl.confirm_title", "news/confirm");
}

static void
confirm_post(struct rq *q)
{
	static const char sql[] =
		"UPDATE newsletter_subscriber SET state = 'confirmed', confirm_hash = NULL, "
		"consent_at = $3, consent_version = $4 WHERE tenant_id = $1 AND confirm_hash = $2 "
		"AND state = 'pending' AND confirm_expires > $3";
	int64_t changed = 0;
	char hash[65];
	int rc;

	if (!token_hash(q, http_form(q->http, "token"), hash))
		return;
	rc = db_run_count(q->db, &q->err, &changed, sql, DB_INT(q->tenant->id), DB_TEXT(hash),
			  DB_INT((int64_t)time(NULL)), DB_TEXT(NEWS_CONSENT_VERSION));
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (changed == 0) {
		rq_error(q, 404, "news.nl.err.token");
		return;
	}
	page(q, "news.nl.confirmed", "news/confirmed");
}

static const char *
unsub_token(struct rq *q)
{
	const char *tok = http_query(q->http, "token");

	return auth_token_ok(tok) ? tok : http_form(q->http, "token");
}

static void
unsub_get(struct rq *q)
{
	const char *tok = unsub_token(q);

	if (!token_ok(q, tok))
		return;
	view_set_text(q->page, "token", tok);
	page(q, "news.nl.unsubscribe", "news/unsubscribe");
}

/* RFC 8058: the POST of "List-Unsubscribe=One-Click" (or of our button) with the token. */
static void
unsub_post(struct rq *q)
{
	static const char sql[] =
		"UPDATE newsletter_subscriber SET state = 'unsubscribed', confirm_hash = NULL, "
		"unsubscribed_at = $3 WHERE tenant_id = $1 AND id = (SELECT subscriber_id FROM "
		"newsletter_unsub WHERE hash = $2) AND state <> 'unsubscribed'";
	int64_t n = 0;
	char hash[65];
	int rc;

	if (!token_hash(q, unsub_token(q), hash))
		return;
	rc = db_int64(q->db, &q->err, &n,
		      "SELECT count(*) FROM newsletter_unsub u JOIN newsletter_subscriber s ON "
		      "s.id = u.subscriber_id WHERE u.hash = $1 AND s.tenant_id = $2",
		      DB_TEXT(hash), DB_INT(q->tenant->id));
	if (rc == 0 && n == 0) {
		rq_error(q, 404, "news.nl.err.token");
		return;
	}
	if (rc == 0)
		rc = db_run(q->db, &q->err, sql, DB_INT(q->tenant->id), DB_TEXT(hash),
			    DB_INT((int64_t)time(NULL)));
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	page(q, "news.nl.unsubscribed", "news/unsubscribed");
}

void
news_letter_register(struct app *app)
{
	app_route(app, HTTP_GET, "/newsletter", form_get, 0, 0);
	app_route(app, HTTP_POST, "/newsletter", form_post, 0, 4096);
	app_route(app, HTTP_GET, "/newsletter/bestaetigen", confirm_get, 0, 0);
	app_route(app, HTTP_POST, "/newsletter/bestaetigen", confirm_post, 0, TOKEN_BODY_MAX);
	app_route(app, HTTP_GET, "/newsletter/abmelden", unsub_get, 0, 0);
	app_route(app, HTTP_POST, "/newsletter/abmelden", unsub_post, ROUTE_NO_CSRF,
		  TOKEN_BODY_MAX);
}
