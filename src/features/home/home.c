/* SPDX-License-Identifier: EUPL-1.2 */
/* The index of portals, tenant home pages and the legal pages. */
#include "features/home/home.h"

#include "app/app.h"
#include "features/search/search.h"

#include <string.h>

static struct view_val *
tenant_list_val(struct rq *q, const struct tenant *ts, size_t n, bool by_path)
{
	struct view_val *l = view_list(q->a);

	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "name", ts[i].name);
		view_set_text(m, "kind",
			      view_msg(q->app->view, q->lang,
				       arena_printf(q->a, "tenant.kind.%s",
						    tenant_kind_name(ts[i].kind))));
		view_set_text(m, "url",
			      by_path || !ts[i].host[0] ? arena_printf(q->a, "/t/%s/", ts[i].slug)
							: arena_printf(q->a, "//%s/", ts[i].host));
	}
	return l;
}

static void
index_page(struct rq *q)
{
	const struct tenant *ts;
	size_t n;
	struct db *db;
	int rc = rq_db(q, &db);

	if (rc == 0)
		rc = tenant_cache_list(q->app->tenants, db, -1, q->a, &ts, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "title", rq_msg(q, "index.title"));
	view_set(q->page, "tenants", tenant_list_val(q, ts, n, true));
	rq_render(q, "index");
}

static void
home_page(struct rq *q)
{
	const struct tenant *ts = NULL, *parent = NULL;
	size_t n = 0;
	int rc;

	if (!q->tenant) {
		index_page(q);
		return;
	}
	rc = tenant_cache_list(q->app->tenants, q->db, q->tenant->id, q->a, &ts, &n, &q->err);
	if (rc == 0 && q->tenant->parent_slug[0])
		rc = tenant_cache_by_slug(q->app->tenants, q->db, q->tenant->parent_slug, q->a,
					  &parent, &q->err);
	if (rc == 0)
		rc = rq_home_sections(q);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	view_set_text(q->page, "title", q->tenant->name);
	if (n)
		view_set(q->page, "members", tenant_list_val(q, ts, n, q->base[0] != '\0'));
	if (parent)
		view_set(q->page, "parent", tenant_list_val(q, parent, 1, q->base[0] != '\0'));
	rq_render(q, "home");
}

static void
legal_page(struct rq *q, const char *tpl, const char *title_key)
{
	view_set_text(q->page, "title", rq_msg(q, title_key));
	rq_crumbs(q, title_key, NULL, NULL);
	rq_render(q, tpl);
}

static void
impressum(struct rq *q)
{
	legal_page(q, "impressum", "legal.imprint");
}

static void
datenschutz(struct rq *q)
{
	legal_page(q, "datenschutz", "legal.privacy");
}

static void
barrierefreiheit(struct rq *q)
{
	legal_page(q, "barrierefreiheit", "legal.accessibility");
}

static int
home_init(struct app *app, struct err *e)
{
	(void)e;
	app_route(app, HTTP_GET, "/", home_page, ROUTE_TENANT_OPTIONAL | ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/impressum", impressum, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/datenschutz", datenschutz, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/barrierefreiheit", barrierefreiheit, ROUTE_CACHE, 0);
	return 0;
}

/* The legal pages every tenant has, with words people look for them by. */
static int
search_load(struct search_feed *f, struct err *e)
{
	static const struct {
		const char *path, *title, *words;
	} pages[] = {
		{"/impressum", "Impressum", "Anbieter Herausgeber Kontakt Verantwortlich"},
		{"/datenschutz", "Datenschutz",
		 "Datenschutzerklärung personenbezogene Daten DSGVO Cookies"},
		{"/barrierefreiheit", "Erklärung zur Barrierefreiheit",
		 "barrierefrei Barriere Zugänglichkeit Leichte Sprache"},
	};

	(void)e;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		search_feed_page(f, pages[i].path, pages[i].title, pages[i].words);
	return 0;
}

static const struct search_source search_source = {
	.name = "legal pages",
	.load = search_load,
};

const struct feature home_feature = {
	.name = "home",
	.init = home_init,
	.search = &search_source,
};
