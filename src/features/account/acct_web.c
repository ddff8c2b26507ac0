/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Registration, address verification, login and logout.  Every answer that
 * involves an address is the same whether an account exists: registering a
 * known address answers as a new one does (the mail differs), and a failed
 * login runs Argon2id against a dummy hash when the address is unknown.
 */
#include "features/account/acct_int.h"

#include "core/log.h"
#include "db/db.h"
#include "jobs/jobs.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define FREE_FAILS_ADDRESS 5
#define FREE_FAILS_IP 20

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	struct err e = {0};

	if (acct_hash("not the password of anyone", dummy_hash, &e) != 0)
		dummy_hash[0] = '\0';
}

int
acct_hash(const char *pw, char *hash, struct err *e)
{
	if (crypto_pwhash_str(hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, ERR_INTERNAL, NULL, "argon2id hashing ran out of memory");
	return 0;
}

bool
acct_hash_ok(const char *hash, const char *pw)
{
	pthread_once(&dummy_once, dummy_init);
	if (!hash || !hash[0])
		hash = dummy_hash;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

const char *
acct_safe_next(const char *next)
{
	return rq_safe_next(next, "/konto");
}

const char *
acct_next(struct rq *q)
{
	const char *next = http_form(q->http, "next");

	return acct_safe_next(next ? next : http_query(q->http, "next"));
}

void
acct_provider_button(struct rq *q, const char *id, const char *name, const char *start)
{
	view_set_text(q->page, arena_printf(q->a, "%s_name", id), name);
	view_set_text(
		q->page, arena_printf(q->a, "%s_url", id),
		rq_url(q, arena_printf(q->a, "%s?next=%s", start, rq_urlencode(q, acct_next(q)))));
}

void
acct_cookie(struct rq *q, const char *name, const char *value, int64_t max_age)
{
	unsigned flags = HTTP_COOKIE_HTTPONLY | HTTP_COOKIE_LAX;

	if (q->http->https || strncmp(q->app->cfg.public_url, "https:", 6) == 0)
		flags |= HTTP_COOKIE_SECURE;
	http_set_cookie(q->http, q->resp, name, value, max_age, flags);
}

void
acct_set_cookie(struct rq *q, const char *value, int64_t max_age)
{
	acct_cookie(q, ACCT_COOKIE, value, max_age);
}

bool
acct_begin(struct rq *q)
{
	return rq_form_session(q);
}

void
acct_page(struct rq *q, int status, const char *title_key, const char *tpl)
{
	view_set_text(q->page, "title", rq_msg(q, title_key));
	q->resp->status = status;
	rq_render(q, arena_printf(q->a, "account/%s", tpl));
}

void
acct_page_error(struct rq *q, int status, const char *error_key, const char *title_key,
		const char *tpl)
{
	if (error_key)
		view_set_text(q->page, "error", rq_msg(q, error_key));
	acct_page(q, status, title_key, tpl);
}

void
acct_too_many(struct rq *q, int64_t wait_s)
{
	rq_error(q, 429, "account.too_many");
	if (wait_s > 60) /* rq_error said 60 */
		log_info("rid=%s account throttled for %lld s", q->http->id, (long long)wait_s);
}

bool
acct_ip_limit(struct rq *q, const char *kind)
{
	const char *bucket = arena_printf(q->a, "acct-%s:%s", kind, q->http->client_ip);
	int rc = ratelimit_hit(q->db, bucket, 60, q->app->cfg.login_rate, &q->err);

	if (rc == ERR_RATELIMIT)
		acct_too_many(q, 60);
	else if (rc)
		rq_fail(q, rc);
	return rc == 0;
}

struct citizen *
acct_current(struct rq *q)
{
	const char *token = http_cookie(q->http, ACCT_COOKIE);
	struct citizen *c = NULL;
	int rc;

	if (!token)
		return NULL;
	rc = acct_session_load(q->db, token, q->app->cfg.session_ttl_s, q->a, &c, &q->err);
	if (rc && rc != ERR_NOTFOUND)
		rq_log_failure(q, rc);
	return rc ? NULL : c;
}

bool
account_citizen(struct rq *q, int64_t *id, const char **email)
{
	struct citizen *c = acct_current(q);

	if (!c || !c->verified_at)
		return false;
	*id = c->id;
	*email = c->email;
	return true;
}

int64_t
account_citizen_or_login(struct rq *q, const char *back)
{
	const char *email = NULL;
	int64_t citizen = 0;

	http_resp_header(q->http, q->resp, "Cache-Control", "private, no-store");
	if (account_citizen(q, &citizen, &email))
		return citizen;
	rq_redirect(q, arena_printf(q->a, "/konto/anmelden?next=%s", rq_urlencode(q, back)));
	return 0;
}

void
account_crumbs(struct rq *q, const char *title_key)
{
	rq_crumbs(q, "account.title", "/konto", rq_msg(q, title_key));
}

void
account_mine_render(struct rq *q, const char *title_key, const char *tpl)
{
	account_crumbs(q, title_key);
	view_set_text(q->page, "title", rq_msg(q, title_key));
	rq_render(q, tpl);
}

int
account_trust(struct rq *q)
{
	struct citizen *c = acct_current(q);

	return c && c->verified_at ? c->trust_level : -1;
}

void
acct_redirect(struct rq *q, const char *path)
{
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	rq_redirect(q, path);
}

void
acct_signed_out(struct rq *q, const char *path)
{
	acct_set_cookie(q, "", 0);
	acct_redirect(q, path);
}

static void
form_page(struct rq *q, int status, const char *error_key, const char *title, const char *tpl)
{
	view_set_text(q->page, "email", http_form(q->http, "email"));
	view_set_text(q->page, "next", acct_next(q));
	for (const char *const *k =
		     (const char *const[]){"abgemeldet", "neu", "gesendet", "geloescht", NULL};
	     *k; k++)
		if (http_query(q->http, *k))
			view_set_text(q->page, "notice",
				      rq_msg(q, arena_printf(q->a, "account.notice.%s", *k)));
	if (strcmp(tpl, "login") == 0) {
		acct_oidc_button(q);
		acct_saml_button(q);
		if (view_get(q->page, "oidc_url") || view_get(q->page, "saml_url"))
			view_set_text(q->page, "providers", "1");
	}
	acct_page_error(q, status, error_key, title, tpl);
}

static void
register_get(struct rq *q)
{
	if (acct_begin(q))
		form_page(q, 200, NULL, "account.register.title", "register");
}

static void
register_sent(struct rq *q)
{
	if (acct_begin(q))
		acct_page(q, 200, "account.register.title", "register_sent");
}

static const char *
register_problem(struct rq *q, const char *email_in, char *email, size_t n)
{
	const char *pw = http_form(q->http, "password"), *pw2 = http_form(q->http, "password2");

	if (!acct_email_norm(email_in, email, n))
		return "account.bad_email";
	if (acct_password_check(acct_list(q), pw, email))
		return acct_password_check(acct_list(q), pw, email);
	if (pw2 && strcmp(pw, pw2) != 0)
		return "account.pw_mismatch";
	return NULL;
}

/* The new account's verification link, or for a known address a pointer to the reset. */
static int
register_mail(struct rq *q, const char *email, int64_t id)
{
	char token[AUTH_TOKEN_LEN + 1];
	int rc;

	if (!acct_mail_allowed(q, email))
		return 0;
	if (!id)
		return acct_mail(q, "account_exists", email, "/konto/passwort-vergessen", &q->err);
	rc = acct_token_new(q->db, id, "verify", NULL, ACCT_VERIFY_TTL_S, token, &q->err);
	if (rc == 0)
		rc = acct_mail(q, "account_verify", email,
			       arena_printf(q->a, "/konto/bestaetigen/%s", token), &q->err);
	return rc;
}

static void
register_post(struct rq *q)
{
	char email[ACCT_EMAIL_MAX + 1], hash[crypto_pwhash_STRBYTES];
	const char *bad;
	int64_t id = 0;
	int rc;

	if (!acct_begin(q) || !acct_ip_limit(q, "register"))
		return;
	bad = register_problem(q, http_form(q->http, "email"), email, sizeof(email));
	if (bad) {
		form_page(q, 422, bad, "account.register.title", "register");
		return;
	}
	/* Hashed for known addresses too, so both answers take as long. */
	rc = acct_hash(http_form(q->http, "password"), hash, &q->err);
	if (rc == 0)
		rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = acct_create(q->db, email, hash, &id, &q->err);
		if (rc == 0)
			rc = register_mail(q, email, id);
		rc = db_end(q->db, rc, &q->err);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	jobs_nudge(q->app->jobs);
	acct_redirect(q, "/konto/registrieren/gesendet");
}

static void
verify_get(struct rq *q)
{
	const char *purpose = "", *new_email = "";
	int64_t id = 0;
	int rc;

	if (!acct_begin(q))
		return;
	rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = acct_token_use(q->db, http_param(q->http, "token"), "verify", &id, &purpose,
				    &new_email, q->a, &q->err);
		if (rc == 0)
			rc = acct_verify(q->db, id,
					 strcmp(purpose, "email") == 0 ? new_email : NULL, &q->err);
		/* The new address was taken meanwhile: the link no longer works. */
		rc = db_end(q->db, rc == ERR_CONFLICT ? ERR_NOTFOUND : rc, &q->err);
	}
	if (rc == ERR_NOTFOUND || rc == ERR_INVALID) {
		view_set_text(q->page, "message", rq_msg(q, "account.link_invalid"));
		acct_page(q, 410, "account.link_invalid_title", "done");
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "message",
		      rq_msg(q, strcmp(purpose, "email") == 0 ? "account.email_changed"
							      : "account.verified"));
	acct_page(q, 200, "account.verified_title", "done");
}

static void
login_get(struct rq *q)
{
	if (acct_begin(q))
		form_page(q, 200, NULL, "account.login.title", "login");
}

/* A new session id at every login (no fixation), and a new form token. */
int
acct_login_start(struct rq *q, int64_t id)
{
	return acct_login_start_level(q, id, 0);
}

int
acct_login_start_level(struct rq *q, int64_t id, int level)
{
	char token[AUTH_TOKEN_LEN + 1];
	struct citizen *old = acct_current(q);
	struct session *s = NULL;
	int rc = 0;

	if (old)
		rc = acct_session_end(q->db, old->sid_hash, &q->err);
	if (rc == 0)
		rc = acct_session_new(q->db, id, q->tenant, q->http->client_ip,
				      http_header(q->http, "User-Agent"), q->app->cfg.session_ttl_s,
				      token, &q->err);
	if (rc == 0 && level > 0)
		rc = acct_session_trust(q->db, token, level, &q->err);
	if (rc == 0)
		rc = rq_session(q, false, &s);
	if (rc == 0)
		rc = rq_session_renew(q, s->user_id);
	if (rc == 0)
		acct_set_cookie(q, token, -1);
	return rc;
}

/*
 * Argon2id has run (against a dummy hash for an unknown address): note the
 * try in the login history of a known account.
 */
static int
login_record(struct rq *q, int64_t id, bool good, bool *ok)
{
	*ok = good && id;
	if (!id)
		return 0;
	return acct_login_log(q->db, id, *ok, q->tenant, q->http->client_ip,
			      http_header(q->http, "User-Agent"), &q->err);
}

static int
resend_verify(struct rq *q, int64_t id, const char *email)
{
	int rc = db_begin(q->db, &q->err);

	if (rc == 0)
		rc = db_end(q->db, register_mail(q, email, id), &q->err);
	if (rc == 0)
		jobs_nudge(q->app->jobs);
	return rc;
}

static void
login_post(struct rq *q)
{
	const char *pw = http_form(q->http, "password");
	char email[ACCT_EMAIL_MAX + 1] = "", hash[crypto_pwhash_STRBYTES] = "", eh[65], akey[70];
	char ikey[80];
	int64_t id = 0, verified = 0, wait = 0;
	struct acct_totp totp = {0};
	bool ok = false, good = false;
	int rc;

	if (!acct_begin(q) || !acct_ip_limit(q, "login"))
		return;
	if (!pw || !pw[0] || !http_form(q->http, "email") || !http_form(q->http, "email")[0]) {
		form_page(q, 422, "account.login_missing", "account.login.title", "login");
		return;
	}
	/* An address that is no address is simply unknown. */
	(void)acct_email_norm(http_form(q->http, "email"), email, sizeof(email));
	auth_token_hash(email, eh);
	snprintf(akey, sizeof(akey), "a:%s", eh);
	snprintf(ikey, sizeof(ikey), "i:%s", q->http->client_ip);
	rc = acct_throttle_wait(q->db, akey, ikey, &wait, &q->err);
	if (rc == 0 && wait > 0) {
		acct_too_many(q, wait);
		return;
	}
	if (rc == 0 && email[0])
		rc = acct_find_login(q->db, email, &id, hash, sizeof(hash), &verified, &q->err);
	if (rc == 0) /* Argon2id runs for every address, known or not */
		good = acct_hash_ok(id ? hash : NULL, pw);
	if (rc == 0 && good && id && verified)
		rc = acct_totp_get(q->db, id, &totp, &q->err);
	/* With two-factor on, the history notes the try at the code step. */
	if (rc == 0 && good && totp.secret[0])
		ok = true;
	else if (rc == 0)
		rc = login_record(q, id, good, &ok);
	if (rc == 0 && !ok) {
		rc = acct_throttle_fail(q->db, akey, FREE_FAILS_ADDRESS, &q->err);
		if (rc == 0)
			rc = acct_throttle_fail(q->db, ikey, FREE_FAILS_IP, &q->err);
		if (rc == 0) {
			form_page(q, 401, "account.login_failed", "account.login.title", "login");
			return;
		}
	}
	if (rc == 0)
		rc = acct_throttle_clear(q->db, akey, &q->err);
	if (rc == 0 && !verified) {
		rc = resend_verify(q, id, email);
		if (rc == 0) {
			acct_page(q, 403, "account.unverified_title", "unverified");
			return;
		}
	}
	if (rc == 0 && totp.secret[0]) {
		acct_mfa_begin(q, id, acct_safe_next(http_form(q->http, "next")));
		return;
	}
	if (rc == 0)
		rc = acct_login_start(q, id);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_redirect(q, acct_safe_next(http_form(q->http, "next")));
}

static void
logout_post(struct rq *q)
{
	struct citizen *c = acct_current(q);
	int rc = c ? acct_session_end(q->db, c->sid_hash, &q->err) : 0;

	if (rc) { /* the session lives on: do not say that it ended */
		rq_fail(q, rc);
		return;
	}
	acct_signed_out(q, "/konto/anmelden?abgemeldet=1");
}

void
acct_register_web(struct app *app)
{
	app_route(app, HTTP_GET, "/konto/registrieren", register_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/registrieren", register_post, 0, 16 * 1024);
	app_route(app, HTTP_GET, "/konto/registrieren/gesendet", register_sent, 0, 0);
	app_route(app, HTTP_GET, "/konto/bestaetigen/:token", verify_get, 0, 0);
	app_route(app, HTTP_GET, "/konto/anmelden", login_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/anmelden", login_post, 0, 16 * 1024);
	app_route(app, HTTP_POST, "/konto/abmelden", logout_post, 0, 4096);
}
