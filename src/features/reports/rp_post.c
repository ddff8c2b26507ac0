/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Open311 GeoReport v2 POST service request, and the API keys its clients
 * need, which admins of the tenant issue and revoke:
 *
 *	POST /open311/v2/requests.json|xml          a new report (form-encoded)
 *	GET  /verwaltung/maengel/schluessel         the keys
 *	POST /verwaltung/maengel/schluessel         issue one: shown once, kept hashed
 *	POST /verwaltung/maengel/schluessel/:id/widerrufen   revoke one
 *
 * A request passes the same checks as the report form (category, text,
 * place, area by postal code, contact) and the category's attributes:
 * `attribute[code]` must be present when required, a number for
 * "number", one of the values for "singlevaluelist" (a comma-separated
 * list of them for "multivaluelist").  Errors are Open311 error lists:
 * 400 for bad or missing fields, 403 for a missing, unknown or revoked
 * key, 404 for an unknown service_code or format.
 */
#include "features/reports/rp_int.h"

#include "app/rq_page.h"
#include "auth/auth.h"
#include "db/db.h"
#include "features/regions/region.h"
#include "jobs/jobs.h"
#include "mail/mail.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEYS "/verwaltung/maengel/schluessel"
#define KEY_NAME_MAX 100
#define POST_MAX (32 * 1024) /* bytes of the fields */
/* The fields, and up to three photos (`media`, multipart) with their framing. */
#define POST_BODY_MAX (RP_PHOTOS_MAX * (size_t)FILES_PHOTO_MAX + POST_MAX + 16 * 1024)

/* ---- Answers ---------------------------------------------------------------- */

static void
answer(struct rq *q, bool xml, int status, json_t *doc)
{
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	http_resp_header(q->http, q->resp, "Access-Control-Allow-Origin", "*");
	q->resp->status = status;
	if (xml) {
		struct xml_writer x;

		q->resp->content_type = "text/xml";
		xml_begin(&x, &q->resp->body);
		rp_xml_json(&x, status < 300 ? "service_requests" : "errors",
			    status < 300 ? "request" : "error", doc);
	} else {
		char *text = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);

		q->resp->content_type = "application/json";
		if (text) {
			buf_adds(&q->resp->body, text);
			buf_addc(&q->resp->body, '\n');
		}
		free(text);
	}
	json_decref(doc);
}

static void
refuse(struct rq *q, bool xml, int status, const char *description)
{
	answer(q, xml, status,
	       json_pack("[{s:i, s:s}]", "code", status, "description", description));
}

/* ---- Checks ------------------------------------------------------------------- */

static const char *
field(struct rq *q, const char *name)
{
	const char *v = http_form(q->http, name);

	return v ? v : "";
}

/* The id of the tenant's valid key `key`: 0 when unknown or revoked. */
static int
key_id(struct rq *q, const char *key, int64_t *id)
{
	char hash[65];
	int rc;

	*id = 0;
	if (strlen(key) != AUTH_TOKEN_LEN)
		return 0;
	auth_token_hash(key, hash);
	rc = db_int64(q->db, &q->err, id,
		      "SELECT id FROM report_api_key WHERE tenant_id = $1 AND key_hash = $2 "
		      "AND revoked_at IS NULL",
		      DB_INT(q->tenant->id), DB_TEXT(hash));
	return rc == ERR_NOTFOUND ? 0 : rc;
}

/* Check the attributes against the category's definition; their answers as JSON into *out. */
static const char *
check_attributes(struct rq *q, const struct rp_category *cat, json_t *answers)
{
	static const char *const WHAT[] = {
		[RP_ATTR_MISSING] = "is required",
		[RP_ATTR_TOO_LONG] = "is too long",
		[RP_ATTR_NOT_NUMBER] = "must be a number",
		[RP_ATTR_UNKNOWN] = "has an unknown value",
	};
	json_t *defs = json_loads(cat->attributes, 0, NULL), *d;
	const char *problem = NULL;
	size_t i;

	json_array_foreach(defs, i, d)
	{
		const char *code = json_string_value(json_object_get(d, "code"));
		const char *v;
		enum rp_attr_problem p;

		if (!code || problem)
			continue;
		v = http_form(q->http, arena_printf(q->a, "attribute[%s]", code));
		p = rp_attr_check(d, v);
		if (p != RP_ATTR_OK)
			problem = arena_printf(q->a, "attribute[%s] %s", code, WHAT[p]);
		else if (v && v[0])
			json_object_set_new(answers, code, json_string(v));
	}
	json_decref(defs);
	return problem;
}

/* The first run of exactly five digits in an address ("Lange Straße 1, 44532 Lünen"); "" if none.
 */
static const char *
postal_code_of(struct rq *q, const char *address)
{
	for (const char *p = address; *p;) {
		size_t n = strspn(p, "0123456789");

		if (n == 5)
			return arena_strndup(q->a, p, 5);
		p += n ? n : 1;
	}
	return "";
}

/* Read and check the request into *in; NULL or the problem (400); *rc a server error. */
static const char *
read_request(struct rq *q, struct rp_input *in, const struct rp_category *cat,
	     const struct rp_photos *ph, json_t *answers, int *rc)
{
	const char *lat = field(q, "lat"), *lon = field(q, "long");
	const char *address = field(q, "address_string");
	const char *first = field(q, "first_name"), *last = field(q, "last_name");
	size_t len;
	int verdict = 0;

	memset(in, 0, sizeof(*in));
	in->code = cat->code;
	in->description = field(q, "description");
	len = strlen(in->description);
	if (len < RP_TEXT_MIN || len > RP_TEXT_MAX)
		return "description must be 10 to 4000 bytes";
	if (lat[0] || lon[0]) {
		in->has_pos = rp_coord_parse(lat, 47.2, 55.1, &in->lat_e6) &&
			      rp_coord_parse(lon, 5.8, 15.1, &in->lon_e6);
		if (!in->has_pos || strchr(lat, ',') || strchr(lon, ','))
			return "lat and long must be decimal degrees inside Germany";
	}
	if (strlen(address) > RP_LINE_MAX)
		return "address_string is too long";
	in->street = address;
	in->postal_code = postal_code_of(q, address);
	in->place = "";
	if (!in->has_pos && !address[0] && ph->has_gps) { /* the photo's GPS position */
		in->has_pos = true;
		in->lat_e6 = ph->lat_e6;
		in->lon_e6 = ph->lon_e6;
	}
	if (!in->has_pos && !in->postal_code[0])
		return "give lat and long, or an address_string with a postal code";
	if (in->postal_code[0]) {
		if ((*rc = rp_area_verdict(q, in->postal_code, &verdict)) != 0)
			return NULL;
		if (verdict == 1)
			return "unknown postal code in address_string";
		if (verdict == 2)
			return "the place lies outside this jurisdiction";
	}
	in->name = first[0] || last[0] ? arena_printf(q->a, "%s%s%s", first,
						      first[0] && last[0] ? " " : "", last)
				       : "";
	in->email = field(q, "email");
	in->phone = field(q, "phone");
	if (strlen(in->name) > RP_LINE_MAX || strlen(in->phone) > RP_LINE_MAX)
		return "first_name, last_name or phone is too long";
	if (in->email[0] && (strlen(in->email) > RP_LINE_MAX || !mail_addr_valid(in->email)))
		return "email is not a valid address";
	/* An app collects its user's consent before it sends their contact. */
	in->consent = in->name[0] || in->email[0] || in->phone[0];
	return check_attributes(q, cat, answers);
}

/* Whether the body without its uploads fits POST_MAX. */
static bool
fields_fit(struct rq *q)
{
	size_t fields = q->http->body_len;

	for (size_t i = 0; i < q->http->n_uploads; i++)
		fields -= q->http->uploads[i].len < fields ? q->http->uploads[i].len : fields;
	return fields <= POST_MAX;
}

/* The photos in `media` uploads; false when the answer was sent (413, 400, 500). */
static bool
read_media(struct rq *q, bool xml, struct rp_photos *ph)
{
	const char *problem;
	int status = 400;

	if (rp_photos_read(q, "media", ph, &problem, &status) != 0) {
		rq_log_failure(q, ERR_INTERNAL);
		refuse(q, xml, 500, "server error");
		return false;
	}
	if (problem) {
		refuse(q, xml, status == 413 ? 413 : 400,
		       status == 413 ? "media: a photo is over 8 MB"
		       : strcmp(problem, "reports.err.photo_count") == 0
			       ? "media: at most 3 photos"
			       : "media: a photo must be a complete JPEG, PNG or WebP");
		return false;
	}
	return true;
}

/* `v` as compact JSON text in the request arena. */
static const char *
json_text(struct rq *q, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	const char *out = arena_strdup(q->a, s ? s : "{}");

	free(s);
	return out;
}

/* The checks before the fields: format, size, key, category; false when answered. */
static bool
open_request(struct rq *q, const char *file, bool xml, int64_t *key, struct rp_category **cat)
{
	int rc;

	if (!rp_enabled(q->tenant) || (!xml && strcmp(file, "requests.json") != 0)) {
		refuse(q, xml, 404, "unknown resource");
		return false;
	}
	if (!fields_fit(q)) {
		refuse(q, xml, 413, "the fields are over 32 KiB");
		return false;
	}
	if ((rc = key_id(q, field(q, "api_key"), key)) != 0) {
		refuse(q, xml, 500, "server error");
		return false;
	}
	if (*key == 0) {
		refuse(q, xml, 403, "api_key missing, unknown or revoked");
		return false;
	}
	if (!field(q, "service_code")[0]) {
		refuse(q, xml, 400, "service_code is required");
		return false;
	}
	rc = rp_category_find(q->db, q->tenant, field(q, "service_code"), q->a, cat, &q->err);
	if (rc) {
		refuse(q, xml, rc == ERR_NOTFOUND ? 404 : 500,
		       rc == ERR_NOTFOUND ? "unknown service_code" : "server error");
		return false;
	}
	return true;
}

static void
post_request(struct rq *q)
{
	const char *file = http_param(q->http, "file"), *problem;
	bool xml = strcmp(file, "requests.xml") == 0;
	struct rp_category *cat;
	struct rp_input in;
	struct rp_photos ph;
	char token[AUTH_TOKEN_LEN + 1], hash[65], ctoken[AUTH_TOKEN_LEN + 1], chash[65];
	struct rp_confirm c = {q, q->tenant, NULL, &in, ctoken};
	json_t *answers;
	int64_t key = 0, office = 0, number = 0;
	bool confirm;
	int rc = 0;

	if (!open_request(q, file, xml, &key, &cat) || !read_media(q, xml, &ph))
		return;
	c.cat = cat;
	answers = json_object();
	problem = read_request(q, &in, cat, &ph, answers, &rc);
	in.answers = json_text(q, answers);
	json_decref(answers);
	if (problem || rc) {
		refuse(q, xml, problem ? 400 : 500, problem ? problem : "server error");
		return;
	}
	rc = rp_route(q->db, q->tenant, cat->id, in.postal_code, "", &office, &q->err);
	rc = rc ? rc : rp_photos_store(q, q->tenant, &ph, false);
	in.photos = ph.ids;
	in.n_photos = ph.n;
	rp_limit_set(q, "report", &in);
	auth_token(token);
	auth_token_hash(token, hash);
	confirm = in.email[0] && q->app->mail;
	if (confirm) {
		auth_token(ctoken);
		auth_token_hash(ctoken, chash);
	}
	rc = rc ? rc
		: rp_create(q->db, q->tenant, &in, cat->id, office, hash, confirm ? chash : NULL,
			    (int64_t)time(NULL), confirm ? rp_confirm_mail : NULL, &c, &number,
			    &q->err);
	if (rc == ERR_RATELIMIT) {
		http_resp_header(
			q->http, q->resp, "Retry-After",
			arena_printf(q->a, "%lld", (long long)(in.limit_hour + 3600 - time(NULL))));
		refuse(q, xml, 429, "too many requests from this address this hour");
		return;
	}
	if (rc) {
		rq_log_failure(q, rc);
		refuse(q, xml, 500, "server error");
		return;
	}
	if (confirm && q->app->jobs)
		jobs_nudge(q->app->jobs);
	audit_log(q->db, q->tenant, 0, "report.open311",
		  arena_printf(q->a, "%lld key %lld", (long long)number, (long long)key),
		  q->http->client_ip, NULL);
	/* Waiting for its confirmation the report has no public id yet: the token stands in. */
	answer(q, xml, 201,
	       confirm ? json_pack("[{s:s, s:s}]", "token", token, "service_notice",
				   "Please confirm the report through the link mailed to you.")
		       : json_pack("[{s:s, s:s, s:n}]", "service_request_id",
				   arena_printf(q->a, "%lld", (long long)number), "service_notice",
				   "", "account_id"));
}

/* ---- Keys ------------------------------------------------------------------- */

static bool
admin(struct rq *q)
{
	return rp_staff_may(q, ROLE_ADMIN);
}

static void
read_key(struct db_stmt *st, struct arena *a, void *row)
{
	const char **v = row;

	db_cols_dup(st, 0, a, &v[0], &v[1], &v[2], &v[3]);
}

static void
keys_render(struct rq *q, const char *fresh)
{
	struct view_val *l;
	void *v = NULL;
	size_t n = 0;
	int rc = db_list(q->db, &q->err,
			 "SELECT id, name, created_at, COALESCE(revoked_at, 0) FROM report_api_key "
			 "WHERE tenant_id = $1 ORDER BY id",
			 q->a, 4 * sizeof(char *), read_key, &v, &n, DB_INT(q->tenant->id));

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	l = view_set(q->page, "keys", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		const char **r = (const char **)v + 4 * i;
		struct view_val *m = view_push(l, view_map(q->a));
		char at[XML_TIME_LEN + 1];

		xml_time_format(strtoll(r[2], NULL, 10), at);
		view_set_text(m, "id", r[0]);
		view_set_text(m, "name", r[1]);
		view_set_text(m, "created", arena_strndup(q->a, at, 10));
		view_set_bool(m, "revoked", strcmp(r[3], "0") != 0);
		view_set_text(m, "revoke_url",
			      rq_url(q, arena_printf(q->a, KEYS "/%s/widerrufen", r[0])));
	}
	if (fresh)
		view_set_text(q->page, "fresh", fresh);
	view_set_text(q->page, "action", rq_url(q, KEYS));
	view_set_text(q->page, "endpoint",
		      arena_printf(q->a, "%s%s/open311/v2/requests.json", rp_origin(q), q->base));
	view_set_text(q->page, "title", rq_msg(q, "reports.keys.title"));
	rq_staff_crumbs(q, "reports.staff.title", "/verwaltung/maengel",
			rq_msg(q, "reports.keys.title"));
	rq_render(q, "reports/staff_keys");
}

int
rp_key_issue(struct db *db, const struct tenant *t, const char *name, int64_t staff_id, int64_t now,
	     char key[AUTH_TOKEN_LEN + 1], struct err *e)
{
	char hash[65];

	auth_token(key);
	auth_token_hash(key, hash);
	return db_run(db, e,
		      "INSERT INTO report_api_key (tenant_id, name, key_hash, created_by, "
		      "created_at) VALUES ($1, $2, $3, $4, $5)",
		      DB_INT(t->id), DB_TEXT(name), DB_TEXT(hash), DB_ID(staff_id), DB_INT(now));
}

static void
keys_page(struct rq *q)
{
	if (admin(q))
		keys_render(q, NULL);
}

static void
keys_post(struct rq *q)
{
	const char *name = field(q, "name");
	char key[AUTH_TOKEN_LEN + 1];
	int rc;

	if (!admin(q))
		return;
	if (!name[0] || strlen(name) > KEY_NAME_MAX || strpbrk(name, "\t\r\n")) {
		rq_error(q, 422, "reports.keys.err.name");
		return;
	}
	rc = rp_key_issue(q->db, q->tenant, name, q->user->id, (int64_t)time(NULL), key, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	audit_log(q->db, q->tenant, q->user->id, "report.key.issue", name, q->http->client_ip,
		  NULL);
	keys_render(q, arena_strdup(q->a, key)); /* shown this once */
}

static void
revoke_post(struct rq *q)
{
	const char *id = http_param(q->http, "id");
	char *end;
	long long v = strtoll(id, &end, 10);
	int64_t n = 0;
	int rc;

	if (!admin(q))
		return;
	if (*id < '1' || *id > '9' || *end || v > 1000000000000000LL) {
		rq_error(q, 404, NULL);
		return;
	}
	rc = db_run_count(q->db, &q->err, &n,
			  "UPDATE report_api_key SET revoked_at = $3 WHERE tenant_id = $1 AND "
			  "id = $2 AND revoked_at IS NULL",
			  DB_INT(q->tenant->id), DB_INT(v), DB_INT((int64_t)time(NULL)));
	if (rc == 0 && n == 0)
		rc = err_set(&q->err, ERR_NOTFOUND, NULL, "no key %lld", v);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	audit_log(q->db, q->tenant, q->user->id, "report.key.revoke", id, q->http->client_ip, NULL);
	rq_redirect(q, KEYS);
}

void
rp_post_register(struct app *app)
{
	app_route(app, HTTP_POST, "/open311/v2/:file", post_request, ROUTE_NO_CSRF, POST_BODY_MAX);
	app_route(app, HTTP_GET, KEYS, keys_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, KEYS, keys_post, ROUTE_STAFF, 4096);
	app_route(app, HTTP_POST, KEYS "/:id/widerrufen", revoke_post, ROUTE_STAFF, 4096);
}
