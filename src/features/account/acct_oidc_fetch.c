/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the server asks login providers, with libcurl: documents that every
 * instance shares through the cache oidc_cache for ACCT_PROVIDER_CACHE_S
 * (acct_provider_fetch(): OpenID Connect discovery and key sets, SAML
 * metadata), and the token and UserInfo requests of OpenID Connect
 * (Discovery 1.0 section 4; Core 3.1.3.1 with client_secret_basic, 5.3).
 * A token signed with a key id the cached set lacks fetches the set again
 * (key rotation), at most once a minute.  Every URL must be https, or http
 * to a loopback address (a provider on the same machine, as in the tests);
 * no redirect is followed and answers are capped at OIDC_BODY_MAX bytes.
 */
#include "features/account/acct_int.h"

#include "core/buf.h"
#include "db/db.h"

#include <curl/curl.h>
#include <string.h>
#include <time.h>

#define OIDC_BODY_MAX (256 * 1024)
#define OIDC_TIMEOUT_S 10
#define OIDC_REFETCH_S 60 /* the least age of a cached key set fetched again for a new kid */

bool
acct_provider_url_ok(const char *url)
{
	static const char *const loopback[] = {"http://127.0.0.1:", "http://127.0.0.1/",
					       "http://localhost:", "http://localhost/",
					       "http://[::1]:",	    "http://[::1]/"};

	if (!url || strlen(url) > ACCT_OIDC_URL_MAX)
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	if (strncmp(url, "https://", 8) == 0 && url[8])
		return true;
	for (size_t i = 0; i < sizeof(loopback) / sizeof(loopback[0]); i++)
		if (strncmp(url, loopback[i], strlen(loopback[i])) == 0)
			return true;
	return false;
}

struct sink {
	struct buf b;
	bool too_big;
};

static size_t
take(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	if (buf_add(&s->b, p, size * n) != 0) {
		s->too_big = true;
		return 0;
	}
	return size * n;
}

/*
 * GET `url` (with `user` as a bearer token when `pw` is NULL), or POST
 * `form` with basic authentication `user`:`pw`: the body and the status.
 */
static int
http_call(struct rq *q, const char *url, const char *form, const char *user, const char *pw,
	  const char **body, long *status)
{
	struct sink s = {.too_big = false};
	struct curl_slist *hdr = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	CURLcode rc;

	*status = 0;
	if (!c)
		return err_set(&q->err, ERR_INTERNAL, NULL, "curl_easy_init failed");
	buf_init(&s.b, OIDC_BODY_MAX);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)OIDC_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Rathaus/" RATHAUS_VERSION);
	if (form) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, pw);
	} else if (user) {
		hdr = curl_slist_append(hdr, arena_printf(q->a, "Authorization: Bearer %s", user));
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	*body = arena_strdup(q->a, s.b.p);
	buf_release(&s.b);
	if (s.too_big)
		return err_set(&q->err, ERR_FORBIDDEN, NULL, "answer of '%.200s' too big", url);
	if (rc != CURLE_OK)
		return err_set(&q->err, ERR_IO, NULL, "'%.200s': %s", url,
			       errbuf[0] ? errbuf : curl_easy_strerror(rc));
	return 0;
}

int
acct_provider_fetch(struct rq *q, const char *url, int64_t max_age, const char **body)
{
	int64_t age = 0;
	long status = 0;
	int rc;

	*body = NULL;
	if (!acct_provider_url_ok(url))
		return err_set(&q->err, ERR_FORBIDDEN, NULL, "url '%.200s' not allowed", url);
	rc = acct_provider_cache_get(q->db, url, q->a, body, &age, &q->err);
	if (rc == 0 && age < max_age)
		return 0;
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	rc = http_call(q, url, NULL, NULL, NULL, body, &status);
	if (rc == 0 && status != 200)
		rc = err_set(&q->err, ERR_IO, NULL, "'%.200s' answered %ld", url, status);
	if (rc == 0)
		rc = acct_provider_cache_put(q->db, url, *body, &q->err);
	return rc;
}

/* The JSON object at `url`, from the cache unless older than `max_age` seconds. */
static int
cached_json(struct rq *q, const char *url, int64_t max_age, json_t **out)
{
	const char *body = NULL;
	int rc = acct_provider_fetch(q, url, max_age, &body);

	*out = rc ? NULL : json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	if (rc == 0 && !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		rc = err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: '%.200s' is no JSON object", url);
	}
	return rc;
}

static const char *
member(struct rq *q, const json_t *doc, const char *name)
{
	const char *s = json_string_value(json_object_get(doc, name));

	return s && acct_provider_url_ok(s) ? arena_strdup(q->a, s) : NULL;
}

int
acct_oidc_meta(struct rq *q, const struct acct_oidc_cfg *c, struct acct_oidc_meta *m)
{
	size_t n = strlen(c->issuer);
	const char *url = arena_printf(q->a, "%.*s/.well-known/openid-configuration",
				       (int)(n && c->issuer[n - 1] == '/' ? n - 1 : n), c->issuer);
	const char *iss;
	json_t *doc = NULL;
	int rc = cached_json(q, url, ACCT_PROVIDER_CACHE_S, &doc);

	if (rc)
		return rc;
	iss = json_string_value(json_object_get(doc, "issuer"));
	m->authorize = member(q, doc, "authorization_endpoint");
	m->token = member(q, doc, "token_endpoint");
	m->jwks_uri = member(q, doc, "jwks_uri");
	m->end_session = member(q, doc, "end_session_endpoint");
	m->userinfo = member(q, doc, "userinfo_endpoint");
	/* Discovery 4.3: the issuer in the document is exactly the one configured. */
	if (!iss || strcmp(iss, c->issuer) != 0)
		rc = err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: discovery names issuer '%.200s'",
			     iss ? iss : "");
	else if (!m->authorize || !m->token || !m->jwks_uri)
		rc = err_set(&q->err, ERR_FORBIDDEN, NULL,
			     "oidc: discovery of '%.200s' lacks "
			     "an endpoint",
			     c->issuer);
	json_decref(doc);
	return rc;
}

int
acct_oidc_jwks(struct rq *q, const struct acct_oidc_meta *m, bool fresh, json_t **out)
{
	return cached_json(q, m->jwks_uri, fresh ? OIDC_REFETCH_S : ACCT_PROVIDER_CACHE_S, out);
}

/* A JSON object answered with 200 by `url`, or ERR_FORBIDDEN. */
static int
json_answer(struct rq *q, const char *url, const char *body, long status, json_t **out)
{
	if (status != 200)
		return err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: '%.200s' answered %ld: %.200s",
			       url, status, body);
	*out = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: '%.200s' sent no JSON object",
			       url);
	}
	return 0;
}

int
acct_oidc_userinfo(struct rq *q, const struct acct_oidc_meta *m, const char *access_token,
		   json_t **out)
{
	const char *body = NULL;
	long status = 0;
	int rc;

	*out = NULL;
	if (!m->userinfo || !access_token)
		return err_set(&q->err, ERR_FORBIDDEN, NULL, "oidc: no userinfo endpoint or token");
	rc = http_call(q, m->userinfo, NULL, access_token, NULL, &body, &status);
	return rc ? rc : json_answer(q, m->userinfo, body, status, out);
}

int
acct_oidc_token(struct rq *q, const struct acct_oidc_cfg *c, const struct acct_oidc_meta *m,
		const char *code, const char *verifier, const char *redirect_uri, json_t **out)
{
	/* RFC 6749 2.3.1: client id and secret are form-encoded before basic authentication. */
	const char *form = arena_printf(
		q->a, "grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s",
		rq_urlencode(q, code), rq_urlencode(q, redirect_uri), rq_urlencode(q, verifier));
	const char *body = NULL;
	long status = 0;
	int rc = http_call(q, m->token, form, rq_urlencode(q, c->client_id),
			   rq_urlencode(q, c->secret), &body, &status);

	*out = NULL;
	if (rc)
		return rc;
	if (status != 200)
		return err_set(&q->err, ERR_FORBIDDEN, NULL,
			       "oidc: token endpoint answered %ld: "
			       "%.200s",
			       status, body);
	*out = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return err_set(&q->err, ERR_FORBIDDEN, NULL,
			       "oidc: token answer is no JSON object");
	}
	return 0;
}
