/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The catalogue's public pages: services A-Z with a filter, one service with
 * all its sections and schema.org GovernmentService data, and browsing by
 * Themenfeld, Lebenslage and Unternehmenslage.  Canonical service URLs carry
 * the slug and the LeiKa key: /leistungen/personalausweis-beantragen-99008001012000.
 */
#include "features/catalog/svc_int.h"

#include "app/app.h"
#include "features/catalog/catalog.h"
#include "features/catalog/svc_view.h"
#include "features/editor/editor.h"
#include "features/forms/forms.h"
#include "features/offices/office.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 50

/* The LeiKa key at the end of "slug-99008001012000" or the key alone. */
static const char *
key_of(struct rq *q, const char *param)
{
	size_t n = strlen(param);

	if (n < 14 || (n > 14 && param[n - 15] != '-'))
		return NULL;
	return svc_leika_valid(param + n - 14) ? arena_strdup(q->a, param + n - 14) : NULL;
}

static void
service_page(struct rq *q)
{
	const char *key = key_of(q, http_param(q->http, "key"));
	struct svc *s = NULL;
	struct office *o = NULL;
	const char *canonical, *form_id = NULL;
	int rc;

	if (!key) {
		rq_error(q, 404, NULL);
		return;
	}
	rc = svc_offered_one(q, key, &s);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	canonical = rq_url(q, arena_printf(q->a, "/leistungen/%s-%s", s->slug, s->leika));
	if (strcmp(http_param(q->http, "key"), arena_printf(q->a, "%s-%s", s->slug, s->leika))) {
		/* Old or shortened links lead to the one canonical address. */
		http_redirect(q->http, q->resp, 301, canonical);
		return;
	}
	rc = form_for_service(q->db, q->tenant, s->leika, q->a, &form_id, &q->err);
	if (rc != 0 && rc != ERR_NOTFOUND) {
		rq_fail(q, rc);
		return;
	}
	if (rc == 0) /* the tenant's own form wins over an external online service */
		s->online_url = rq_url(q, arena_printf(q->a, "/formulare/%s", form_id));
	svc_view_service(q, s, canonical);
	rc = office_for_service(q->db, q->tenant, s->leika, q->a, &o, &q->err);
	if (rc != 0 && rc != ERR_NOTFOUND) {
		rq_fail(q, rc);
		return;
	}
	if (rc == 0) /* else the page names the tenant as the contact */
		view_set(q->page, "office", office_view(q, o));
	rq_render(q, "catalog/service");
}

/* Parse ?seite=N into an offset; bad values mean the first page. */
static int64_t
page_of(struct rq *q, int64_t *page)
{
	const char *v = http_query(q->http, "seite");
	int64_t p = 1;

	if (v && str_to_int64(str_c(v), 1, 100000, &p))
		p = 1;
	*page = p;
	return (p - 1) * PAGE_SIZE;
}

static void
list_page(struct rq *q)
{
	const char *letter = http_query(q->http, "buchstabe");
	const char *query = http_query(q->http, "q");
	struct svc_filter f = {.limit = PAGE_SIZE};
	struct svc_item *items;
	size_t n;
	int64_t total, page;
	int rc;

	if (query && query[0]) {
		/* Words are searched by the search, which ranks and forgives typos. */
		rq_redirect(q, arena_printf(q->a, "/suche?q=%s", rq_urlencode(q, query)));
		return;
	}
	if (letter && strlen(letter) == 1 && letter[0] >= 'A' && letter[0] <= 'Z')
		f.letter = letter[0];
	f.offset = page_of(q, &page);
	rc = svc_offered(q, &f, &items, &n, &total);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	svc_view_list(q, items, n, total, page, PAGE_SIZE, f.letter, query);
	rq_render(q, "catalog/list");
}

/* /themen/:slug, /lebenslagen/:slug, /unternehmenslagen/:slug. */
static void
topic_page(struct rq *q, const char *kind)
{
	const char *slug = http_param(q->http, "slug");
	struct svc_filter f = {.limit = 500};
	struct svc_topic *tp;
	struct svc_item *items;
	size_t n;
	int rc = svc_offered_topic(q, kind, slug, &tp);

	if (rc == 0) {
		if (strcmp(kind, "themenfeld") == 0)
			f.themenfeld = slug;
		else
			f.lage = slug;
		/* The page shows what it lists: no count of its own. */
		rc = svc_offered(q, &f, &items, &n, NULL);
	}
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	svc_view_topic(q, tp, items, n);
	rq_render(q, "catalog/topic");
}

static void
topics_page(struct rq *q, const char *kind)
{
	struct svc_topic *tps;
	size_t n;
	int rc = svc_offered_topics(q, kind, &tps, &n);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	svc_view_topics(q, kind, tps, n);
	rq_render(q, "catalog/topics");
}

static void
themen(struct rq *q)
{
	topics_page(q, "themenfeld");
}

static void
thema(struct rq *q)
{
	topic_page(q, "themenfeld");
}

static void
lebenslagen(struct rq *q)
{
	topics_page(q, "lebenslage");
}

static void
lebenslage(struct rq *q)
{
	topic_page(q, "lebenslage");
}

static void
unternehmenslagen(struct rq *q)
{
	topics_page(q, "unternehmenslage");
}

static void
unternehmenslage(struct rq *q)
{
	topic_page(q, "unternehmenslage");
}

static int
catalog_init(struct app *app, struct err *e)
{
	app_route(app, HTTP_GET, "/leistungen", list_page, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/leistungen/:key", service_page, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/themen", themen, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/themen/:slug", thema, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/lebenslagen", lebenslagen, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/lebenslagen/:slug", lebenslage, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/unternehmenslagen", unternehmenslagen, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/unternehmenslagen/:slug", unternehmenslage, ROUTE_CACHE, 0);
	svc_api_register(app);
	svc_sitemap_register(app);
	app_set_state(app, &catalog_feature, svc_model_new());
	return ed_kind_register(app, &svc_edit_kind, e);
}

static void
catalog_release(struct app *app)
{
	svc_model_free(app_state(app, &catalog_feature));
	app_set_state(app, &catalog_feature, NULL);
}

const struct feature catalog_feature = {
	.name = "catalog",
	.init = catalog_init,
	.release = catalog_release,
	.home = catalog_on_home,
	.search = &svc_search_source,
	.staff =
		FEATURE_LINK("/verwaltung/leistungen", "ed.service.list", ROLE_ADMIN | ROLE_EDITOR),
};
