/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The search pages: /suche?q= with services, offices and pages counted by kind, snippets with
 * the matching words marked, "did you mean" and clear messages for empty,
 * too long or fruitless queries; and /api/v1/suggest?q= (JSON) for the
 * search box's autocomplete.
 */
#include "features/search/search_int.h"

#include "app/app.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define PAGE_HITS 30
#define SUGGEST_HITS 8

static const char *const kind_names[SEARCH_N_KINDS] = {"service", "office", "page"};

/* The address of a hit: below this tenant, or at the member that offers it. */
static const char *
hit_url(struct rq *q, const struct search_hit *h)
{
	const struct tenant *t = NULL;

	if (strcmp(h->tenant, q->tenant->slug) == 0)
		return rq_url(q, h->url);
	if (tenant_cache_by_slug(q->app->tenants, q->db, h->tenant, q->a, &t, &q->err) == 0 &&
	    t->host[0] && !q->base[0])
		return arena_printf(q->a, "//%s%s", t->host, h->url);
	return arena_printf(q->a, "/t/%s%s", h->tenant, h->url);
}

static int
run(struct rq *q, const char *query, const struct search_opts *o, struct search_result *r)
{
	const struct search_index *ix;
	int rc = rq_db(q, &q->db);

	if (rc == 0)
		rc = search_cache_get(search_cache_of(q->app), q->db, q->tenant, q->a, &ix,
				      &q->err);
	if (rc == 0)
		search_run(ix, query, o, q->a, r);
	return rc;
}

static struct view_val *
snippet_view(struct rq *q, const struct search_hit *h)
{
	struct view_val *l = view_list(q->a);

	for (size_t i = 0; i < h->n_snippet; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "text", h->snippet[i].text);
		view_set_bool(m, "mark", h->snippet[i].mark);
	}
	return l;
}

static void
results_view(struct rq *q, const struct search_result *r)
{
	struct view_val *p = q->page, *hits = view_list(q->a);

	for (size_t i = 0; i < r->n; i++) {
		struct view_val *m = view_push(hits, view_map(q->a));
		const struct search_hit *h = &r->hits[i];

		view_set_text(m, "title", h->title);
		view_set_text(m, "url", hit_url(q, h));
		view_set_text(m, "kind",
			      view_msg(q->app->view, q->lang,
				       arena_printf(q->a, "search.kind.%s", kind_names[h->kind])));
		if (h->n_snippet)
			view_set(m, "snippet", snippet_view(q, h));
	}
	if (r->n)
		view_set(p, "hits", hits);
	else
		view_set_bool(p, "none", true);
	view_set_int(p, "services", (int64_t)r->total[SEARCH_SERVICE]);
	view_set_int(p, "offices", (int64_t)r->total[SEARCH_OFFICE]);
	view_set_int(p, "pages", (int64_t)r->total[SEARCH_PAGE]);
	view_set_bool(p, "too_long", r->too_long);
	if (r->did_you_mean) {
		view_set_text(p, "did_you_mean", r->did_you_mean);
		view_set_text(p, "did_you_mean_url",
			      rq_url(q, arena_printf(q->a, "/suche?q=%s",
						     rq_urlencode(q, r->did_you_mean))));
	}
}

static void
search_page(struct rq *q)
{
	const char *query = http_query(q->http, "q");
	struct search_opts o = {.limit = PAGE_HITS, .snippets = true};
	struct search_result r;
	int rc;

	view_set_text(q->page, "title", rq_msg(q, "search.title"));
	rq_crumbs(q, "search.title", NULL, NULL);
	view_set_text(q->page, "query", query ? query : "");
	if (!query || !query[strspn(query, " \t")]) {
		view_set_bool(q->page, "empty", true);
		rq_render(q, "search/results");
		return;
	}
	rc = run(q, query, &o, &r);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	results_view(q, &r);
	rq_render(q, "search/results");
}

static void
suggest(struct rq *q)
{
	const char *query = http_query(q->http, "q");
	struct search_opts o = {.limit = SUGGEST_HITS, .prefix = true, .services = true};
	struct search_result r = {0};
	json_t *items = json_array();
	int rc = query && query[0] ? run(q, query, &o, &r) : 0;

	if (rc) {
		json_decref(items);
		rq_json_fail(q, rc);
		return;
	}
	for (size_t i = 0; i < r.n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "title", r.hits[i].title,
						       "url", hit_url(q, &r.hits[i]), "kind",
						       kind_names[r.hits[i].kind]));
	rq_json(q, json_pack("{s:s, s:o}", "query", query ? query : "", "items", items));
}

struct search_cache *
search_cache_of(const struct app *app)
{
	return app_state(app, &search_feature);
}

static int
search_init(struct app *app, struct err *e)
{
	char syn[CONFIG_STR_MAX + 32];
	int poll_s = app->cfg.page_cache_ttl_s > 1 ? app->cfg.page_cache_ttl_s : 1;

	(void)e;
	snprintf(syn, sizeof(syn), "%s/data/search/synonyms.tsv", app->cfg.share_dir);
	/*
	 * Catalogue changes reach every instance's search as soon as its pages
	 * (the page-cache lifetime, at least a second) plus a rebuild: the poll
	 * counts whole tables, which costs on large installations.
	 */
	app_set_state(app, &search_feature, search_cache_new(app->pool, syn, poll_s));
	app_route(app, HTTP_GET, "/suche", search_page, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/api/v1/suggest", suggest, ROUTE_CACHE, 0);
	search_staff_register(app);
	return 0;
}

static void
search_release(struct app *app)
{
	search_cache_free(search_cache_of(app));
	app_set_state(app, &search_feature, NULL);
}

const struct feature search_feature = {
	.name = "search",
	.init = search_init,
	.release = search_release,
	.staff = FEATURE_LINK("/verwaltung/suchbegriffe", "staff.synonyms_link",
			      ROLE_ADMIN | ROLE_EDITOR),
};
