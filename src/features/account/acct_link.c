/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * After a login checked by an external provider (an OpenID Connect ID
 * token, acct_oidc.c, or a SAML assertion, acct_saml.c): log in the account
 * linked to the provider's (issuer, subject) on this tenant; else, when the
 * provider vouches for the address, make a new account without a password,
 * or, when the address has an account already, link it only after its
 * password is entered on /konto/oidc/verknuepfen: whoever controls an
 * address at some provider does not get the account of that address by
 * that alone.  The trust level the provider asserts goes on the session.
 */
#include "features/account/acct_int.h"

#include "core/log.h"
#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define FREE_FAILS_LINK 5

/*
 * The trust level of an acr value or a SAML AuthnContextClassRef
 * (docs/account.md): eIDAS levels of assurance and the STORK-QAA levels as
 * BundID names them, or a plain digit.
 */
int
account_trust_level(const char *acr)
{
	static const struct {
		const char *acr;
		int level;
	} map[] = {
		{"http://eidas.europa.eu/LoA/low", 2},
		{"http://eidas.europa.eu/LoA/substantial", 3},
		{"http://eidas.europa.eu/LoA/high", 4},
		{"http://eidas.europa.eu/LoA/NotNotified/low", 2},
		{"http://eidas.europa.eu/LoA/NotNotified/substantial", 3},
		{"http://eidas.europa.eu/LoA/NotNotified/high", 4},
		{"STORK-QAA-Level-1", 1},
		{"STORK-QAA-Level-2", 2},
		{"STORK-QAA-Level-3", 3},
		{"STORK-QAA-Level-4", 4},
		{"urn:de:bund:bundid:loa:basis", 1},
		{"urn:de:bund:bundid:loa:substantiell", 3},
		{"urn:de:bund:bundid:loa:hoch", 4},
		{"1", 1},
		{"2", 2},
		{"3", 3},
		{"4", 4},
	};

	for (size_t i = 0; acr && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(acr, map[i].acr) == 0)
			return map[i].level;
	return 0;
}

/* The session of account `id`, a line of its login history, and on to `next`. */
static void
log_in(struct rq *q, int64_t id, int level, const char *next)
{
	int rc = acct_login_start_level(q, id, level);

	if (rc == 0)
		rc = acct_login_log(q->db, id, true, q->tenant, q->http->client_ip,
				    http_header(q->http, "User-Agent"), &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_redirect(q, acct_safe_next(next));
}

void
acct_link_fail(struct rq *q, int status, const char *key)
{
	if (q->err.detail[0])
		log_info("rid=%s login refused: %s", q->http->id, q->err.detail);
	view_set_text(q->page, "message", rq_msg(q, key));
	acct_page(q, status, "account.oidc.failed_title", "done");
}

/* An account with this address: the link waits for its password. */
static void
ask_password(struct rq *q, int64_t id, const struct acct_external *x, const char *next)
{
	struct acct_oidc_pending p = {.state = "",
				      .nonce = "",
				      .verifier = "",
				      .next = next,
				      .citizen_id = id,
				      .issuer = x->issuer,
				      .subject = x->subject,
				      .trust_level = x->trust_level};
	char cookie[AUTH_TOKEN_LEN + 1];
	int rc = acct_oidc_pending_new(q->db, q->tenant, &p, cookie, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_cookie(q, ACCT_OIDC_COOKIE, cookie, ACCT_OIDC_TTL_S);
	acct_redirect(q, "/konto/oidc/verknuepfen");
}

void
acct_link_finish(struct rq *q, const struct acct_external *x, const char *next)
{
	char hash[crypto_pwhash_STRBYTES];
	int64_t id = 0, verified = 0;
	int rc = acct_identity_find(q->db, q->tenant, x->issuer, x->subject, &id, &q->err);

	if (rc == 0) {
		log_in(q, id, x->trust_level, next);
		return;
	}
	if (rc != ERR_NOTFOUND) {
		rq_fail(q, rc);
		return;
	}
	if (!x->email) {
		err_set(&q->err, ERR_FORBIDDEN, NULL, "no verified email for a new identity");
		acct_link_fail(q, 403, "account.oidc.no_email");
		return;
	}
	rc = acct_find_login(q->db, x->email, &id, hash, sizeof(hash), &verified, &q->err);
	if (rc == 0 && id) {
		ask_password(q, id, x, next);
		return;
	}
	rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = acct_create_external(q->db, x->email, &id, &q->err);
		if (rc == 0)
			rc = acct_identity_add(q->db, q->tenant, x->issuer, x->subject, id,
					       &q->err);
		rc = db_end(q->db, rc, &q->err);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	log_in(q, id, x->trust_level, next);
}

static bool
pending_link(struct rq *q, bool consume, struct acct_oidc_pending *p)
{
	int rc = acct_oidc_pending_load(q->db, http_cookie(q->http, ACCT_OIDC_COOKIE), q->tenant,
					consume, q->a, p, &q->err);

	if (rc == 0 && p->citizen_id)
		return true;
	if (rc && rc != ERR_NOTFOUND)
		rq_fail(q, rc);
	else
		acct_link_fail(q, 400, "account.oidc.expired");
	return false;
}

static void
link_get(struct rq *q)
{
	struct acct_oidc_pending p;

	if (acct_begin(q) && pending_link(q, false, &p))
		acct_page(q, 200, "account.oidc.link_title", "oidc_link");
}

/* The password of account `id` is `pw`; wrong ones are throttled per account. */
static int
password_ok(struct rq *q, int64_t id, const char *pw, bool *ok)
{
	char key[40];
	int64_t wait = 0;
	const char *hash = "";
	int rc;

	*ok = false;
	snprintf(key, sizeof(key), "o:%lld", (long long)id);
	rc = acct_throttle_wait(q->db, key, NULL, &wait, &q->err);
	if (rc == 0 && wait > 0) {
		acct_too_many(q, wait);
		return ERR_RATELIMIT;
	}
	if (rc == 0)
		rc = acct_password_hash(q->db, id, q->a, &hash, &q->err);
	if (rc == 0)
		*ok = acct_hash_ok(hash[0] ? hash : NULL, pw ? pw : "");
	if (rc == 0)
		rc = *ok ? acct_throttle_clear(q->db, key, &q->err)
			 : acct_throttle_fail(q->db, key, FREE_FAILS_LINK, &q->err);
	if (rc)
		rq_fail(q, rc);
	return rc;
}

static void
link_post(struct rq *q)
{
	struct acct_oidc_pending p;
	bool ok = false;
	int rc;

	if (!acct_begin(q) || !acct_ip_limit(q, "login") || !pending_link(q, false, &p))
		return;
	if (password_ok(q, p.citizen_id, http_form(q->http, "password"), &ok))
		return;
	if (!ok) {
		acct_page_error(q, 401, "account.password_wrong", "account.oidc.link_title",
				"oidc_link");
		return;
	}
	rc = db_begin(q->db, &q->err);
	if (rc == 0) {
		rc = acct_oidc_pending_load(q->db, http_cookie(q->http, ACCT_OIDC_COOKIE),
					    q->tenant, true, q->a, &p, &q->err);
		if (rc == 0)
			rc = acct_identity_add(q->db, q->tenant, p.issuer, p.subject, p.citizen_id,
					       &q->err);
		rc = db_end(q->db, rc, &q->err);
	}
	if (rc == ERR_NOTFOUND) { /* the other of two posts at once */
		acct_link_fail(q, 400, "account.oidc.expired");
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	acct_cookie(q, ACCT_OIDC_COOKIE, "", 0);
	log_in(q, p.citizen_id, p.trust_level, p.next);
}

void
acct_register_oidc_link(struct app *app)
{
	app_route(app, HTTP_GET, "/konto/oidc/verknuepfen", link_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/oidc/verknuepfen", link_post, 0, 4096);
}
