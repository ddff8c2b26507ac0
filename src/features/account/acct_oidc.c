/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Login through an OpenID Connect provider: the authorization code flow
 * with PKCE (RFC 7636, S256), OpenID Connect Core 1.0 section 3.1.
 *
 * /konto/oidc/start makes state, nonce and code verifier, keeps them in a
 * row of citizen_oidc behind a ten-minute cookie and sends the browser to
 * the provider.  /konto/oidc/callback takes that row once (a second call
 * with the same cookie finds nothing), compares state, redeems the code with
 * the verifier and client_secret_basic, and checks the ID token
 * (core/jwt.h: signature by the provider's key, iss, aud, exp, iat, nonce).
 * Any failure ends on an error page without a session; the reason goes to
 * the log only.  What follows a good token is in acct_oidc_link.c.
 */
#include "features/account/acct_int.h"

#include "core/jwt.h"
#include "db/db.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

bool
acct_oidc_cfg(const struct tenant *t, struct acct_oidc_cfg *c)
{
	if (!t)
		return false;
	c->issuer = tenant_setting_str(t, TSET_OIDC_ISSUER);
	c->client_id = tenant_setting_str(t, TSET_OIDC_CLIENT_ID);
	c->secret = tenant_setting_str(t, TSET_OIDC_CLIENT_SECRET);
	c->name = tenant_setting_str(t, TSET_OIDC_NAME);
	c->scopes = tenant_setting_str(t, TSET_OIDC_SCOPES);
	return acct_provider_url_ok(c->issuer) && c->client_id[0] && c->secret[0];
}

void
acct_oidc_button(struct rq *q)
{
	struct acct_oidc_cfg c;

	if (acct_oidc_cfg(q->tenant, &c))
		acct_provider_button(q, "oidc", c.name[0] ? c.name : c.issuer, "/konto/oidc/start");
}

/* Whether the `o` bytes of `list` (words one space apart) hold the word w[0..n). */
static bool
has_word(const char *list, size_t o, const char *w, size_t n)
{
	for (size_t i = 0; i + n <= o; i += strcspn(list + i, " ") + 1)
		if (strncmp(list + i, w, n) == 0 && (i + n == o || list[i + n] == ' '))
			return true;
	return false;
}

/* "openid" and the configured scopes, one space apart, each once (RFC 6749 3.3). */
static const char *
scopes(struct rq *q, const char *conf)
{
	char *out = arena_alloc(q->a, strlen(conf) + sizeof("openid") + 2);
	size_t o = strlen("openid");

	memcpy(out, "openid", o + 1);
	while (*conf) {
		size_t n = strcspn(conf, " ");

		if (n && !has_word(out, o, conf, n)) {
			out[o++] = ' ';
			memcpy(out + o, conf, n);
			o += n;
			out[o] = '\0';
		}
		conf += n + (conf[n] == ' ');
	}
	return out;
}

static const char *
redirect_uri(struct rq *q)
{
	return rq_abs_url(q, "/konto/oidc/callback");
}

/* RFC 7636 4.2: the challenge is BASE64URL(SHA256(verifier)). */
static const char *
challenge(struct rq *q, const char *verifier)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *out = arena_alloc(q->a, 64);

	crypto_hash_sha256(h, (const unsigned char *)verifier, strlen(verifier));
	jwt_b64url_encode(h, sizeof(h), out, 64);
	return out;
}

/* The start of both steps: the session, the rate limit and the tenant's settings (or a 404). */
static bool
begin(struct rq *q, struct acct_oidc_cfg *c)
{
	if (!acct_begin(q) || !acct_ip_limit(q, "oidc"))
		return false;
	if (acct_oidc_cfg(q->tenant, c))
		return true;
	rq_error(q, 404, NULL);
	return false;
}

static void
start_get(struct rq *q)
{
	char state[AUTH_TOKEN_LEN + 1], nonce[AUTH_TOKEN_LEN + 1], verifier[AUTH_TOKEN_LEN + 1];
	char cookie[AUTH_TOKEN_LEN + 1];
	struct acct_oidc_pending p = {.issuer = "", .subject = ""};
	struct acct_oidc_cfg c;
	struct acct_oidc_meta m = {0};
	const char *url;
	int rc;

	if (!begin(q, &c))
		return;
	rc = acct_oidc_meta(q, &c, &m);
	if (rc) {
		acct_link_fail(q, 502, "account.oidc.unavailable");
		return;
	}
	auth_token(state);
	auth_token(nonce);
	auth_token(verifier); /* 43 characters of base64url: RFC 7636 4.1 */
	p.state = state;
	p.nonce = nonce;
	p.verifier = verifier;
	p.next = acct_safe_next(http_query(q->http, "next"));
	rc = acct_oidc_pending_new(q->db, q->tenant, &p, cookie, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_cookie(q, ACCT_OIDC_COOKIE, cookie, ACCT_OIDC_TTL_S);
	url = arena_printf(q->a,
			   "%s%cresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s&state=%s"
			   "&nonce=%s&code_challenge=%s&code_challenge_method=S256",
			   m.authorize, strchr(m.authorize, '?') ? '&' : '?',
			   rq_urlencode(q, c.client_id), rq_urlencode(q, redirect_uri(q)),
			   rq_urlencode(q, scopes(q, c.scopes)), state, nonce,
			   challenge(q, verifier));
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	http_redirect(q->http, q->resp, 303, url);
}

/* The ID token of the token answer checked against the provider's keys. */
static int
check_id_token(struct rq *q, const struct acct_oidc_cfg *c, const struct acct_oidc_meta *m,
	       const json_t *tokens, const char *nonce, json_t **claims)
{
	const char *idt = json_string_value(json_object_get(tokens, "id_token"));
	struct jwt_expect x = {
		.iss = c->issuer, .aud = c->client_id, .nonce = nonce, .now = (int64_t)time(NULL)};
	json_t *jwks = NULL;
	int rc = acct_oidc_jwks(q, m, false, &jwks);

	if (rc == 0 && !idt)
		rc = err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: no id_token in the answer");
	if (rc == 0)
		rc = jwt_verify(idt, jwks, &x, claims, &q->err);
	if (rc == ERR_NOTFOUND) { /* a key id we do not know yet: the provider rotated keys */
		json_decref(jwks);
		jwks = NULL;
		rc = acct_oidc_jwks(q, m, true, &jwks);
		if (rc == 0)
			rc = jwt_verify(idt, jwks, &x, claims, &q->err);
		if (rc == ERR_NOTFOUND)
			rc = ERR_FORBIDDEN;
	}
	json_decref(jwks);
	return rc;
}

/*
 * Providers that keep the ID token small give the address only at the
 * UserInfo endpoint: ask there when the token has none, and take its
 * email and email_verified only for the same sub (OpenID Connect Core
 * 5.3.2).
 */
static int
add_userinfo(struct rq *q, const struct acct_oidc_meta *m, const json_t *tokens, json_t *claims)
{
	const char *at = json_string_value(json_object_get(tokens, "access_token"));
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	const char *isub;
	json_t *info = NULL;
	int rc;

	if (json_object_get(claims, "email") || !m->userinfo)
		return 0;
	rc = acct_oidc_userinfo(q, m, at, &info);
	isub = json_string_value(json_object_get(info, "sub"));
	if (rc == 0 && (!isub || !sub || strcmp(isub, sub) != 0))
		rc = err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: userinfo of another sub");
	if (rc == 0) {
		json_object_set(claims, "email", json_object_get(info, "email"));
		json_object_set(claims, "email_verified", json_object_get(info, "email_verified"));
	}
	json_decref(info);
	return rc;
}

/* Redeem the code and check the ID token: 0 with *claims, else the answer is sent. */
static int
redeem(struct rq *q, const struct acct_oidc_cfg *c, const struct acct_oidc_pending *p,
       json_t **claims)
{
	struct acct_oidc_meta m = {0};
	json_t *tokens = NULL;
	const char *code = http_query(q->http, "code");
	int rc = acct_oidc_meta(q, c, &m);

	if (rc) {
		acct_link_fail(q, 502, "account.oidc.unavailable");
		return rc;
	}
	if (!code || !code[0] || strlen(code) > ACCT_OIDC_URL_MAX)
		rc = err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: callback without a code");
	if (rc == 0)
		rc = acct_oidc_token(q, c, &m, code, p->verifier, redirect_uri(q), &tokens);
	if (rc == 0)
		rc = check_id_token(q, c, &m, tokens, p->nonce, claims);
	if (rc == 0)
		rc = add_userinfo(q, &m, tokens, *claims);
	json_decref(tokens);
	if (rc == ERR_IO)
		acct_link_fail(q, 502, "account.oidc.unavailable");
	else if (rc)
		acct_link_fail(q, 403, "account.oidc.failed");
	return rc;
}

static bool
same(const char *a, const char *b)
{
	size_t n = strlen(a);

	return b && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* The checked claims as the identity to log in, link or make an account for. */
static void
finish(struct rq *q, const char *iss, const json_t *claims, const char *next)
{
	const char *email = json_string_value(json_object_get(claims, "email"));
	char norm[ACCT_EMAIL_MAX + 1];
	struct acct_external x = {
		.issuer = iss,
		.subject = json_string_value(json_object_get(claims, "sub")),
		.trust_level =
			account_trust_level(json_string_value(json_object_get(claims, "acr"))),
	};

	if (email && json_is_true(json_object_get(claims, "email_verified")) &&
	    acct_email_norm(email, norm, sizeof(norm)))
		x.email = norm;
	acct_link_finish(q, &x, next);
}

static void
callback_get(struct rq *q)
{
	const char *cookie = http_cookie(q->http, ACCT_OIDC_COOKIE);
	struct acct_oidc_pending p;
	struct acct_oidc_cfg c;
	json_t *claims = NULL;
	int rc;

	if (!begin(q, &c))
		return;
	/* Taken once: a replayed callback finds no row. */
	rc = acct_oidc_pending_load(q->db, cookie, q->tenant, true, q->a, &p, &q->err);
	acct_cookie(q, ACCT_OIDC_COOKIE, "", 0);
	if (rc == ERR_NOTFOUND || (rc == 0 && p.citizen_id)) {
		err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: no pending login for the cookie");
		acct_link_fail(q, 400, "account.oidc.expired");
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (!same(p.state, http_query(q->http, "state"))) {
		err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: state does not match");
		acct_link_fail(q, 400, "account.oidc.failed");
		return;
	}
	if (http_query(q->http, "error")) { /* RFC 6749 4.1.2.1, e.g. access_denied */
		err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: provider says '%.64s'",
			http_query(q->http, "error"));
		acct_link_fail(q, 403, "account.oidc.cancelled");
		return;
	}
	if (redeem(q, &c, &p, &claims) == 0)
		finish(q, c.issuer, claims, p.next);
	json_decref(claims);
}

void
acct_register_oidc(struct app *app)
{
	app_route(app, HTTP_GET, "/konto/oidc/start", start_get, 0, 0);
	app_route(app, HTTP_GET, "/konto/oidc/callback", callback_get, 0, 0);
	acct_register_oidc_link(app);
}
