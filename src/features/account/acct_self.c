/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The citizen's own page /konto: the address, the active sessions with
 * "log out everywhere", and the change of address, which takes effect only
 * when the link mailed to the new address is opened.
 */
#include "features/account/acct_int.h"

#include "app/rq_rows.h"
#include "core/civil.h"
#include "db/db.h"
#include "jobs/jobs.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *
when(struct rq *q, int64_t utc)
{
	char buf[CIVIL_DATETIME_LEN + 1];

	civil_utc_to_local(utc, false, buf);
	return arena_strdup(q->a, buf);
}

/* The logged-in citizen, or NULL after sending the visitor to the login. */
struct citizen *
acct_require(struct rq *q)
{
	struct citizen *c;

	if (!acct_begin(q))
		return NULL;
	c = acct_current(q);
	if (!c || !c->verified_at) {
		acct_redirect(
			q, arena_printf(q->a, "/konto/anmelden?next=%s", rq_urlencode(q, q->path)));
		return NULL;
	}
	return c;
}

static int
sessions_val(struct rq *q, const struct citizen *c)
{
	struct acct_session_row *v = NULL;
	struct view_val *l;
	size_t n = 0;
	int rc = acct_sessions(q->db, c->id, q->a, &v, &n, &q->err);

	if (rc)
		return rc;
	l = view_set(q->page, "sessions", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "created", when(q, v[i].created_at));
		view_set_text(m, "seen", when(q, v[i].seen_at));
		view_set_text(m, "ip", v[i].ip);
		view_set_text(m, "agent", v[i].agent[0] ? v[i].agent : "–");
		view_set_bool(m, "current", strcmp(v[i].id_hash, c->sid_hash) == 0);
	}
	view_set_int(q->page, "n_sessions", (int64_t)n);
	return 0;
}

static void
account_page(struct rq *q, const struct citizen *c, int status, const char *error_key)
{
	struct acct_totp t;
	int rc = sessions_val(q, c);

	if (rc == 0)
		rc = acct_totp_get(q->db, c->id, &t, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "address", c->email);
	view_set_text(q->page, "since", when(q, c->created_at));
	view_set_bool(q->page, "totp_on", t.secret[0] != '\0');
	view_set(q->page, "links", rq_account_links(q));
	if (http_query(q->http, "email"))
		view_set_text(q->page, "notice", rq_msg(q, "account.notice.email"));
	if (http_query(q->http, "zwei-faktor"))
		view_set_text(q->page, "notice", rq_msg(q, "account.totp.off_done"));
	view_set_text(q->page, "new_email", http_form(q->http, "email"));
	acct_page_error(q, status, error_key, "account.title", "account");
}

static void
account_get(struct rq *q)
{
	struct citizen *c = acct_require(q);

	if (c)
		account_page(q, c, 200, NULL);
}

static void
logins_get(struct rq *q)
{
	struct citizen *c = acct_require(q);
	struct acct_login_row *v = NULL;
	struct view_val *l;
	size_t n = 0;
	int rc;

	if (!c)
		return;
	rc = acct_logins(q->db, c->id, false, q->a, &v, &n, &q->err);
	l = rq_page_list(q, rc, "logins");
	if (!l)
		return;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "when", when(q, v[i].at));
		view_set_text(m, "result",
			      rq_msg(q, v[i].ok ? "account.logins.ok" : "account.logins.failed"));
		view_set_bool(m, "failed", !v[i].ok);
		view_set_text(m, "portal", v[i].portal[0] ? v[i].portal : "–");
		view_set_text(m, "ip", v[i].ip);
		view_set_text(m, "agent", v[i].agent[0] ? v[i].agent : "–");
	}
	acct_page(q, 200, "account.logins.title", "logins");
}

/* The mails of a change of address: a link to the new one, a notice to the old one. */
static int
email_mails(struct rq *q, const struct citizen *c, const char *to)
{
	char token[AUTH_TOKEN_LEN + 1], hash[crypto_pwhash_STRBYTES];
	int64_t other = 0, verified = 0;
	int rc = acct_find_login(q->db, to, &other, hash, sizeof(hash), &verified, &q->err);

	if (rc || !acct_mail_allowed(q, to))
		return rc;
	if (other) /* taken: tell that address, and nothing here */
		return acct_mail(q, "account_email_taken", to, "/konto/passwort-vergessen",
				 &q->err);
	rc = acct_token_new(q->db, c->id, "email", to, ACCT_VERIFY_TTL_S, token, &q->err);
	if (rc == 0)
		rc = acct_mail(q, "account_email_verify", to,
			       arena_printf(q->a, "/konto/bestaetigen/%s", token), &q->err);
	if (rc == 0 && acct_mail_allowed(q, c->email))
		rc = acct_mail(q, "account_email_notice", c->email, "/konto", &q->err);
	return rc;
}

static void
email_post(struct rq *q)
{
	char to[ACCT_EMAIL_MAX + 1], hash[crypto_pwhash_STRBYTES] = "";
	const char *pw = http_form(q->http, "password");
	struct citizen *c = acct_require(q);
	int64_t id = 0, verified = 0;
	int rc;

	if (!c || !acct_ip_limit(q, "email"))
		return;
	if (!acct_email_norm(http_form(q->http, "email"), to, sizeof(to))) {
		account_page(q, c, 422, "account.bad_email");
		return;
	}
	if (strcmp(to, c->email) == 0) {
		account_page(q, c, 422, "account.email_same");
		return;
	}
	rc = acct_find_login(q->db, c->email, &id, hash, sizeof(hash), &verified, &q->err);
	if (rc == 0 && (!pw || !id || !acct_hash_ok(hash, pw))) {
		account_page(q, c, 422, "account.password_wrong");
		return;
	}
	if (rc == 0)
		rc = db_begin(q->db, &q->err);
	if (rc == 0)
		rc = db_end(q->db, email_mails(q, c, to), &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	jobs_nudge(q->app->jobs);
	acct_redirect(q, "/konto?email=gesendet");
}

static void
everywhere_post(struct rq *q)
{
	struct citizen *c = acct_require(q);
	int rc;

	if (!c)
		return;
	rc = acct_sessions_end_all(q->db, c->id, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_signed_out(q, "/konto/anmelden?abgemeldet=1");
}

void
acct_register_self(struct app *app)
{
	app_route(app, HTTP_GET, "/konto", account_get, 0, 0);
	app_route(app, HTTP_GET, "/konto/anmeldungen", logins_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/email", email_post, 0, 16 * 1024);
	app_route(app, HTTP_POST, "/konto/ueberall-abmelden", everywhere_post, 0, 4096);
}
