/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Open311 GeoReport v2, the read side (http://wiki.open311.org/GeoReport_v2):
 * discovery at /open311/discovery.json|xml, and below /open311/v2 the
 * services, their definitions, the requests with the filters status,
 * service_code, start_date, end_date and service_request_id, one request,
 * and tokens.  Every answer is built once as JSON and written either with
 * jansson or as XML (rp_xml_json()).  Errors are Open311 error lists with
 * the HTTP status.  Requests carry no personal data: no contact, and the
 * description only as staff approved it.
 */
#include "features/reports/rp_int.h"

#include "auth/auth.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* When this interface last changed; discovery's changesets must lie in the past. */
#define OPEN311_CHANGESET "2026-11-30T00:00:00Z"
#define OPEN311_SPEC "http://wiki.open311.org/GeoReport_v2"
#define TOKEN_MAX 128

enum fmt { FMT_NONE, FMT_JSON, FMT_XML };

/* "requests.json" into its stem (in the arena) and format. */
static enum fmt
split(struct rq *q, const char *file, const char **stem)
{
	const char *dot = file ? strrchr(file, '.') : NULL;

	if (!dot || dot == file)
		return FMT_NONE;
	*stem = arena_printf(q->a, "%.*s", (int)(dot - file), file);
	if (strcmp(dot, ".json") == 0)
		return FMT_JSON;
	if (strcmp(dot, ".xml") == 0)
		return FMT_XML;
	return FMT_NONE;
}

/* Send `doc` (consumed) as `fmt` with `status`; XML roots are `root` with `item` children. */
static void
send(struct rq *q, enum fmt fmt, int status, const char *root, const char *item, json_t *doc)
{
	http_resp_header(q->http, q->resp, "Access-Control-Allow-Origin", "*");
	http_resp_header(q->http, q->resp, "Cache-Control",
			 status == 200 ? "public, max-age=60" : "no-store");
	q->resp->status = status;
	if (fmt == FMT_XML) {
		struct xml_writer x;

		q->resp->content_type = "text/xml";
		xml_begin(&x, &q->resp->body);
		rp_xml_json(&x, root, item, doc);
	} else {
		char *text =
			json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(10));

		q->resp->content_type = "application/json";
		if (text) {
			buf_adds(&q->resp->body, text);
			buf_addc(&q->resp->body, '\n');
		} else {
			q->resp->status = 500;
		}
		free(text);
	}
	json_decref(doc);
}

/* An Open311 error list with one error. */
static void
fail(struct rq *q, enum fmt fmt, int status, const char *description)
{
	send(q, fmt == FMT_NONE ? FMT_JSON : fmt, status, "errors", "error",
	     json_pack("[{s:i, s:s}]", "code", status, "description", description));
}

static void
fail_rc(struct rq *q, enum fmt fmt, int rc)
{
	int status = http_status_of(rc);

	rq_log_failure(q, rc);
	fail(q, fmt, status, status < 500 && q->err.detail[0] ? q->err.detail : "server error");
}

/* Refuse what this tenant does not offer, or another jurisdiction.  True when answered. */
static bool
refused(struct rq *q, enum fmt fmt)
{
	const char *j = http_query(q->http, "jurisdiction_id");

	if (fmt == FMT_NONE)
		fail(q, FMT_JSON, 404, "unknown format; use .json or .xml");
	else if (!rp_enabled(q->tenant))
		fail(q, fmt, 404, "this portal takes no defect reports");
	else if (j && *j && strcmp(j, q->tenant->slug) != 0 &&
		 (!q->tenant->host[0] || strcmp(j, q->tenant->host) != 0))
		fail(q, fmt, 404, "unknown jurisdiction_id");
	else
		return false;
	return true;
}

static json_t *
endpoint(const char *url, const char *type, const char *changeset)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:[s, s]}", "specification", OPEN311_SPEC, "url",
			 url, "changeset", changeset, "type", type, "formats", "text/xml",
			 "application/json");
}

/* The tenant's name, address and the first of mail, phone and web it has. */
static const char *
contact_of(struct rq *q)
{
	const struct tenant_contact *c = &q->tenant->contact;
	const char *reach = c->email[0] ? c->email : c->phone[0] ? c->phone : c->web;

	return arena_printf(q->a, "%s, %s, %s %s%s%s", q->tenant->name, c->street, c->postal_code,
			    c->city, reach[0] ? ", " : "", reach);
}

static void
discovery(struct rq *q)
{
	const char *stem = "";
	enum fmt fmt = split(q, http_param(q->http, "file"), &stem);
	const char *origin = rp_origin(q);
	const char *url = arena_printf(q->a, "%s%s/open311/v2", origin, q->base);
	const char *keys;

	if (strcmp(stem, "discovery") != 0)
		fmt = FMT_NONE;
	if (refused(q, fmt))
		return;
	keys = arena_printf(q->a,
			    "API keys for creating requests are issued by the administrators of "
			    "%s; contact: %s%s/impressum",
			    q->tenant->name, origin, q->base);
	send(q, fmt, 200, "discovery", "",
	     json_pack("{s:s, s:s, s:s, s:[o, o]}", "changeset", OPEN311_CHANGESET, "contact",
		       contact_of(q), "key_service", keys, "endpoints",
		       endpoint(url, "production", OPEN311_CHANGESET),
		       endpoint(url, "test", OPEN311_CHANGESET)));
}

static bool
has_attributes(const struct rp_category *c)
{
	json_t *v = json_loads(c->attributes, 0, NULL);
	bool yes = json_is_array(v) && json_array_size(v) > 0;

	json_decref(v);
	return yes;
}

static void
services(struct rq *q, enum fmt fmt)
{
	struct rp_category *v;
	size_t n;
	json_t *list;
	int rc = rp_categories(q->db, q->tenant, q->a, &v, &n, &q->err);

	if (rc) {
		fail_rc(q, fmt, rc);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}",
						      "service_code", v[i].code, "service_name",
						      v[i].name, "description", v[i].description,
						      "metadata", has_attributes(&v[i]), "type",
						      "realtime", "keywords", v[i].keywords,
						      "group", v[i].group));
	send(q, fmt, 200, "services", "service", list);
}

static void
definition(struct rq *q)
{
	const char *code = "";
	enum fmt fmt = split(q, http_param(q->http, "file"), &code);
	struct rp_category *c;
	json_t *attrs;
	int rc;

	if (refused(q, fmt))
		return;
	rc = rp_category_find(q->db, q->tenant, code, q->a, &c, &q->err);
	if (rc) {
		fail_rc(q, fmt, rc);
		return;
	}
	attrs = json_loads(c->attributes, 0, NULL);
	if (!json_is_array(attrs)) {
		json_decref(attrs);
		attrs = json_array();
	}
	send(q, fmt, 200, "service_definition", "",
	     json_pack("{s:s, s:o}", "service_code", c->code, "attributes", attrs));
}

static json_t *
request_json(struct rq *q, const struct rp_report *r)
{
	char req[XML_TIME_LEN + 1], upd[XML_TIME_LEN + 1];
	json_t *o;

	xml_time_format(r->created_at, req);
	xml_time_format(r->updated_at, upd);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:n, s:s, s:s}",
		      "service_request_id", arena_printf(q->a, "%lld", (long long)r->number),
		      "status", r->status & RP_CLOSED ? "closed" : "open", "status_notes", r->note,
		      "service_name", r->category, "service_code", r->code, "description",
		      r->public_text, "agency_responsible",
		      r->office[0] ? r->office : q->tenant->name, "service_notice", "",
		      "requested_datetime", req, "updated_datetime", upd, "expected_datetime",
		      "address", rp_address(q->a, r), "zipcode", r->postal_code);
	json_object_set_new(o, "lat",
			    r->has_pos ? json_real((double)r->lat_e6 / 1e6) : json_null());
	json_object_set_new(o, "long",
			    r->has_pos ? json_real((double)r->lon_e6 / 1e6) : json_null());
	/* Photos are public once staff approved the report's text. */
	json_object_set_new(o, "media_url",
			    json_string(r->photo[0] && r->public_text[0]
						? arena_printf(q->a, "%s%s/maengel/foto/%s",
							       rp_origin(q), q->base, r->photo)
						: ""));
	return o;
}

static void
send_requests(struct rq *q, enum fmt fmt, const struct rp_report *v, size_t n)
{
	json_t *list = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, request_json(q, &v[i]));
	send(q, fmt, 200, "service_requests", "request", list);
}

static void
requests(struct rq *q, enum fmt fmt)
{
	struct rp_filter f;
	struct rp_report *v;
	size_t n;
	int rc = rp_filter_open311(
		http_query(q->http, "status"), http_query(q->http, "service_code"),
		http_query(q->http, "start_date"), http_query(q->http, "end_date"),
		http_query(q->http, "service_request_id"), (int64_t)time(NULL), &f, &q->err);

	if (rc == 0)
		rc = rp_list(q->db, q->tenant, &f, q->a, &v, &n, NULL, &q->err);
	if (rc) {
		fail_rc(q, fmt, rc);
		return;
	}
	send_requests(q, fmt, v, n);
}

/* /open311/v2/services.json and /open311/v2/requests.json. */
static void
v2_list(struct rq *q)
{
	const char *stem = "";
	enum fmt fmt = split(q, http_param(q->http, "file"), &stem);

	if (refused(q, fmt))
		return;
	if (strcmp(stem, "services") == 0)
		services(q, fmt);
	else if (strcmp(stem, "requests") == 0)
		requests(q, fmt);
	else
		fail(q, fmt, 404, "unknown resource");
}

static void
one_request(struct rq *q)
{
	const char *id = "";
	enum fmt fmt = split(q, http_param(q->http, "file"), &id);
	struct rp_report *r;
	char *end;
	long long number;
	int rc;

	if (refused(q, fmt))
		return;
	number = strtoll(id, &end, 10);
	if (*id < '1' || *id > '9' || *end || number > 1000000000000LL) {
		fail(q, fmt, 404, "unknown service_request_id");
		return;
	}
	rc = rp_get(q->db, q->tenant, number, false, q->a, &r, &q->err);
	if (rc == ERR_NOTFOUND)
		fail(q, fmt, 404, "unknown service_request_id");
	else if (rc)
		fail_rc(q, fmt, rc);
	else
		send_requests(q, fmt, r, 1);
}

static void
token(struct rq *q)
{
	const char *tok = "";
	enum fmt fmt = split(q, http_param(q->http, "token"), &tok);
	char hash[65];
	int64_t number = 0;
	int rc = ERR_NOTFOUND;

	if (refused(q, fmt))
		return;
	if (strlen(tok) <= TOKEN_MAX) {
		auth_token_hash(tok, hash);
		rc = rp_number_by_token(q->db, q->tenant, hash, &number, &q->err);
	}
	if (rc == ERR_NOTFOUND)
		fail(q, fmt, 404, "unknown token");
	else if (rc)
		fail_rc(q, fmt, rc);
	else
		send(q, fmt, 200, "service_requests", "request",
		     json_pack("[{s:s, s:s}]", "service_request_id",
			       arena_printf(q->a, "%lld", (long long)number), "token", tok));
}

void
rp_open311_register(struct app *app)
{
	app_route(app, HTTP_GET | HTTP_HEAD, "/open311/:file", discovery, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/open311/v2/services/:file", definition, ROUTE_CACHE,
		  0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/open311/v2/requests/:file", one_request, ROUTE_CACHE,
		  0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/open311/v2/tokens/:token", token, 0, 0);
	app_route(app, HTTP_GET | HTTP_HEAD, "/open311/v2/:file", v2_list, ROUTE_CACHE, 0);
}
