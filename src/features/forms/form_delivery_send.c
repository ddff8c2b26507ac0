/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The job 'forms.deliver': one try of one delivery.  It builds the case's
 * JSON document (answers, uploads, the PDF receipt), signs it like Stripe's
 * webhooks (X-Rathaus-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">)
 * and POSTs it with libcurl.  2xx is delivered; no answer, 408, 429 and 5xx
 * are tried again after 1, 5, 30, 120 and 720 times form_delivery_backoff;
 * any other status is failed at once, as is the last retry.  A failed
 * delivery waits for "Erneut zustellen".
 */
#include "features/forms/form_delivery.h"
#include "features/forms/form_inbox.h"

#include "core/log.h"
#include "mail/mail.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Bytes of the endpoint's answer kept for the error text. */
#define REPLY_KEEP 200

static bool
is_local_host(const char *h)
{
	return strcmp(h, "127.0.0.1") == 0 || strcmp(h, "[::1]") == 0 ||
	       strcmp(h, "localhost") == 0;
}

bool
form_delivery_url_ok(const char *url, bool http_local)
{
	char *scheme = NULL, *host = NULL, *part = NULL;
	size_t n = strlen(url);
	bool ok = false;
	CURLU *u;

	if (n == 0 || n > FORM_DELIVERY_URL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return false;
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0])
		goto out;
	/* Credentials in the URL would be shown back to staff; a fragment is never sent. */
	if (curl_url_get(u, CURLUPART_USER, &part, 0) != CURLUE_NO_USER ||
	    curl_url_get(u, CURLUPART_PASSWORD, &part, 0) != CURLUE_NO_PASSWORD ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) != CURLUE_NO_FRAGMENT)
		goto out;
	if (strcmp(scheme, "https") == 0)
		ok = true;
	else if (strcmp(scheme, "http") == 0)
		ok = http_local && is_local_host(host);
out:
	curl_free(part);
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	return ok;
}

bool
form_delivery_secret_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < FORM_DELIVERY_SECRET_MIN || n > FORM_DELIVERY_SECRET_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

const char *
form_delivery_sign(const char *secret, int64_t t, const char *body, size_t len, struct arena *a)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	char ts[24];
	crypto_auth_hmacsha256_state st;

	snprintf(ts, sizeof(ts), "%lld", (long long)t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	return arena_printf(a, "t=%s,v1=%s", ts, hex);
}

/* ---- The document ---------------------------------------------------------- */

static json_t *
base64(const void *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(cap);
	json_t *v;

	if (!s)
		return json_null();
	sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	v = json_string(s);
	free(s);
	return v;
}

static json_t *
sha256_hex(const void *p, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];

	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return json_string(hex);
}

/* What building one document needs. */
struct doc_ctx {
	struct app *app;
	struct db *db;
	const struct form_delivery_job *d;
	const struct tenant *t;
	struct arena *a;
};

/* The staff download of file `id` of the case, absolute, for files past the inline budget. */
static json_t *
file_url(const struct doc_ctx *c, const char *id)
{
	struct buf b;
	json_t *v;

	buf_init(&b, 4096);
	if (mail_link(c->app->mail, c->t,
		      arena_printf(c->a, INBOX_URL "/%s/dateien/%s", c->d->case_no, id), &b))
		v = json_null();
	else
		v = json_string(b.p);
	buf_release(&b);
	return v;
}

static int
add_files(const struct doc_ctx *c, json_t *doc, struct err *e)
{
	struct files_store fs = {c->app->cfg.data_dir};
	json_t *list = json_array();
	const char **ids;
	size_t n = inbox_file_ids(c->d->answers, c->a, &ids),
	       inline_left = FORM_DELIVERY_INLINE_MAX;
	int rc = 0;

	json_object_set_new(doc, "files", list);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct file_meta *m = NULL;
		struct str data;
		json_t *f;

		rc = files_get(c->db, &fs, c->t, ids[i], inbox_upload_file, NULL, c->a, &m, &data,
			       e);
		if (rc == ERR_NOTFOUND) { /* expired or deleted since: named, not sent */
			json_array_append_new(list,
					      json_pack("{s:s,s:b}", "id", ids[i], "missing", 1));
			rc = 0;
			continue;
		}
		if (rc)
			break;
		f = json_pack("{s:s,s:s,s:s,s:I}", "id", m->id, "name", m->name, "type", m->mime,
			      "size", (json_int_t)data.len);
		json_object_set_new(f, "sha256", sha256_hex(data.p, data.len));
		if (data.len <= inline_left) {
			inline_left -= data.len;
			json_object_set_new(f, "content_base64", base64(data.p, data.len));
		} else {
			json_object_set_new(f, "url", file_url(c, m->id));
		}
		json_array_append_new(list, f);
	}
	return rc;
}

static int
add_receipt(const struct doc_ctx *c, const struct form *f, json_t *answers, json_t *doc,
	    struct err *e)
{
	struct form_text x = {c->a, c->app->view, "de"};
	struct buf pdf;
	int rc;

	buf_init(&pdf, FORM_RECEIPT_MAX);
	rc = form_receipt_build(&x, c->t, f, c->d->case_no, c->d->created_at, answers, &pdf, e);
	if (rc == 0)
		json_object_set_new(doc, "receipt",
				    json_pack("{s:s,s:s,s:I,s:o,s:o}", "name",
					      form_receipt_name(c->a, c->d->case_no), "type",
					      "application/pdf", "size", (json_int_t)pdf.len,
					      "sha256", sha256_hex(pdf.p, pdf.len),
					      "content_base64", base64(pdf.p, pdf.len)));
	buf_release(&pdf);
	return rc;
}

/* The JSON document of delivery `d` into *body (caller frees). */
static int
build(struct doc_ctx *c, char **body, struct err *e)
{
	char when[32];
	time_t tt = (time_t)c->d->created_at;
	struct tm tm;
	struct tenant *t = NULL;
	struct form *f = NULL;
	json_t *answers = NULL, *doc = NULL;
	int rc;

	*body = NULL;
	rc = tenant_find_by_slug(c->db, c->d->tenant_slug, c->a, &t, e);
	if (rc == 0)
		rc = form_load_version(c->db, t, c->d->form_id, c->d->form_version, c->a, &f, e);
	if (rc)
		return rc;
	c->t = t;
	answers = json_loads(c->d->answers, 0, NULL);
	if (!answers)
		return err_set(e, ERR_INTERNAL, NULL, "case '%s' has no JSON answers",
			       c->d->case_no);
	gmtime_r(&tt, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	doc = json_pack("{s:I,s:s,s:{s:s,s:I,s:s},s:s,s:s,s:s,s:O}", "delivery",
			(json_int_t)c->d->id, "case", c->d->case_no, "form", "id", f->id, "version",
			(json_int_t)f->version, "title", f->title, "tenant", t->slug, "channel",
			c->d->channel, "submitted_at", when, "answers", answers);
	rc = doc ? add_files(c, doc, e) : err_set(e, ERR_INTERNAL, NULL, "json_pack failed");
	if (rc == 0)
		rc = add_receipt(c, f, answers, doc, e);
	if (rc == 0) {
		*body = json_dumps(doc, JSON_COMPACT);
		if (!*body)
			rc = err_set(e, ERR_INTERNAL, NULL, "json_dumps failed");
	}
	json_decref(doc);
	json_decref(answers);
	return rc;
}

/* ---- The request ----------------------------------------------------------- */

struct reply {
	char text[REPLY_KEEP + 1];
	size_t len;
};

static size_t
keep_reply(char *p, size_t size, size_t nmemb, void *arg)
{
	struct reply *r = arg;
	size_t n = size * nmemb, take = REPLY_KEEP - r->len < n ? REPLY_KEEP - r->len : n;

	memcpy(r->text + r->len, p, take);
	r->len += take;
	r->text[r->len] = '\0';
	return n;
}

/* Printable ASCII only: the text is shown to staff and logged. */
static void
printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

/* What one POST came to. */
struct outcome {
	long status;			     /* HTTP status, 0 without an answer */
	bool retry;			     /* worth trying again */
	char error[FORM_DELIVERY_ERROR_MAX]; /* "" when delivered */
};

static void
post(const struct app *app, const struct form_delivery_job *d, const char *body,
     const char *signature, struct outcome *o)
{
	char errbuf[CURL_ERROR_SIZE] = "", h[3][256];
	struct curl_slist *hs = NULL;
	struct reply reply = {.len = 0};
	CURL *c = curl_easy_init();
	CURLcode rc;

	memset(o, 0, sizeof(*o));
	if (!c) {
		o->retry = true;
		snprintf(o->error, sizeof(o->error), "curl_easy_init failed");
		return;
	}
	snprintf(h[0], sizeof(h[0]), "Idempotency-Key: %s", d->case_no);
	snprintf(h[1], sizeof(h[1]), "X-Rathaus-Signature: %s", signature);
	snprintf(h[2], sizeof(h[2]), "X-Rathaus-Delivery: %lld", (long long)d->id);
	hs = curl_slist_append(hs, "Content-Type: application/json");
	for (size_t i = 0; i < 3; i++)
		hs = curl_slist_append(hs, h[i]);
	hs = curl_slist_append(hs, "Expect:"); /* no 100-continue round trip */
	curl_easy_setopt(c, CURLOPT_URL, d->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
			 app->cfg.form_delivery_http_local ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Rathaus form delivery");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_reply);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)FORM_DELIVERY_CONNECT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)FORM_DELIVERY_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &o->status);
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		o->retry = true;
		snprintf(o->error, sizeof(o->error), "%s",
			 errbuf[0] ? errbuf : curl_easy_strerror(rc));
	} else if (o->status < 200 || o->status > 299) {
		/* RFC 9110 15.5.9 and RFC 6585 4: the server asks to be asked again later. */
		o->retry = o->status == 408 || o->status == 429 || o->status >= 500;
		snprintf(o->error, sizeof(o->error), "HTTP %ld%s%.200s", o->status,
			 reply.len ? ": " : "", reply.text);
	}
	printable(o->error);
}

/* ---- The job --------------------------------------------------------------- */

/* Record `o` of try r->attempt and tell the job platform what comes next. */
static int
conclude(struct job_run *r, const struct app *app, const struct form_delivery_job *d,
	 const struct outcome *o, struct err *e)
{
	int64_t now = (int64_t)time(NULL), next = 0;
	bool last = r->attempt >= r->max_attempts;
	unsigned st = DELIVERY_DELIVERED;
	int rc;

	if (o->error[0]) {
		st = o->retry && !last ? DELIVERY_PENDING : DELIVERY_FAILED;
		if (st == DELIVERY_PENDING)
			next = now +
			       form_delivery_backoff(r->attempt, app->cfg.form_delivery_backoff_s);
	}
	rc = form_delivery_record(r->db, d->id, st, o->status, o->error, now, next, e);
	if (rc)
		return rc;
	if (st == DELIVERY_DELIVERED)
		log_info("forms: case %s delivered (delivery %lld, HTTP %ld)", d->case_no,
			 (long long)d->id, o->status);
	else if (st == DELIVERY_FAILED)
		log_warn("forms: delivery %lld of case %s failed after %d tries: %s",
			 (long long)d->id, d->case_no, r->attempt, o->error);
	if (st != DELIVERY_PENDING)
		return 0; /* the delivery row keeps the outcome; the job is done */
	r->retry_at = next;
	return err_set(e, ERR_IO, NULL, "delivery %lld of case %s: %s", (long long)d->id,
		       d->case_no, o->error);
}

static int
deliver(struct job_run *r, struct err *e)
{
	struct app *app = r->ctx;
	struct form_delivery_job d;
	struct outcome o;
	struct arena a;
	struct err be = {0};
	char *body = NULL;
	int rc;

	arena_init(&a);
	rc = form_delivery_job_load(r->db, job_payload_int(r, "delivery"), &a, &d, e);
	if (rc == ERR_NOTFOUND) { /* the case was deleted meanwhile */
		rc = 0;
		goto out;
	}
	if (rc || d.state != DELIVERY_PENDING) /* delivered or failed already: nothing to do */
		goto out;
	memset(&o, 0, sizeof(o));
	if (!form_delivery_url_ok(d.url, app->cfg.form_delivery_http_local)) {
		snprintf(o.error, sizeof(o.error), "%s",
			 d.url[0] ? "the endpoint URL is not allowed" : "the form has no endpoint");
	} else {
		struct doc_ctx c = {app, r->db, &d, NULL, &a};

		if (build(&c, &body, &be) == 0)
			post(app, &d, body,
			     form_delivery_sign(d.secret, (int64_t)time(NULL), body, strlen(body),
						&a),
			     &o);
		else {
			o.retry = true;
			snprintf(o.error, sizeof(o.error), "cannot build the document: %.200s",
				 be.detail);
		}
	}
	rc = conclude(r, app, &d, &o, e);
out:
	free(body);
	arena_release(&a);
	return rc;
}

const struct job_kind form_delivery_kind = {
	.name = FORM_DELIVERY_KIND,
	.run = deliver,
	.max_attempts = FORM_DELIVERY_ATTEMPTS,
	/* A try takes at most FORM_DELIVERY_TIMEOUT_S on the wire, plus building. */
	.lease_s = 5 * FORM_DELIVERY_TIMEOUT_S,
};
