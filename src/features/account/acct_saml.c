/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Login through a SAML 2.0 identity provider such as BundID: Web Browser
 * SSO with a signed AuthnRequest by HTTP-Redirect and the Response by
 * HTTP-POST to our assertion consumer service (core/saml.h checks it).
 *
 * Each tenant is a service provider of its own: its entity id is the URL
 * of its metadata, /konto/saml/metadata, and its ACS /konto/saml/acs, both
 * absolute from the configured base URL, never the Host header.  The key
 * pair is the installation's: the files of the configuration, else one
 * made once and kept in the database for every instance.
 *
 * /konto/saml/start keeps the request's ID in a row of citizen_saml behind
 * a cookie that the IdP's POST brings back (SameSite=None over https), so a
 * response counts only in the browser that asked for it.  The row lives
 * out its ten minutes; what makes a response count once is the store of
 * assertion IDs, whose primary key admits an ID once on any instance.
 * After the checks the login goes on as every provider's (acct_link.c).
 */
#include "features/account/acct_int.h"

#include "core/file.h"
#include "core/saml.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACCT_SAML_COOKIE "rh_konto_saml"
#define PEM_MAX (64 * 1024)

struct saml_cfg {
	const char *metadata_url, *name, *attr_email, *attr_subject;
};

static bool
saml_cfg(const struct tenant *t, struct saml_cfg *c)
{
	if (!t)
		return false;
	c->metadata_url = tenant_setting_str(t, TSET_SAML_METADATA);
	c->name = tenant_setting_str(t, TSET_SAML_NAME);
	c->attr_email = tenant_setting_str(t, TSET_SAML_ATTR_EMAIL);
	c->attr_subject = tenant_setting_str(t, TSET_SAML_ATTR_SUBJECT);
	return acct_provider_url_ok(c->metadata_url);
}

void
acct_saml_button(struct rq *q)
{
	struct saml_cfg c;

	if (saml_cfg(q->tenant, &c))
		acct_provider_button(q, "saml", c.name[0] ? c.name : c.metadata_url,
				     "/konto/saml/start");
}

static int
read_pem(struct rq *q, const char *path, const char **out)
{
	char *p = NULL;
	size_t n = 0;
	int rc = file_read(path, PEM_MAX, &p, &n, &q->err);

	if (rc == 0)
		*out = arena_strdup(q->a, p);
	free(p);
	return rc;
}

/* The installation's key pair: the configured files, else the one in the database. */
static int
sp_keys(struct rq *q, struct saml_sp *sp)
{
	const struct config *cfg = &q->app->cfg;
	const char *key = NULL, *cert = NULL;
	int rc;

	if (cfg->saml_key_file[0]) {
		rc = read_pem(q, cfg->saml_key_file, &sp->key_pem);
		return rc ? rc : read_pem(q, cfg->saml_cert_file, &sp->cert_pem);
	}
	rc = acct_saml_key_load(q->db, q->a, &sp->key_pem, &sp->cert_pem, &q->err);
	if (rc != ERR_NOTFOUND)
		return rc;
	/* The first instance to save its pair wins; every one reads that pair. */
	rc = saml_keypair_new("Rathaus SAML", q->a, &key, &cert, &q->err);
	if (rc == 0)
		rc = acct_saml_key_save(q->db, key, cert, &q->err);
	return rc ? rc : acct_saml_key_load(q->db, q->a, &sp->key_pem, &sp->cert_pem, &q->err);
}

static int
sp_of(struct rq *q, struct saml_sp *sp)
{
	sp->entity_id = rq_abs_url(q, "/konto/saml/metadata");
	sp->acs_url = rq_abs_url(q, "/konto/saml/acs");
	return sp_keys(q, sp);
}

static void
metadata_get(struct rq *q)
{
	struct saml_sp sp;
	int rc = sp_of(q, &sp);

	if (rc == 0) {
		buf_reset(&q->resp->body);
		rc = saml_sp_metadata(&sp, &q->resp->body);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	q->resp->status = 200;
	q->resp->content_type = "application/samlmetadata+xml";
	http_resp_header(q->http, q->resp, "Cache-Control", "no-cache");
}

/* The cookie of a pending request: sent back with the IdP's cross-site POST. */
static void
pending_cookie(struct rq *q, const char *value, int64_t max_age)
{
	unsigned flags = HTTP_COOKIE_HTTPONLY;

	/*
	 * Browsers take SameSite=None only with Secure; over plain http the
	 * cookie goes without SameSite, which browsers treat as Lax but still
	 * send with a top-level POST within two minutes of setting it.
	 */
	if (q->http->https || strncmp(q->app->cfg.public_url, "https:", 6) == 0)
		flags |= HTTP_COOKIE_SECURE | HTTP_COOKIE_CROSS_SITE;
	http_set_cookie(q->http, q->resp, ACCT_SAML_COOKIE, value, max_age, flags);
}

/* The start of a login step: limits and the tenant's IdP into *c; false after the answer. */
static bool
saml_begin(struct rq *q, struct saml_cfg *c)
{
	if (!acct_begin(q) || !acct_ip_limit(q, "saml"))
		return false;
	if (!saml_cfg(q->tenant, c)) {
		rq_error(q, 404, NULL);
		return false;
	}
	return true;
}

static void
start_get(struct rq *q)
{
	char cookie[AUTH_TOKEN_LEN + 1];
	const char *metadata = NULL, *url = NULL, *request_id = NULL;
	struct saml_cfg c;
	struct saml_sp sp;
	int rc;

	if (!saml_begin(q, &c))
		return;
	rc = acct_provider_fetch(q, c.metadata_url, ACCT_PROVIDER_CACHE_S, &metadata);
	if (rc) {
		acct_link_fail(q, 502, "account.oidc.unavailable");
		return;
	}
	rc = sp_of(q, &sp);
	if (rc == 0)
		rc = saml_request(&sp, metadata, NULL, q->a, &url, &request_id, &q->err);
	if (rc == ERR_FORBIDDEN) {
		acct_link_fail(q, 502, "account.oidc.unavailable");
		return;
	}
	if (rc == 0)
		rc = acct_saml_pending_new(q->db, q->tenant, request_id,
					   acct_safe_next(http_query(q->http, "next")), cookie,
					   &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	pending_cookie(q, cookie, ACCT_SAML_TTL_S);
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	http_redirect(q->http, q->resp, 303, url);
}

/* Check the posted response: 0 with *as, else the error page is sent. */
static int
check(struct rq *q, const struct saml_cfg *c, const char *request_id, struct saml_assertion *as)
{
	struct saml_expect x = {.request_id = request_id,
				.subject_attr = c->attr_subject,
				.email_attr = c->attr_email,
				.now = (int64_t)time(NULL)};
	const char *metadata = NULL;
	struct saml_sp sp;
	int rc = acct_provider_fetch(q, c->metadata_url, ACCT_PROVIDER_CACHE_S, &metadata);

	if (rc) {
		acct_link_fail(q, 502, "account.oidc.unavailable");
		return rc;
	}
	rc = sp_of(q, &sp);
	if (rc) {
		rq_fail(q, rc);
		return rc;
	}
	rc = saml_response_check(&sp, metadata, http_form(q->http, "SAMLResponse"), &x, q->a, as,
				 &q->err);
	if (rc == 0)
		rc = acct_saml_assertion_use(q->db, as->issuer, as->id,
					     as->expires_at + SAML_SKEW_S, &q->err);
	if (rc == ERR_NOTFOUND) {
		acct_link_fail(q, 400, "account.oidc.expired");
	} else if (rc == ERR_CONFLICT) {
		err_set(&q->err, ERR_FORBIDDEN, NULL, "saml: assertion '%.80s' used before",
			as->id);
		acct_link_fail(q, 403, "account.saml.replayed");
	} else if (rc == ERR_INVALID) {
		acct_link_fail(q, 400, "account.saml.failed");
	} else if (rc == ERR_FORBIDDEN) {
		acct_link_fail(q, 403, "account.saml.failed");
	} else if (rc) {
		rq_fail(q, rc);
	}
	return rc;
}

static void
acs_post(struct rq *q)
{
	const char *request_id = NULL, *next = NULL;
	char email[ACCT_EMAIL_MAX + 1];
	struct saml_assertion as;
	struct acct_external x;
	struct saml_cfg c;
	int rc;

	if (!saml_begin(q, &c))
		return;
	rc = acct_saml_pending_load(q->db, http_cookie(q->http, ACCT_SAML_COOKIE), q->tenant, q->a,
				    &request_id, &next, &q->err);
	if (rc == ERR_NOTFOUND) {
		err_set(&q->err, ERR_FORBIDDEN, NULL, "saml: no pending request for the cookie");
		acct_link_fail(q, 400, "account.oidc.expired");
		return;
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (check(q, &c, request_id, &as))
		return;
	pending_cookie(q, "", 0);
	x = (struct acct_external){
		.issuer = as.issuer,
		.subject = as.subject,
		.email = as.email && acct_email_norm(as.email, email, sizeof(email)) ? email : NULL,
		.trust_level = account_trust_level(as.authn_context)};
	acct_link_finish(q, &x, next);
}

void
acct_register_saml(struct app *app)
{
	app_route(app, HTTP_GET, "/konto/saml/metadata", metadata_get, 0, 0);
	app_route(app, HTTP_GET, "/konto/saml/start", start_get, 0, 0);
	app_route(app, HTTP_POST, "/konto/saml/acs", acs_post, ROUTE_NO_CSRF,
		  SAML_RESPONSE_MAX + 4096);
}
