/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The appointments in the JSON API (docs/openapi.yaml): the types with their
 * locations, the free slots of a date range, booking and cancelling.  Slots
 * change with every booking, so their route is not ROUTE_CACHE and every
 * answer here tells clients not to keep it (Cache-Control: no-store); only
 * the list of types may be reused by the page cache.
 */
#include "features/appointments/appt.h"

#include "app/app.h"
#include "core/civil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Alternatives offered with a 409, and how many days ahead they are searched. */
#define APPT_ALTERNATIVES 5
#define APPT_ALTERNATIVE_DAYS 14

/* Send `doc` (consumed) with `status`, uncacheable, readable from any origin. */
static void
send(struct rq *q, int status, const char *type, json_t *doc)
{
	http_resp_header(q->http, q->resp, "Access-Control-Allow-Origin", "*");
	rq_json_nostore(q, status, type, doc);
}

/* A problem answer (RFC 9457) with the message `key` in the request's language. */
static json_t *
problem(struct rq *q, int status, const char *title, const char *key)
{
	return json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", title, "status",
			 status, "detail", view_msg(q->app->view, q->lang, key));
}

static void
fail(struct rq *q, int rc)
{
	int status = http_status_of(rc);

	rq_log_failure(q, rc);
	send(q, status, "application/problem+json",
	     problem(q, status, http_status_text(status),
		     q->err.user && status < 500 ? q->err.user
						 : arena_printf(q->a, "error.%d.text", status)));
}

static bool
enabled(struct rq *q)
{
	if (tenant_setting_bool(q->tenant, TSET_FEATURE_APPOINTMENTS))
		return true;
	send(q, 404, "application/problem+json", problem(q, 404, "Not Found", "appt.err.off"));
	return false;
}

static void
types(struct rq *q)
{
	struct appt_type *v;
	size_t n;
	json_t *items;
	int rc;

	if (!enabled(q))
		return;
	rc = appt_types_list(q->db, q->tenant, q->a, &v, &n, &q->err);
	if (rc) {
		fail(q, rc);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *locs = json_array();

		for (size_t j = 0; j < v[i].n_locations; j++)
			json_array_append_new(locs, json_string(v[i].locations[j]));
		json_array_append_new(
			items, json_pack("{s:s, s:s, s:s, s:i, s:i, s:o}", "id", v[i].slug, "name",
					 v[i].name, "service", v[i].leika, "minutes", v[i].minutes,
					 "persons_max", v[i].persons_max, "locations", locs));
	}
	send(q, 200, "application/json", json_pack("{s:o}", "items", items));
}

static json_t *
slot_json(const struct appt_slot *s)
{
	char start[APPT_ISO_LEN + 1], end[APPT_ISO_LEN + 1];

	appt_format_iso(s->starts_at, start);
	appt_format_iso(s->ends_at, end);
	return json_pack("{s:s, s:s, s:i}", "start", start, "end", end, "free", s->free);
}

/* The range from the query: 0, or ERR_INVALID with the message key set. */
static int
range_of(struct rq *q, int64_t *first, int64_t *last)
{
	const char *from = http_query(q->http, "from"), *to = http_query(q->http, "to");

	if (!from || !to || !civil_date_valid(from) || !civil_date_valid(to))
		return err_set(&q->err, ERR_INVALID, "appt.err.dates", "from/to malformed");
	civil_parse_date(from, first);
	civil_parse_date(to, last);
	if (*last < *first || *last - *first >= APPT_QUERY_DAYS_MAX)
		return err_set(&q->err, ERR_INVALID, "appt.err.range", "range of %lld days",
			       (long long)(*last - *first + 1));
	return 0;
}

static void
slots(struct rq *q)
{
	const char *type_slug = http_query(q->http, "type");
	const char *loc_slug = http_query(q->http, "location");
	struct appt_type *type;
	struct appt_location *loc;
	struct appt_slot *v;
	int64_t first, last;
	size_t n;
	json_t *items;
	int rc;

	if (!enabled(q))
		return;
	if (!type_slug || !loc_slug || strlen(type_slug) > APPT_SLUG_MAX ||
	    strlen(loc_slug) > APPT_SLUG_MAX)
		rc = err_set(&q->err, ERR_INVALID, "appt.err.query", "type or location missing");
	else
		rc = range_of(q, &first, &last);
	if (rc == 0)
		rc = appt_find(q->db, q->tenant, type_slug, loc_slug, q->a, &type, &loc, &q->err);
	if (rc == 0)
		rc = appt_slots_range(q->db, q->tenant, type, loc, first, last, (int64_t)time(NULL),
				      q->a, &v, &n, &q->err);
	if (rc) {
		fail(q, rc);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, slot_json(&v[i]));
	send(q, 200, "application/json",
	     json_pack("{s:s, s:s, s:o}", "type", type->slug, "location", loc->slug, "items",
		       items));
}

/* The 409 answer: "slot taken" and the next free slots after the one asked for. */
static void
taken(struct rq *q, const struct appt_request *r)
{
	struct appt_type *type;
	struct appt_location *loc;
	struct appt_slot *v = NULL;
	struct civil_local l;
	size_t n = 0;
	json_t *doc = problem(q, 409, "slot taken", "appt.slot_taken"), *alt = json_array();
	int64_t now = (int64_t)time(NULL);

	civil_local_at(r->starts_at, &l);
	if (appt_find(q->db, q->tenant, r->type, r->location, q->a, &type, &loc, &q->err) == 0 &&
	    appt_slots_range(q->db, q->tenant, type, loc, l.days, l.days + APPT_ALTERNATIVE_DAYS,
			     now, q->a, &v, &n, &q->err) == 0)
		for (size_t i = 0; i < n && json_array_size(alt) < APPT_ALTERNATIVES; i++)
			if (v[i].starts_at > r->starts_at)
				json_array_append_new(alt, slot_json(&v[i]));
	json_object_set_new(doc, "alternatives", alt);
	send(q, 409, "application/problem+json", doc);
}

static void
book(struct rq *q)
{
	struct str body = http_body_raw(q->http);
	struct appt_request r;
	struct appt_booking b;
	char start[APPT_ISO_LEN + 1], end[APPT_ISO_LEN + 1], until[APPT_ISO_LEN + 1];
	const char *self, *cancel, *ics;
	struct appt_mail mail = {.q = q};
	int rc;

	if (!enabled(q))
		return;
	rc = appt_request_parse(body.p, body.len, q->a, &r, &q->err);
	if (rc == 0) {
		mail.to = r.email;
		r.on_booked = appt_mail_booked;
		r.cls = &mail;
		r.limits = q->app->cfg.booking_limits;
		r.client_ip = q->http->client_ip;
		r.lang = q->lang;
		r.confirmed = !q->app->mail; /* no link can be mailed */
		rc = appt_book(q->db, q->tenant, &r, (int64_t)time(NULL), q->a, &b, &q->err);
	}
	if (rc == 0)
		appt_mail_sent(&mail);
	if (rc == ERR_CONFLICT) {
		taken(q, &r);
		return;
	}
	if (rc == ERR_RATELIMIT) { /* the daily limits start again at local midnight */
		struct civil_local l;

		civil_local_at((int64_t)time(NULL), &l);
		http_resp_header(q->http, q->resp, "Retry-After",
				 arena_printf(q->a, "%d", (1440 - l.minute) * 60));
	}
	if (rc) {
		fail(q, rc);
		return;
	}
	appt_format_iso(b.starts_at, start);
	appt_format_iso(b.ends_at, end);
	if (b.confirm_by) { /* the token goes by mail only: whoever confirms owns the address */
		appt_format_iso(b.confirm_by, until);
		send(q, 202, "application/json",
		     json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "id", b.public_id,
			       "type", r.type, "location", r.location, "start", start, "end", end,
			       "persons", r.persons, "state", "pending", "confirm_by", until));
		return;
	}
	self = rq_url(q, arena_printf(q->a, "/api/v1/appointments/%s", b.public_id));
	cancel = arena_printf(q->a, "%s?token=%s", self, b.token);
	ics = arena_printf(q->a, "%s/calendar.ics?token=%s", self, b.token);
	http_resp_header(q->http, q->resp, "Location", self);
	send(q, 201, "application/json",
	     json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "id", b.public_id, "type",
		       r.type, "location", r.location, "start", start, "end", end, "persons",
		       r.persons, "cancel_token", b.token, "cancel_url", cancel, "calendar_url",
		       ics));
}

static void
cancel(struct rq *q)
{
	const char *token = http_query(q->http, "token");
	const char *auth = http_header(q->http, "Authorization");
	struct appt_mail mail = {.q = q};
	int rc;

	if (!enabled(q))
		return;
	if (!token && auth && strncmp(auth, "Bearer ", 7) == 0)
		token = auth + 7;
	rc = appt_cancel(q->db, q->tenant, http_param(q->http, "id"),
			 &(struct appt_holder){.token = token}, (int64_t)time(NULL),
			 appt_mail_offer, &mail, q->a, &q->err);
	if (rc) {
		fail(q, rc);
		return;
	}
	appt_mail_sent(&mail);
	q->resp->status = 204;
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
}

void
appt_ics_fill(struct rq *q, const char *public_id, const struct appt_view *v, struct appt_ics *out)
{
	*out = (struct appt_ics){
		.uid = arena_printf(q->a, "%s@%s", public_id,
				    q->http->host[0] ? q->http->host : "rathaus.invalid"),
		.stamp = (int64_t)time(NULL),
		.starts_at = v->starts_at,
		.ends_at = v->ends_at,
		.summary = arena_printf(q->a, "%s (%s)", v->type_name, q->tenant->name),
		.location = arena_printf(q->a, "%s, %s, %s %s", v->office_name, v->street,
					 v->postal_code, v->city),
		.description = arena_printf(q->a, "%s: %d", rq_msg(q, "appt.persons"), v->persons),
		.sequence = v->revision,
	};
}

int
appt_ics_answer(struct rq *q, const char *public_id, const struct appt_view *v)
{
	struct appt_ics ev;
	int rc;

	appt_ics_fill(q, public_id, v, &ev);
	rc = appt_ics_render(&ev, &q->resp->body);
	if (rc)
		return rc;
	q->resp->content_type = "text/calendar; charset=utf-8";
	http_resp_header(q->http, q->resp, "Cache-Control", "no-store");
	http_resp_header(q->http, q->resp, "Content-Disposition",
			 "attachment; filename=\"termin.ics\"");
	return 0;
}

/* The booking as an .ics file for the holder of its token (the token stays valid). */
static void
calendar(struct rq *q)
{
	const char *id = http_param(q->http, "id");
	struct appt_view v;
	int rc;

	if (!enabled(q))
		return;
	rc = appt_view_load(q->db, q->tenant, id,
			    &(struct appt_holder){.token = http_query(q->http, "token")}, q->a, &v,
			    &q->err);
	if (rc == 0)
		rc = appt_ics_answer(q, id, &v);
	if (rc)
		fail(q, rc);
}

static int
appt_init(struct app *app, struct err *e)
{
	(void)e;
	appt_staff_register(app);
	app_route(app, HTTP_GET, "/api/v1/appointments/types", types, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/api/v1/appointments/slots", slots, 0, 0);
	app_route(app, HTTP_POST, "/api/v1/appointments", book, ROUTE_NO_CSRF, 4096);
	app_route(app, HTTP_DELETE, "/api/v1/appointments/:id", cancel, 0, 0);
	app_route(app, HTTP_GET, "/api/v1/appointments/:id/calendar.ics", calendar, 0, 0);
	appt_web_register(app);
	appt_web_wait_register(app);
	appt_mine_register(app);
	return 0;
}

const struct feature appt_feature = {
	.name = "appointments",
	.init = appt_init,
	.job = &appt_remind_every,
	.citizen_data = appt_citizen_data,
	.account = appt_account_links,
	.staff = FEATURE_LINK("/verwaltung/termine", "appt.staff.title",
			      ROLE_ADMIN | ROLE_CASEWORKER),
};
