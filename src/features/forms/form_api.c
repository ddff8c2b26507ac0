/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The forms API under /api/v1 (docs/openapi.yaml): the published forms, one
 * definition, submissions with an Idempotency-Key, and uploads.  The API
 * reads no cookies and needs no CSRF token; its writes are rate-limited
 * per IP.  Answers go through the same form_check_answers() as the steps
 * of the HTML pages.
 */
#include "features/forms/form_int.h"

#include "db/db.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SUBMIT_BODY_MAX (32u << 20) /* answers with files as data URLs */
#define UPLOAD_BODY_MAX (21u << 20) /* the largest file a field may take, and a part header */

static void
list(struct rq *q)
{
	struct form_item *v;
	size_t n;
	json_t *arr;
	int rc = form_list(q->db, q->tenant, q->a, &v, &n, &q->err);

	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:I, s:s, s:s, s:s}", "id", v[i].id, "version",
				       (json_int_t)v[i].version, "title", v[i].title, "leika",
				       v[i].leika, "url",
				       rq_url(q, arena_printf(q->a, "/formulare/%s", v[i].id))));
	rq_json(q, json_pack("{s:o}", "items", arr));
}

static void
detail(struct rq *q)
{
	struct form *f;
	const char *text;
	json_t *doc;
	int rc = form_load(q->db, q->tenant, http_param(q->http, "id"), q->a, &f, &text, &q->err);

	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	doc = json_loads(text, 0, NULL);
	if (!doc) {
		rq_json_fail(q, ERR_INTERNAL);
		return;
	}
	rq_json(q, doc);
}

static void
problem(struct rq *q, int status, const char *msg)
{
	rq_json_nostore(q, status, "application/problem+json",
			json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
				  http_status_text(status), "status", status, "detail",
				  view_msg(q->app->view, q->lang, msg)));
}

static void
invalid(struct rq *q, const struct form_check *c)
{
	json_t *errs = json_array();

	for (size_t i = 0; i < c->n_issues; i++)
		json_array_append_new(errs,
				      json_pack("{s:s, s:s}", "key", c->issues[i].key, "detail",
						view_msg(q->app->view, q->lang, c->issues[i].msg)));
	rq_json_nostore(q, 422, "application/problem+json",
			json_pack("{s:s, s:s, s:i, s:s, s:o}", "type", "about:blank", "title",
				  http_status_text(422), "status", 422, "detail",
				  view_msg(q->app->view, q->lang, "forms.err.invalid"), "errors",
				  errs));
}

/* Writes count against the per-IP limit; false when the request was answered. */
static bool
within_rate(struct rq *q)
{
	char *bucket = arena_printf(q->a, "api:%s", q->http->client_ip);
	int rc = ratelimit_hit(q->db, bucket, 60, q->app->cfg.api_write_rate, &q->err);

	if (rc == 0)
		return true;
	if (rc == ERR_RATELIMIT)
		http_resp_header(q->http, q->resp, "Retry-After", "60");
	rq_log_failure(q, rc);
	problem(q, http_status_of(rc), rc == ERR_RATELIMIT ? "error.rate_limit" : "error.500.text");
	return false;
}

/* A printable ASCII key of 1..FORM_IDEM_KEY_MAX bytes, or NULL when absent; *ok false if bad. */
static const char *
idem_key(struct rq *q, bool *ok)
{
	const char *k = http_header(q->http, "Idempotency-Key");
	size_t n;

	*ok = true;
	if (!k)
		return NULL;
	n = strlen(k);
	*ok = n > 0 && n <= FORM_IDEM_KEY_MAX;
	for (size_t i = 0; *ok && i < n; i++)
		*ok = k[i] > 0x20 && k[i] < 0x7f;
	return k;
}

/* Hex SHA-256-like digest (BLAKE2b, 128 bits) of the form and the body. */
static const char *
fingerprint(struct rq *q, const char *form_id, struct str body)
{
	unsigned char h[16];
	char *hex = arena_alloc(q->a, sizeof(h) * 2 + 1);
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)form_id, strlen(form_id) + 1);
	crypto_generichash_update(&st, (const unsigned char *)body.p, body.len);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(hex, sizeof(h) * 2 + 1, h, sizeof(h));
	return hex;
}

static bool
is_json(struct rq *q)
{
	const char *ct = http_header(q->http, "Content-Type");

	return ct && (strncmp(ct, "application/json", 16) == 0 ||
		      strncmp(ct, "application/problem+json", 24) == 0);
}

static void
answer_case(struct rq *q, const char *case_no, bool replayed)
{
	if (replayed)
		http_resp_header(q->http, q->resp, "Idempotent-Replayed", "true");
	rq_json_nostore(q, replayed ? 200 : 201, "application/json",
			json_pack("{s:s}", "case", case_no));
}

/* Validate and submit; answers the request. */
static void
submit_checked(struct rq *q, const struct form *f, json_t *answers, const char *key, const char *fp)
{
	struct form_req_env re;
	struct form_env env;
	struct form_check c;
	struct form_submission s = {.form = f,
				    .channel = "api",
				    .idem_key = key,
				    .fingerprint = fp,
				    .now = (int64_t)time(NULL)};
	struct form_mail_ctx mc = {q, f, NULL, false, s.now, false};
	const char *case_no = NULL;
	bool replayed;
	int rc;

	memset(&c, 0, sizeof(c));
	form_env_init(&env, &re, q);
	rc = form_api_data_urls(q, f, answers);
	if (rc == 0)
		rc = form_check_answers(f, answers, &env, FORM_CHECK_ALL, 0, q->a, &c, &q->err);
	if (rc == ERR_UNPROCESSABLE && c.n_issues) {
		invalid(q, &c);
	} else if (rc) {
		rq_json_fail(q, rc);
	} else {
		s.answers = mc.clean = c.clean;
		s.with_case = form_case_made;
		s.cls = &mc;
		rc = form_submit(q->db, q->tenant, &s, q->a, &case_no, &replayed, &q->err);
		if (rc == 0)
			form_mail_sent(&mc);
		if (rc == 0 && !replayed)
			rc = form_keep_uploads(q, f, c.clean);
		if (rc)
			rq_json_fail(q, rc);
		else
			answer_case(q, case_no, replayed);
	}
	form_check_release(&c);
}

static void
submit(struct rq *q)
{
	struct str body = http_body_raw(q->http);
	const char *id = http_param(q->http, "id"), *key, *fp, *case_no;
	struct form *f;
	json_error_t je;
	json_t *answers;
	bool key_ok;
	int rc;

	if (!within_rate(q))
		return;
	key = idem_key(q, &key_ok);
	if (!key_ok) {
		problem(q, 400, "forms.err.idem_key");
		return;
	}
	rc = form_load(q->db, q->tenant, id, q->a, &f, NULL, &q->err);
	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	if (f->trust_level > 0) { /* the API has no identity to assert it */
		problem(q, 403, "forms.err.trust_api");
		return;
	}
	if (!is_json(q)) {
		problem(q, 415, "forms.err.json_type");
		return;
	}
	fp = fingerprint(q, f->id, body);
	if (key && form_idem_find(q->db, q->tenant, f->id, key, fp, q->a, &case_no, &q->err) == 0) {
		answer_case(q, case_no, true);
		return;
	}
	answers = json_loadb(body.p, body.len, JSON_REJECT_DUPLICATES, &je);
	if (!answers) {
		problem(q, 400, "forms.err.body");
		return;
	}
	submit_checked(q, f, answers, key, fp);
	json_decref(answers);
}

static void
upload(struct rq *q)
{
	struct files_store fs = {q->app->cfg.data_dir};
	struct files_new in = {.use = "document", .owner = "form-upload"};
	struct file_meta *m;
	int rc;

	if (!within_rate(q))
		return;
	if (q->http->n_uploads) {
		in.name = q->http->uploads[0].filename;
		in.data = q->http->uploads[0].data;
		in.len = q->http->uploads[0].len;
	} else {
		struct str body = http_body_raw(q->http);

		in.name = http_query(q->http, "name");
		in.data = body.p;
		in.len = body.len;
	}
	if (!in.name)
		in.name = "";
	in.now = (int64_t)time(NULL);
	in.expires_at = in.now + FORM_UPLOAD_PENDING_S;
	rc = files_put(q->db, &fs, q->tenant, &in, q->a, &m, &q->err);
	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	rq_json_nostore(q, 201, "application/json",
			json_pack("{s:s, s:s, s:s, s:I, s:I}", "id", m->id, "name", m->name, "type",
				  m->mime, "size", (json_int_t)m->size, "expires_at",
				  (json_int_t)m->expires_at));
}

void
form_api_register(struct app *app)
{
	app_route(app, HTTP_GET, "/api/v1/forms", list, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/api/v1/forms/:id", detail, ROUTE_CACHE, 0);
	app_route(app, HTTP_POST, "/api/v1/forms/:id/submissions", submit, ROUTE_NO_CSRF,
		  SUBMIT_BODY_MAX);
	app_route(app, HTTP_POST, "/api/v1/uploads", upload, ROUTE_NO_CSRF, UPLOAD_BODY_MAX);
}
