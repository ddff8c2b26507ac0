/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Password reset: the form asks for the address and answers the same for
 * every address; a known one gets a link valid for an hour, used once.
 * Opening the link shows a form; only sending it uses the token, so a mail
 * scanner that follows links spends nothing.  A new password ends every
 * session of the account and confirms the address.
 */
#include "features/account/acct_int.h"

#include "db/db.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <jansson.h>
#include <stdlib.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void
forgot_page(struct rq *q, int status, const char *error_key)
{
	if (http_query(q->http, "gesendet"))
		view_set_text(q->page, "notice", rq_msg(q, "account.notice.reset"));
	view_set_text(q->page, "email", http_form(q->http, "email"));
	acct_page_error(q, status, error_key, "account.forgot.title", "forgot");
}

static void
forgot_get(struct rq *q)
{
	if (acct_begin(q))
		forgot_page(q, 200, NULL);
}

/*
 * The reset mail, made by a job: the request only queues it, so the answer
 * takes as long for a known address as for an unknown one.
 */
static int
reset_send(struct job_run *r, struct app *app, const struct tenant *t, const char *email,
	   const char *lang, struct arena *a, struct err *e)
{
	struct acct_mail_env env = {app, r->db, t, lang, a};
	char hash[crypto_pwhash_STRBYTES], token[AUTH_TOKEN_LEN + 1];
	int64_t id = 0, verified = 0;
	int rc = acct_find_login(r->db, email, &id, hash, sizeof(hash), &verified, e);

	if (rc || !id || !acct_mail_quota(r->db, email, a))
		return rc;
	rc = db_begin(r->db, e);
	if (rc)
		return rc;
	rc = acct_token_new(r->db, id, "reset", NULL, ACCT_RESET_TTL_S, token, e);
	if (rc == 0)
		rc = acct_mail_to(&env, "account_reset", email,
				  arena_printf(a, "/konto/passwort-neu/%s", token), e);
	rc = db_end(r->db, rc, e);
	if (rc == 0)
		jobs_nudge(app->jobs);
	return rc;
}

static int
reset_run(struct job_run *r, struct err *e)
{
	struct app *app = r->ctx;
	json_t *p = json_loads(r->payload, 0, NULL);
	const char *email = json_string_value(json_object_get(p, "email"));
	const char *lang = json_string_value(json_object_get(p, "lang"));
	const char *slug = json_string_value(json_object_get(p, "tenant"));
	const struct tenant *t = NULL;
	struct arena a;
	int rc = 0;

	arena_init(&a);
	if (!email || !lang || !slug) {
		r->give_up = true;
		rc = err_set(e, ERR_INVALID, NULL, "account.reset: bad payload");
	}
	if (rc == 0)
		rc = tenant_cache_by_slug(app->tenants, r->db, slug, &a, &t, e);
	if (rc == ERR_NOTFOUND) /* the tenant is gone: nothing to link to */
		rc = 0;
	else if (rc == 0)
		rc = reset_send(r, app, t, email, lang, &a, e);
	arena_release(&a);
	json_decref(p);
	return rc;
}

const struct job_kind acct_reset_kind = {
	.name = "account.reset",
	.run = reset_run,
	.max_attempts = 5,
	.lease_s = 120,
	.backoff_s = 10,
};

static void
forgot_post(struct rq *q)
{
	char email[ACCT_EMAIL_MAX + 1];
	json_t *p;
	char *text;
	int rc;

	if (!acct_begin(q) || !acct_ip_limit(q, "reset"))
		return;
	if (!acct_email_norm(http_form(q->http, "email"), email, sizeof(email))) {
		forgot_page(q, 422, "account.bad_email");
		return;
	}
	p = json_pack("{s:s, s:s, s:s}", "email", email, "lang", q->lang, "tenant",
		      q->tenant->slug);
	text = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	rc = text ? job_enqueue(q->db, acct_reset_kind.name, q->tenant->id, text, 0, NULL, &q->err)
		  : ERR_INTERNAL;
	free(text);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	jobs_nudge(q->app->jobs);
	acct_redirect(q, "/konto/passwort-vergessen?gesendet=1");
}

static void
link_invalid(struct rq *q)
{
	view_set_text(q->page, "message", rq_msg(q, "account.link_invalid"));
	acct_page(q, 410, "account.link_invalid_title", "done");
}

static void
reset_page(struct rq *q, int status, const char *error_key)
{
	view_set_text(q->page, "action",
		      rq_url(q, arena_printf(q->a, "/konto/passwort-neu/%s",
					     http_param(q->http, "token"))));
	acct_page_error(q, status, error_key, "account.reset.title", "reset");
}

static void
reset_get(struct rq *q)
{
	int rc;

	if (!acct_begin(q))
		return;
	rc = acct_token_peek(q->db, http_param(q->http, "token"), "reset", &q->err);
	if (rc == ERR_NOTFOUND)
		link_invalid(q);
	else if (rc)
		rq_fail(q, rc);
	else
		reset_page(q, 200, NULL);
}

static void
reset_post(struct rq *q)
{
	const char *pw = http_form(q->http, "password"), *pw2 = http_form(q->http, "password2");
	char hash[crypto_pwhash_STRBYTES];
	const char *bad;
	int64_t id = 0;
	int rc;

	if (!acct_begin(q))
		return;
	bad = acct_password_check(acct_list(q), pw, NULL);
	if (!bad && pw2 && strcmp(pw, pw2) != 0)
		bad = "account.pw_mismatch";
	if (bad) {
		rc = acct_token_peek(q->db, http_param(q->http, "token"), "reset", &q->err);
		if (rc == 0)
			reset_page(q, 422, bad);
		else if (rc == ERR_NOTFOUND)
			link_invalid(q);
		else
			rq_fail(q, rc);
		return;
	}
	rc = acct_hash(pw, hash, &q->err);
	if (rc == 0)
		rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = acct_token_use(q->db, http_param(q->http, "token"), "reset", &id, NULL, NULL,
				    q->a, &q->err);
		if (rc == 0)
			rc = acct_set_password(q->db, id, hash, &q->err);
		if (rc == 0)
			rc = acct_sessions_end_all(q->db, id, &q->err);
		rc = db_end(q->db, rc, &q->err);
	}
	if (rc == ERR_NOTFOUND) {
		link_invalid(q);
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_signed_out(q, "/konto/anmelden?neu=1");
}

void
acct_register_reset(struct app *app)
{
	app_route(app, HTTP_GET, "/konto/passwort-vergessen", forgot_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/passwort-vergessen", forgot_post, 0, 16 * 1024);
	app_route(app, HTTP_GET, "/konto/passwort-neu/:token", reset_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/passwort-neu/:token", reset_post, 0, 16 * 1024);
}
