/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The read-only JSON API under /api/v1 (docs/openapi.yaml): services with
 * filters and pagination, one service, and the taxonomy.  Responses carry an
 * ETag and answer If-None-Match with 304; CORS allows any origin to read.
 * Errors are application/problem+json (RFC 9457).
 */
#include "features/catalog/svc_int.h"
#include "features/catalog/svc_view.h"

#include "core/buf.h"
#include "core/str.h"

#include <jansson.h>
#include <string.h>

#define API_PER_PAGE_DEFAULT 50
#define API_PER_PAGE_MAX 200

static const char *
service_url(struct rq *q, const char *slug, const char *leika)
{
	return rq_url(q, arena_printf(q->a, "/leistungen/%s-%s", slug, leika));
}

#define API_Q_MAX 100 /* maxLength of q in docs/openapi.yaml */

/* A query parameter as a number in [min, max]; *ok false when present and bad. */
static int64_t
num_param(struct rq *q, const char *name, int64_t def, int64_t min, int64_t max, bool *ok)
{
	const char *v = http_query(q->http, name);
	int64_t n = def;

	if (v && str_to_int64(str_c(v), min, max, &n))
		*ok = false;
	return n;
}

/* True when `s` stands in a JSON string as it is. */
static bool
json_plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

/*
 * The list as rq_json() would send it, from the items' JSON the read model
 * keeps; false (nothing sent) when an item has none.
 */
static bool
write_items(struct rq *q, const struct svc_item *items, size_t n, int64_t page, int64_t per_page,
	    int64_t total)
{
	struct buf b;

	if (!json_plain(q->base))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!items[i].json || !items[i].path || !json_plain(items[i].path))
			return false;
	buf_init(&b, BUF_MAX_DEFAULT);
	buf_adds(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		/* buf_adds: printf's %s copies long strings a byte at a time */
		buf_adds(&b, i ? ",{" : "{");
		buf_adds(&b, items[i].json);
		buf_adds(&b, ",\"url\":\"");
		buf_adds(&b, q->base);
		buf_adds(&b, items[i].path);
		buf_adds(&b, "\"}");
	}
	buf_addf(&b, "],\"page\":%lld,\"per_page\":%lld,\"total\":%lld}", (long long)page,
		 (long long)per_page, (long long)total);
	if (b.toobig) {
		buf_release(&b);
		return false;
	}
	rq_json_text(q, b.p, b.len);
	buf_release(&b);
	return true;
}

static void
list(struct rq *q)
{
	struct svc_filter f = {0};
	struct svc_item *items;
	size_t n;
	int64_t total, page, per_page;
	bool ok = true;
	json_t *arr, *doc;
	int rc;

	page = num_param(q, "page", 1, 1, 1000000, &ok);
	per_page = num_param(q, "per_page", API_PER_PAGE_DEFAULT, 1, API_PER_PAGE_MAX, &ok);
	if (!ok) {
		rq_problem(q, 400, "page must be >= 1, per_page 1 to 200");
		return;
	}
	f.themenfeld = http_query(q->http, "themenfeld");
	f.lage = http_query(q->http, "lage");
	f.q = http_query(q->http, "q");
	if (f.q && str_utf8_chars(f.q) > API_Q_MAX) {
		rq_problem(q, 400, "q must be at most 100 characters");
		return;
	}
	f.limit = per_page;
	f.offset = (page - 1) * per_page;
	f.json = true;
	rc = svc_offered(q, &f, &items, &n, &total);
	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	if (write_items(q, items, n, page, per_page, total))
		return;
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "leika", items[i].leika,
				       "title", items[i].title, "short_text", items[i].short_text,
				       "level", items[i].level, "url",
				       service_url(q, items[i].slug, items[i].leika)));
	doc = json_pack("{s:o, s:I, s:I, s:I}", "items", arr, "page", (json_int_t)page, "per_page",
			(json_int_t)per_page, "total", (json_int_t)total);
	rq_json(q, doc);
}

static json_t *
links_json(const struct svc_link *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s}", "title", v[i].title, "url", v[i].url));
	return arr;
}

static void
detail(struct rq *q)
{
	const char *leika = http_param(q->http, "leika");
	struct svc *s;
	json_t *texts, *syn, *doc;
	int rc = svc_offered_one(q, leika, &s);

	if (rc) {
		rq_json_fail(q, rc);
		return;
	}
	texts = json_object();
	for (int m = 0; m < SVC_N_MODULES; m++)
		if (s->text[m][0])
			json_object_set_new(texts, svc_module_name(m), json_string(s->text[m]));
	syn = json_array();
	for (size_t i = 0; i < s->n_synonyms; i++)
		json_array_append_new(syn, json_string(s->synonyms[i]));
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}",
			"leika", s->leika, "title", s->title, "leika_name", s->leika_name,
			"typisierung", s->typisierung, "level", s->level, "reviewed", s->reviewed,
			"online_url", s->online_url, "ozg_leistung", s->ozg_name, "url",
			service_url(q, s->slug, s->leika), "texts", texts, "legal_basis",
			links_json(s->legal, s->n_legal), "sources",
			links_json(s->sources, s->n_sources), "synonyms", syn);
	rq_json(q, doc);
}

static json_t *
topics_json(struct rq *q, const char *kind, int *rc)
{
	struct svc_topic *tps;
	size_t n;
	json_t *arr = json_array();

	*rc = svc_offered_topics(q, kind, &tps, &n);
	for (size_t i = 0; *rc == 0 && i < n; i++)
		json_array_append_new(arr,
				      json_pack("{s:s, s:s, s:I}", "slug", tps[i].slug, "name",
						tps[i].name, "services", (json_int_t)tps[i].count));
	return arr;
}

static void
taxonomy(struct rq *q)
{
	int rc1, rc2, rc3;
	json_t *doc =
		json_pack("{s:o, s:o, s:o}", "themenfelder", topics_json(q, "themenfeld", &rc1),
			  "lebenslagen", topics_json(q, "lebenslage", &rc2), "unternehmenslagen",
			  topics_json(q, "unternehmenslage", &rc3));

	if (rc1 || rc2 || rc3) {
		json_decref(doc);
		rq_json_fail(q, rc1 ? rc1 : rc2 ? rc2 : rc3);
		return;
	}
	rq_json(q, doc);
}

void
svc_api_register(struct app *app)
{
	app_route(app, HTTP_GET, "/api/v1/services", list, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/api/v1/services/:leika", detail, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/api/v1/taxonomy", taxonomy, ROUTE_CACHE, 0);
}
