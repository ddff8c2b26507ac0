/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of the account feature share. */
#ifndef RATHAUS_ACCT_INT_H
#define RATHAUS_ACCT_INT_H

#include "app/app.h"
#include "features/account/account.h"
#include "jobs/jobs.h"

#include <jansson.h>
#include <stdint.h>

/* The citizen's session cookie: "rh_" keeps pages with it out of the page cache. */
#define ACCT_COOKIE "rh_konto_sid"
#define ACCT_VERIFY_TTL_S (48 * 3600)
#define ACCT_RESET_TTL_S 3600
#define ACCT_SESSION_MAX_S (7 * 86400) /* however active, a session ends after this */
#define ACCT_MAILS_PER_HOUR 5	       /* mails to one address */
/* Between password and code: a row of citizen_mfa behind this cookie, no session. */
#define ACCT_MFA_COOKIE "rh_konto_mfa"
#define ACCT_MFA_TTL_S 300
#define ACCT_RECOVERY_LEN 19 /* XXXX-XXXX-XXXX-XXXX: 80 random bits in base32 */

struct citizen {
	int64_t id;
	const char *email;
	int64_t verified_at;
	int64_t created_at;
	const char *sid_hash; /* the session of this request */
	int trust_level;      /* what a provider asserted at this session's login, 0: none */
};

struct acct_session_row {
	const char *id_hash;
	const char *ip, *agent;
	int64_t created_at, seen_at;
};

struct acct_totp {
	char secret[ACCT_TOTP_SECRET_LEN + 1]; /* "" when switched off */
	char pending[ACCT_TOTP_SECRET_LEN + 1];
	int64_t step; /* the last step whose code was used */
};

struct acct_login_row {
	int64_t at;
	bool ok;
	const char *ip, *agent, *portal;
};

/* acct_store.c: every statement of the feature. */
int acct_find_login(struct db *db, const char *email, int64_t *id, char *hash, size_t n,
		    int64_t *verified_at, struct err *e);
int acct_create(struct db *db, const char *email, const char *hash, int64_t *id, struct err *e);
int acct_token_new(struct db *db, int64_t citizen_id, const char *purpose, const char *new_email,
		   int ttl_s, char *token, struct err *e);
/* Consume a token of `purpose` ("verify" also takes "email"): 0 or ERR_NOTFOUND. */
int acct_token_use(struct db *db, const char *token, const char *purpose, int64_t *citizen_id,
		   const char **purpose_out, const char **new_email, struct arena *a,
		   struct err *e);
int acct_token_peek(struct db *db, const char *token, const char *purpose, struct err *e);
int acct_verify(struct db *db, int64_t id, const char *new_email, struct err *e);
int acct_set_password(struct db *db, int64_t id, const char *hash, struct err *e);
int acct_session_new(struct db *db, int64_t citizen_id, const struct tenant *t, const char *ip,
		     const char *agent, int ttl_s, char *token, struct err *e);
int acct_session_load(struct db *db, const char *token, int ttl_s, struct arena *a,
		      struct citizen **out, struct err *e);
int acct_session_end(struct db *db, const char *id_hash, struct err *e);
int acct_login_log(struct db *db, int64_t citizen_id, bool ok, const struct tenant *t,
		   const char *ip, const char *agent, struct err *e);
/* The login history, newest first: every row when `all`, else the newest 100. */
int acct_logins(struct db *db, int64_t citizen_id, bool all, struct arena *a,
		struct acct_login_row **out, size_t *n, struct err *e);
/* Delete the account and, by cascade, everything that belongs to it. */
int acct_delete(struct db *db, int64_t id, struct err *e);
int acct_sessions_end_all(struct db *db, int64_t citizen_id, struct err *e);
int acct_sessions(struct db *db, int64_t citizen_id, struct arena *a, struct acct_session_row **out,
		  size_t *n, struct err *e);
/* Seconds until both `key` and `key2` (NULL: none) may try again (0: now). */
int acct_throttle_wait(struct db *db, const char *key, const char *key2, int64_t *wait_s,
		       struct err *e);
int acct_throttle_fail(struct db *db, const char *key, int free_fails, struct err *e);
int acct_throttle_clear(struct db *db, const char *key, struct err *e);
int acct_purge(struct db *db, int64_t now, struct err *e);
/* Two-factor login (acct_2fa.c). */
int acct_totp_get(struct db *db, int64_t id, struct acct_totp *t, struct err *e);
int acct_totp_set_pending(struct db *db, int64_t id, const char *secret, struct err *e);
/*
 * Switch on with the pending `secret` (ERR_NOTFOUND when it is no longer the
 * pending one or two-factor is on), the step of the confirming code used;
 * ten new recovery codes into `codes`, stored hashed.
 */
int acct_totp_enable(struct db *db, int64_t id, const char *secret, int64_t step,
		     char codes[][ACCT_RECOVERY_LEN + 1], struct err *e);
int acct_totp_disable(struct db *db, int64_t id, struct err *e);
/* Mark `step` used: 0, or ERR_NOTFOUND when it or a later one was used (replay). */
int acct_totp_use_step(struct db *db, int64_t id, int64_t step, struct err *e);
/* Use a recovery code once: 0 or ERR_NOTFOUND. */
int acct_recovery_use(struct db *db, int64_t id, const char *code, struct err *e);
int acct_recovery_left(struct db *db, int64_t id, int64_t *n, struct err *e);
int acct_mfa_new(struct db *db, int64_t id, const char *next, char *token, struct err *e);
/* The pending login of `token`; `consume` deletes it (once). 0 or ERR_NOTFOUND. */
int acct_mfa_load(struct db *db, const char *token, bool consume, int64_t *id, const char **next,
		  struct arena *a, struct err *e);

/*
 * Login through an OpenID Connect provider (acct_oidc*.c, docs/account.md).
 * A login under way is a row of citizen_oidc behind the cookie
 * ACCT_OIDC_COOKIE, as the code step of two-factor login is.
 */
#define ACCT_OIDC_COOKIE "rh_konto_oidc"
#define ACCT_OIDC_TTL_S 600
#define ACCT_OIDC_URL_MAX 500

/* The provider of a tenant, from its settings (borrowed from the tenant snapshot). */
struct acct_oidc_cfg {
	const char *issuer, *client_id, *secret, *name, *scopes;
};

/* The endpoints of the discovery document (in the request arena); end_session may be NULL. */
struct acct_oidc_meta {
	const char *authorize, *token, *jwks_uri, *end_session, *userinfo;
};

/* A row of citizen_oidc: before the callback state..next; after it, the identity to link. */
struct acct_oidc_pending {
	const char *state, *nonce, *verifier, *next;
	int64_t citizen_id; /* 0 before the callback */
	const char *issuer, *subject;
	int trust_level;
};

/* True when tenant `t` has a provider configured (issuer, client id and secret). */
bool acct_oidc_cfg(const struct tenant *t, struct acct_oidc_cfg *c);
/* https, or http to a loopback address; no spaces or control characters. */
bool acct_provider_url_ok(const char *url);
/* Documents of providers are kept this long in oidc_cache, for every instance. */
#define ACCT_PROVIDER_CACHE_S 3600
/* The body at `url` (200 only), from the cache unless older than `max_age` s; in q->a. */
int acct_provider_fetch(struct rq *q, const char *url, int64_t max_age, const char **body);
/* acct_oidc_fetch.c: the provider's discovery, keys and token endpoint; errors in q->err. */
int acct_oidc_meta(struct rq *q, const struct acct_oidc_cfg *c, struct acct_oidc_meta *m);
/* The key set (caller's reference); `fresh`: refetch unless fetched within a minute. */
int acct_oidc_jwks(struct rq *q, const struct acct_oidc_meta *m, bool fresh, json_t **out);
/* The UserInfo answer (OpenID Connect Core 5.3) for `access_token` (caller's reference). */
int acct_oidc_userinfo(struct rq *q, const struct acct_oidc_meta *m, const char *access_token,
		       json_t **out);
int acct_oidc_token(struct rq *q, const struct acct_oidc_cfg *c, const struct acct_oidc_meta *m,
		    const char *code, const char *verifier, const char *redirect_uri, json_t **out);
/* acct_oidc_store.c */
int acct_oidc_pending_new(struct db *db, const struct tenant *t, const struct acct_oidc_pending *p,
			  char *token, struct err *e);
/* The pending login of `token` on tenant `t`; `consume` deletes it (once).  0 or ERR_NOTFOUND. */
int acct_oidc_pending_load(struct db *db, const char *token, const struct tenant *t, bool consume,
			   struct arena *a, struct acct_oidc_pending *p, struct err *e);
int acct_identity_find(struct db *db, const struct tenant *t, const char *iss, const char *sub,
		       int64_t *citizen_id, struct err *e);
int acct_identity_add(struct db *db, const struct tenant *t, const char *iss, const char *sub,
		      int64_t citizen_id, struct err *e);
/* A confirmed account without a password, made at the first login through a provider. */
int acct_create_external(struct db *db, const char *email, int64_t *id, struct err *e);
int acct_session_trust(struct db *db, const char *token, int level, struct err *e);
int acct_provider_cache_get(struct db *db, const char *url, struct arena *a, const char **body,
			    int64_t *age, struct err *e);
int acct_provider_cache_put(struct db *db, const char *url, const char *body, struct err *e);
/*
 * acct_link.c: after a login checked by a provider (OpenID Connect or SAML),
 * log in the linked account, link an existing one after its password, or
 * make one.  The strings are borrowed for the call.
 */
struct acct_external {
	const char *issuer;  /* the provider: OIDC issuer or SAML IdP entity id */
	const char *subject; /* its identifier of the person */
	const char *email;   /* normalised, vouched for by the provider; NULL: none */
	int trust_level;     /* account_trust_level() of what the provider asserted */
};
void acct_link_finish(struct rq *q, const struct acct_external *x, const char *next);
/* The error page of a refused login (status, message key); the detail in q->err goes to the log. */
void acct_link_fail(struct rq *q, int status, const char *key);
void acct_register_oidc(struct app *app);
void acct_register_oidc_link(struct app *app);
/* The provider's button of the login page (oidc_name, oidc_url) when one is configured. */
void acct_oidc_button(struct rq *q);
/*
 * Login through a SAML identity provider (acct_saml*.c, docs/account.md).
 * A request sent is a row of citizen_saml behind a cookie, ACCT_SAML_TTL_S.
 */
#define ACCT_SAML_TTL_S 600
void acct_register_saml(struct app *app);
/* The IdP's button of the login page (saml_name, saml_url) when one is configured. */
void acct_saml_button(struct rq *q);
/* acct_saml_store.c: the key pair kept in the database (ERR_NOTFOUND: none yet). */
int acct_saml_key_load(struct db *db, struct arena *a, const char **key_pem, const char **cert_pem,
		       struct err *e);
/* Keep the pair unless one is kept already (then the other stays). */
int acct_saml_key_save(struct db *db, const char *key_pem, const char *cert_pem, struct err *e);
int acct_saml_pending_new(struct db *db, const struct tenant *t, const char *request_id,
			  const char *next, char *token, struct err *e);
/* The request behind cookie `token` on tenant `t` (in arena `a`): 0 or ERR_NOTFOUND. */
int acct_saml_pending_load(struct db *db, const char *token, const struct tenant *t,
			   struct arena *a, const char **request_id, const char **next,
			   struct err *e);
/* Admit assertion `id` of `issuer` once: 0, or ERR_CONFLICT when it was admitted before. */
int acct_saml_assertion_use(struct db *db, const char *issuer, const char *id, int64_t expires_at,
			    struct err *e);
/* The Argon2id hash of account `id` ("" for an account without a password), in arena `a`. */
int acct_password_hash(struct db *db, int64_t id, struct arena *a, const char **hash,
		       struct err *e);

/* acct_mail.c: compose and queue a mail of this feature, inside the caller's transaction. */
struct acct_mail_env {
	struct app *app;
	struct db *db;
	const struct tenant *t;
	const char *lang;
	struct arena *a;
};
int acct_mail_to(const struct acct_mail_env *env, const char *tpl, const char *to, const char *path,
		 struct err *e);
int acct_mail(struct rq *q, const char *tpl, const char *to, const char *path, struct err *e);
/* False when `to` got ACCT_MAILS_PER_HOUR mails this hour (then none is sent). */
bool acct_mail_quota(struct db *db, const char *to, struct arena *a);
bool acct_mail_allowed(struct rq *q, const char *to);
/* acct_reset.c: the job that sends the reset link, so every address answers alike. */
extern const struct job_kind acct_reset_kind;

/* acct_web.c and acct_self.c: the pages. */
const struct acct_pwlist *acct_list(struct rq *q);
/* The logged-in citizen or NULL; ERR_DB is answered (then *done is set). */
struct citizen *acct_current(struct rq *q);
/* The logged-in citizen with a confirmed address, or NULL after redirecting to the login. */
struct citizen *acct_require(struct rq *q);
/* Common start of every /konto page: the tenant session for the form token, no-store. */
bool acct_begin(struct rq *q);
/* A redirect that is not cached (no-store), as every answer of /konto. */
void acct_redirect(struct rq *q, const char *path);
/* Drop the account cookie and redirect (no-store): after logout, deletion, a new password. */
void acct_signed_out(struct rq *q, const char *path);
void acct_page(struct rq *q, int status, const char *title_key, const char *tpl);
/* Argon2id of `pw` into hash (crypto_pwhash_STRBYTES); 0 or ERR_INTERNAL. */
int acct_hash(const char *pw, char *hash, struct err *e);
bool acct_hash_ok(const char *hash, const char *pw);
/* Per-IP requests of one kind per minute (login_rate); false after answering 429. */
bool acct_ip_limit(struct rq *q, const char *kind);
void acct_too_many(struct rq *q, int64_t wait_s);
void acct_set_cookie(struct rq *q, const char *value, int64_t max_age);
void acct_cookie(struct rq *q, const char *name, const char *value, int64_t max_age);
/* The citizen's session after the last step of a login (new ids, no fixation). */
int acct_login_start(struct rq *q, int64_t id);
/* The same with the trust level (0 to 4) a provider asserted. */
int acct_login_start_level(struct rq *q, int64_t id, int level);
/* After the password of an account with two-factor: the code step, no session yet. */
void acct_mfa_begin(struct rq *q, int64_t id, const char *next);
void acct_register_2fa(struct app *app);
void acct_register_privacy(struct app *app);
const char *acct_safe_next(const char *next);
/* Where to go after the login: `next` of the form, else of the query, made safe. */
const char *acct_next(struct rq *q);
/*
 * Render account page `tpl` with status, title and, unless NULL, the
 * message `error_key` as the form's error.
 */
void acct_page_error(struct rq *q, int status, const char *error_key, const char *title_key,
		     const char *tpl);
/*
 * The login page's button of a login provider: page values "<id>_name"
 * (`name`) and "<id>_url" (`start`, a path, with the login's next page).
 */
void acct_provider_button(struct rq *q, const char *id, const char *name, const char *start);
void acct_register_web(struct app *app);
void acct_register_self(struct app *app);
void acct_register_reset(struct app *app);

#endif
