/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The finder in the JSON API (docs/openapi.yaml): /api/v1/finder?leika=&ars=
 * answers who is responsible, /api/v1/regions?q= suggests places for a
 * postal code or a name.  Errors are application/problem+json with a
 * German detail the citizen can read.
 */
#include "features/finder/finder_view.h"

#include "core/civil.h"
#include "features/offices/office.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#define SUGGEST_MAX 10

static json_t *
place_json(struct rq *q, const struct region *g)
{
	struct finder_area chain[FINDER_N_LEVELS];

	finder_chain(g, q->a, chain);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ars", g->ars, "name",
			 g->display_name, "official", chain[0].name, "plz", g->plz, "kreis",
			 g->kreis_name, "land", g->land_name, "url",
			 rq_url(q, arena_printf(q->a, "/finder?ars=%s", g->ars)));
}

static json_t *
office_json(struct rq *q, const struct finder_answer *ans)
{
	const struct office *o = ans->office;
	struct civil_local now;
	struct office_status st;

	if (!o)
		return json_null();
	civil_local_at((int64_t)time(NULL), &now);
	office_status_at(&o->hours, &now, &st);
	return json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "slug", o->slug, "name",
		o->name, "street", o->street, "postal_code", o->postal_code, "city", o->city,
		"phone", o->phone, "email", o->email, "web", o->web, "open_now", st.is_open,
		"appointment_only", o->hours.appointment_only, "url",
		finder_tenant_url(q, ans->tenant, arena_printf(q->a, "/stellen/%s", o->slug)));
}

static json_t *
tenant_json(struct rq *q, const struct tenant *t)
{
	if (!t)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s}", "slug", t->slug, "name", t->name, "kind",
			 tenant_kind_name(t->kind), "url", finder_tenant_url(q, t, "/"));
}

/* Exactly `n` ASCII digits, as the API description's patterns say. */
static bool
digits(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The named Land or federal authority's address, null for local authorities. */
static json_t *
address_json(const struct finder_result *r)
{
	const struct finder_authority *au = r->authority;

	if (!au)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "key", au->key, "street", au->street,
			 "postal_code", au->postal_code, "city", au->city, "web", au->web,
			 "online_url", au->online_url);
}

static void
finder(struct rq *q)
{
	const char *leika = http_query(q->http, "leika"), *ars = http_query(q->http, "ars");
	const struct finder_result *r;
	struct finder_answer ans;
	json_t *doc;
	int rc;

	if (!digits(leika, 14) || !ars) {
		rq_problem(q, 400, rq_msg(q, "finder.api_params"));
		return;
	}
	rc = finder_answer(q->db, q->app->tenants, app_state(q->app, &finder_feature), leika, ars,
			   q->a, &ans, &q->err);
	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	r = &ans.result;
	doc = json_pack(
		"{s:{s:s, s:s, s:s, s:s}, s:o, s:{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, "
		"s:s, s:s}}",
		"service", "leika", ans.service.leika, "title", ans.service.title, "level",
		finder_level_name(r->level), "url", finder_service_url(q, &ans), "place",
		place_json(q, ans.place), "responsible", "authority", finder_authority(&ans),
		"level", finder_level_name(finder_area_level(r)), "why", finder_why_code(r->why),
		"reason", finder_why_text(q, &ans), "tenant", tenant_json(q, ans.tenant), "office",
		office_json(q, &ans), "address", address_json(r), "source",
		r->kb ? r->kb->source : "", "online_url", ans.online_url, "area_ars",
		r->chain[r->area].ars, "portal_url",
		ans.tenant     ? finder_tenant_url(q, ans.tenant, "/")
		: r->authority ? (r->authority->web[0] ? r->authority->web : FINDER_BUNDESPORTAL)
			       : FINDER_BUNDESPORTAL);
	rq_json(q, doc);
}

static void
regions(struct rq *q)
{
	const char *s = http_query(q->http, "q");
	struct region *v = NULL;
	size_t n = 0;
	json_t *items;
	int rc;

	if (!s || strlen(s) < 2 || strlen(s) > 100) {
		rq_problem(q, 400, rq_msg(q, "finder.api_q"));
		return;
	}
	rc = region_suggest(q->db, s, SUGGEST_MAX, q->a, &v, &n, &q->err);
	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, place_json(q, &v[i]));
	rq_json(q, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)n));
}

void
finder_api_register(struct app *app)
{
	app_route(app, HTTP_GET, "/api/v1/finder", finder, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/api/v1/regions", regions, ROUTE_CACHE, 0);
}
