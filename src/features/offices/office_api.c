/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The offices in the JSON API (docs/openapi.yaml): the tenant's offices, and
 * one office with its weekly hours, the dates that differ in the next weeks
 * and whether it is open now (Europe/Berlin).
 */
#include "features/offices/office.h"

#include "app/app.h"
#include "core/civil.h"

#include <jansson.h>
#include <time.h>

static json_t *
address(const struct office *o)
{
	return json_pack("{s:s, s:s, s:s}", "street", o->street, "postal_code", o->postal_code,
			 "city", o->city);
}

static const char *
office_url(struct rq *q, const struct office *o)
{
	return rq_url(q, arena_printf(q->a, "/stellen/%s", o->slug));
}

static void
list(struct rq *q)
{
	struct office *v;
	size_t n;
	json_t *items;
	int rc = office_list(q->db, q->tenant, q->a, &v, &n, &q->err);

	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items,
				      json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:b, s:s}", "slug",
						v[i].slug, "name", v[i].name, "address",
						address(&v[i]), "phone", v[i].phone, "email",
						v[i].email, "web", v[i].web, "is_default",
						v[i].is_default, "url", office_url(q, &v[i])));
	rq_json(q, json_pack("{s:o}", "items", items));
}

static const char *
hhmm(struct rq *q, int minute)
{
	return arena_printf(q->a, "%02d:%02d", minute / 60, minute % 60);
}

static void
detail(struct rq *q)
{
	struct civil_local now;
	struct office_status st;
	struct office *o;
	json_t *hours, *dates, *doc;
	int rc;

	civil_local_at((int64_t)time(NULL), &now);
	rc = office_find(q->db, q->tenant, http_param(q->http, "slug"), now.days, q->a, &o,
			 &q->err);
	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	office_status_at(&o->hours, &now, &st);
	hours = json_array();
	for (size_t i = 0; i < o->hours.n_rules; i++)
		json_array_append_new(hours, json_pack("{s:i, s:s, s:s}", "weekday",
						       o->hours.rules[i].weekday, "opens",
						       hhmm(q, o->hours.rules[i].opens), "closes",
						       hhmm(q, o->hours.rules[i].closes)));
	dates = json_array();
	for (size_t i = 0; i < o->hours.n_holidays; i++)
		json_array_append_new(dates, json_pack("{s:s, s:b, s:s}", "date",
						       o->hours.holidays[i].date, "closed", 1,
						       "note", o->hours.holidays[i].name));
	doc = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:o, s:s}", "slug",
			o->slug, "name", o->name, "address", address(o), "phone", o->phone, "email",
			o->email, "web", o->web, "accessibility", o->accessibility,
			"appointment_only", o->hours.appointment_only, "open_now", st.is_open,
			"weekly_hours", hours, "holidays", dates, "url", office_url(q, o));
	rq_json(q, doc);
}

void
office_api_register(struct app *app)
{
	app_route(app, HTTP_GET, "/api/v1/offices", list, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/api/v1/offices/:slug", detail, ROUTE_CACHE, 0);
}
