/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Two-factor login with one-time codes (RFC 6238, docs/account.md).
 *
 * Switching on: /konto/zwei-faktor shows a fresh secret as an otpauth://
 * URI, as a QR code drawn server-side (an inline SVG path) and as text; a
 * current code confirms it and ten single-use recovery codes are shown once
 * (stored hashed).  Switching off needs the password and a code.
 *
 * Login: after the right password of such an account there is no session
 * yet, only a row of citizen_mfa behind a five-minute cookie; the session
 * begins when /konto/anmelden/code takes a code (one step either side, each
 * step once) or an unused recovery code.  Wrong codes are throttled per
 * account and per IP as wrong passwords are.  The secret is never logged.
 */
#include "features/account/acct_int.h"

#include "app/rq_rows.h"
#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FREE_FAILS_ACCOUNT 5
#define FREE_FAILS_IP 20
#define CODE_MAX 40

/* The posted code without spaces, or "" when there is none or it is too long. */
static const char *
posted_code(struct rq *q)
{
	const char *in = http_form(q->http, "code");
	char *out = arena_alloc(q->a, CODE_MAX + 1);
	size_t n = 0;

	for (; in && *in; in++) {
		if (*in == ' ' || *in == '\t')
			continue;
		if (n >= CODE_MAX)
			return "";
		out[n++] = *in;
	}
	out[n] = '\0';
	return out;
}

/* A current code (each step once) or an unused recovery code of account `id`. */
static int
use_code(struct rq *q, int64_t id, const struct acct_totp *t, const char *code, bool *ok)
{
	int64_t step = 0;
	int rc;

	*ok = false;
	if (!code[0])
		return 0;
	if (acct_totp_match(t->secret, code, (int64_t)time(NULL), t->step, &step))
		rc = acct_totp_use_step(q->db, id, step, &q->err);
	else
		rc = acct_recovery_use(q->db, id, code, &q->err);
	*ok = rc == 0;
	return rc == ERR_NOTFOUND ? 0 : rc;
}

/* "ABCD EFGH …": the secret in groups of four, easier to type and to listen to. */
static const char *
grouped(struct rq *q, const char *secret)
{
	size_t n = strlen(secret);
	char *out = arena_alloc(q->a, n + n / 4 + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = secret[i];
	}
	out[o] = '\0';
	return out;
}

static void
setup_page(struct rq *q, const struct citizen *c, const char *secret, int status,
	   const char *error_key)
{
	const char *issuer = q->tenant && q->tenant->name[0] ? q->tenant->name : "Rathaus";
	const char *uri = arena_printf(
		q->a, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d&period=%d",
		rq_urlencode(q, issuer), rq_urlencode(q, c->email), secret, rq_urlencode(q, issuer),
		ACCT_TOTP_DIGITS, ACCT_TOTP_STEP_S);
	int size = 0;
	char *path = acct_qr_svg_path(uri, &size);

	if (path) {
		view_set_text(q->page, "qr_path", path);
		view_set_int(q->page, "qr_size", size);
		free(path);
	}
	view_set_text(q->page, "uri", uri);
	view_set_text(q->page, "secret", grouped(q, secret));
	view_set_text(q->page, "issuer", issuer);
	view_set_text(q->page, "address", c->email);
	acct_page_error(q, status, error_key, "account.totp.title", "totp_setup");
}

static void
off_page(struct rq *q, int64_t id, int status, const char *error_key)
{
	/* In the arena: GCC 12 sees a dangling pointer in a local here. */
	int64_t *left = arena_calloc(q->a, 1, sizeof(*left));
	int rc = acct_recovery_left(q->db, id, left, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_int(q->page, "recovery_left", *left);
	acct_page_error(q, status, error_key, "account.totp.title", "totp_off");
}

static void
setup_get(struct rq *q)
{
	struct citizen *c = acct_require(q);
	unsigned char key[ACCT_TOTP_KEY_LEN];
	char secret[ACCT_TOTP_SECRET_LEN + 1];
	struct acct_totp t;
	int rc;

	if (!c)
		return;
	rc = acct_totp_get(q->db, c->id, &t, &q->err);
	if (rc == 0 && t.secret[0]) {
		off_page(q, c->id, 200, NULL);
		return;
	}
	/* A fresh secret on every visit; only a confirmed one counts. */
	randombytes_buf(key, sizeof(key));
	acct_base32_encode(key, sizeof(key), secret, sizeof(secret));
	sodium_memzero(key, sizeof(key));
	if (rc == 0)
		rc = acct_totp_set_pending(q->db, c->id, secret, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	setup_page(q, c, secret, 200, NULL);
}

static void
setup_post(struct rq *q)
{
	struct citizen *c = acct_require(q);
	char codes[ACCT_RECOVERY_CODES][ACCT_RECOVERY_LEN + 1];
	struct acct_totp t;
	struct view_val *l;
	int64_t step = 0;
	int rc;

	if (!c || !acct_ip_limit(q, "totp"))
		return;
	rc = acct_totp_get(q->db, c->id, &t, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (t.secret[0] || !t.pending[0]) {
		acct_redirect(q, "/konto/zwei-faktor");
		return;
	}
	if (!acct_totp_match(t.pending, posted_code(q), (int64_t)time(NULL), 0, &step)) {
		setup_page(q, c, t.pending, 422, "account.totp.code_wrong");
		return;
	}
	rc = db_begin(q->db, &q->err);
	if (rc == 0)
		rc = db_end(q->db, acct_totp_enable(q->db, c->id, t.pending, step, codes, &q->err),
			    &q->err);
	if (rc == ERR_NOTFOUND) { /* switched on meanwhile, or a newer secret */
		acct_redirect(q, "/konto/zwei-faktor");
		return;
	}
	l = rq_page_list(q, rc, "codes");
	if (!l)
		return;
	for (int i = 0; i < ACCT_RECOVERY_CODES; i++)
		view_push(l, view_text(q->a, codes[i]));
	sodium_memzero(codes, sizeof(codes));
	acct_page(q, 200, "account.totp.on_title", "totp_codes");
}

static void
off_post(struct rq *q)
{
	struct citizen *c = acct_require(q);
	const char *pw = http_form(q->http, "password");
	char hash[crypto_pwhash_STRBYTES] = "";
	int64_t id = 0, verified = 0;
	struct acct_totp t;
	bool ok = false;
	int rc;

	if (!c || !acct_ip_limit(q, "totp"))
		return;
	rc = acct_totp_get(q->db, c->id, &t, &q->err);
	if (rc == 0 && !t.secret[0]) {
		acct_redirect(q, "/konto");
		return;
	}
	if (rc == 0)
		rc = acct_find_login(q->db, c->email, &id, hash, sizeof(hash), &verified, &q->err);
	if (rc == 0 && (!pw || id != c->id || !acct_hash_ok(hash, pw))) {
		off_page(q, c->id, 422, "account.password_wrong");
		return;
	}
	if (rc == 0)
		rc = use_code(q, c->id, &t, posted_code(q), &ok);
	if (rc == 0 && !ok) {
		off_page(q, c->id, 422, "account.totp.code_wrong");
		return;
	}
	if (rc == 0)
		rc = acct_totp_disable(q->db, c->id, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_redirect(q, "/konto?zwei-faktor=aus");
}

void
acct_mfa_begin(struct rq *q, int64_t id, const char *next)
{
	char token[AUTH_TOKEN_LEN + 1];
	int rc = acct_mfa_new(q->db, id, next, token, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_cookie(q, ACCT_MFA_COOKIE, token, ACCT_MFA_TTL_S);
	acct_redirect(q, "/konto/anmelden/code");
}

static void
code_get(struct rq *q)
{
	int64_t id = 0;
	int rc;

	if (!acct_begin(q))
		return;
	rc = acct_mfa_load(q->db, http_cookie(q->http, ACCT_MFA_COOKIE), false, &id, NULL, q->a,
			   &q->err);
	if (rc == ERR_NOTFOUND) {
		acct_redirect(q, "/konto/anmelden");
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_page(q, 200, "account.code.title", "login_code");
}

static int
code_failed(struct rq *q, int64_t id, const char *tkey, const char *ikey)
{
	int rc = acct_throttle_fail(q->db, tkey, FREE_FAILS_ACCOUNT, &q->err);

	if (rc == 0)
		rc = acct_throttle_fail(q->db, ikey, FREE_FAILS_IP, &q->err);
	if (rc == 0)
		rc = acct_login_log(q->db, id, false, q->tenant, q->http->client_ip,
				    http_header(q->http, "User-Agent"), &q->err);
	return rc;
}

static void
code_post(struct rq *q)
{
	const char *token = http_cookie(q->http, ACCT_MFA_COOKIE), *next = "/konto";
	char tkey[40], ikey[80];
	int64_t id = 0, wait = 0;
	struct acct_totp t;
	bool ok = false;
	int rc;

	if (!acct_begin(q) || !acct_ip_limit(q, "login"))
		return;
	rc = acct_mfa_load(q->db, token, false, &id, NULL, q->a, &q->err);
	if (rc == ERR_NOTFOUND) {
		acct_redirect(q, "/konto/anmelden");
		return;
	}
	snprintf(tkey, sizeof(tkey), "t:%lld", (long long)id);
	snprintf(ikey, sizeof(ikey), "i:%s", q->http->client_ip);
	if (rc == 0)
		rc = acct_throttle_wait(q->db, tkey, ikey, &wait, &q->err);
	if (rc == 0 && wait > 0) {
		acct_too_many(q, wait);
		return;
	}
	if (rc == 0)
		rc = acct_totp_get(q->db, id, &t, &q->err);
	if (rc == 0)
		rc = use_code(q, id, &t, posted_code(q), &ok);
	if (rc == 0 && !ok) {
		rc = code_failed(q, id, tkey, ikey);
		if (rc == 0) {
			acct_page_error(q, 401, "account.totp.code_wrong", "account.code.title",
					"login_code");
			return;
		}
	}
	/* The pending login is used once: of two posts at once, one logs in. */
	if (rc == 0)
		rc = acct_mfa_load(q->db, token, true, &id, &next, q->a, &q->err);
	if (rc == ERR_NOTFOUND) {
		acct_redirect(q, "/konto/anmelden");
		return;
	}
	if (rc == 0)
		rc = acct_throttle_clear(q->db, tkey, &q->err);
	if (rc == 0)
		rc = acct_login_log(q->db, id, true, q->tenant, q->http->client_ip,
				    http_header(q->http, "User-Agent"), &q->err);
	if (rc == 0)
		rc = acct_login_start(q, id);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_cookie(q, ACCT_MFA_COOKIE, "", 0);
	acct_redirect(q, acct_safe_next(next));
}

void
acct_register_2fa(struct app *app)
{
	app_route(app, HTTP_GET, "/konto/zwei-faktor", setup_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/zwei-faktor", setup_post, 0, 4096);
	app_route(app, HTTP_POST, "/konto/zwei-faktor/aus", off_post, 0, 16 * 1024);
	app_route(app, HTTP_GET, "/konto/anmelden/code", code_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/anmelden/code", code_post, 0, 4096);
}
