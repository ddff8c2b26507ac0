/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * JSON answers of the API: a body with a strong ETag (304 for a matching
 * If-None-Match), read-only CORS, and errors as application/problem+json
 * (RFC 9457) with the citizen's message.
 */
#include "app/app.h"

#include "core/hash.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A hash of the body: a strong validator for a byte-identical answer. */
static const char *
etag_of(struct rq *q, const char *body, size_t n)
{
	return arena_printf(q->a, "\"%016llx\"", (unsigned long long)hash_fnv1a(body, n));
}

static void
headers(struct rq *q, const char *type)
{
	q->resp->content_type = type;
	http_resp_header(q->http, q->resp, "Access-Control-Allow-Origin", "*");
	http_resp_header(q->http, q->resp, "Cache-Control", "public, max-age=60");
	http_resp_header(q->http, q->resp, "Vary", "Accept-Language");
}

void
rq_json_text(struct rq *q, const char *text, size_t n)
{
	const char *etag = etag_of(q, text, n), *inm;

	headers(q, "application/json");
	http_resp_header(q->http, q->resp, "ETag", etag);
	inm = http_header(q->http, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		q->resp->status = 304;
	} else {
		buf_add(&q->resp->body, text, n);
		buf_addc(&q->resp->body, '\n');
	}
}

/* Send `doc` (consumed) with its ETag, or 304 when the client has it. */
void
rq_json(struct rq *q, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(doc);
	if (!text) {
		headers(q, "application/json");
		q->resp->status = 500;
		return;
	}
	rq_json_text(q, text, strlen(text));
	free(text);
}

void
rq_json_nostore(struct rq *q, int status, const char *type, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(doc);
	q->resp->status = text ? status : 500;
	q->resp->content_type = type;
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	if (text) {
		buf_adds(&q->resp->body, text);
		buf_addc(&q->resp->body, '\n');
	}
	free(text);
}

void
rq_problem(struct rq *q, int status, const char *detail)
{
	json_t *doc = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
				http_status_text(status), "status", status, "detail", detail);
	char *text = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(doc);
	headers(q, "application/problem+json");
	q->resp->status = status;
	if (text)
		buf_adds(&q->resp->body, text);
	free(text);
}

void
rq_json_fail(struct rq *q, int code)
{
	int status = http_status_of(code);

	rq_log_failure(q, code);
	rq_problem(q, status,
		   view_msg(q->app->view, q->lang,
			    q->err.user && status < 500
				    ? q->err.user
				    : arena_printf(q->a, "error.%d.text", status)));
}
