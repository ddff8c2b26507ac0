/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The public news pages: /aktuelles, the list with paging (?seite=) and a
 * category filter (?kategorie=), /aktuelles/:slug, one article with its
 * Markdown body (cmark-gfm, safe mode) and schema.org NewsArticle data,
 * and the newest articles on the tenant's home page.  A portal network lists
 * its members' articles too, linked to the member's own pages.
 */
#include "features/news/news_int.h"

#include "app/rq_rows.h"
#include "core/civil.h"
#include "mail/mail.h"

#include <string.h>
#include <time.h>

#define PAGE_MAX 10000 /* the highest ?seite= accepted */
#define HOME_ITEMS 3

const char *
news_path(struct rq *q, const struct news_article *n)
{
	return arena_printf(q->a, "/aktuelles/%s", n->slug);
}

const char *
news_href(struct rq *q, const struct news_article *n)
{
	if (n->tenant_id == q->tenant->id)
		return rq_url(q, news_path(q, n));
	if (n->tenant_host[0] && !q->base[0])
		return arena_printf(q->a, "//%s%s", n->tenant_host, news_path(q, n));
	return arena_printf(q->a, "/t/%s%s", n->tenant_slug, news_path(q, n));
}

const char *
news_date(struct rq *q, int64_t utc)
{
	struct civil_local l;

	civil_local_at(utc, &l);
	return arena_printf(q->a, "%d. %s %d", l.day,
			    rq_msg(q, arena_printf(q->a, "news.month.%d", l.month)), l.year);
}

const char *
news_abs(struct rq *q, const struct tenant *t, const char *path)
{
	const struct config *cfg = &q->app->cfg;
	struct buf b;
	const char *s;

	/* Without public_url, the port really bound ("listen = host:0" takes any free one). */
	if (!cfg->public_url[0] && !(t->host && t->host[0]) && q->app->server)
		return arena_printf(q->a,
				    strchr(cfg->listen_host, ':') ? "http://[%s]:%d/t/%s%s"
								  : "http://%s:%d/t/%s%s",
				    cfg->listen_host, http_server_port(q->app->server), t->slug,
				    path);
	buf_init(&b, 4096);
	if (q->app->mail)
		(void)mail_link(q->app->mail, t, path, &b);
	else
		(void)buf_addf(&b, "%s%s", q->base, path);
	s = arena_strdup(q->a, b.p);
	buf_release(&b);
	return s;
}

void
news_advertise(struct rq *q)
{
	view_set_text(q->page, "feed_url", news_abs(q, q->tenant, "/aktuelles/feed.atom"));
	view_set_text(q->page, "feed_title",
		      arena_printf(q->a, "%s – %s", rq_msg(q, "news.title"), q->tenant->name));
}

static struct view_val *
category_links(struct rq *q, int64_t id)
{
	struct view_val *l = view_list(q->a);
	struct news_category *c = NULL;
	size_t n = 0;

	if (news_categories_of(q->db, id, q->a, &c, &n, &q->err))
		return l;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "name", c[i].name);
		view_set_text(m, "url",
			      rq_url(q, arena_printf(q->a, "/aktuelles?kategorie=%s", c[i].slug)));
	}
	return l;
}

struct view_val *
news_item(struct rq *q, const struct news_article *n)
{
	struct view_val *m = view_map(q->a);
	char iso[CIVIL_DATETIME_LEN + 1];

	civil_utc_to_local(n->published_at, true, iso);
	view_set_text(m, "title", n->title);
	view_set_text(m, "url", news_href(q, n));
	view_set_text(m, "teaser", n->teaser);
	view_set_text(m, "date", news_date(q, n->published_at));
	view_set_text(m, "datetime", iso);
	if (n->tenant_id != q->tenant->id)
		view_set_text(m, "from", n->tenant_name);
	if (n->tenant_id == q->tenant->id)
		view_set(m, "categories", category_links(q, n->id));
	return m;
}

/* The filter's options; false after a 400 for a malformed category. */
static bool
filter(struct rq *q, const char *cat, int64_t now)
{
	struct view_val *l = view_set(q->page, "categories", view_list(q->a));
	struct news_category *c = NULL;
	size_t n = 0;
	int rc;

	if (cat && strcmp(news_slugify(cat, NEWS_CATEGORY_MAX, q->a), cat) != 0) {
		rq_error(q, 400, "news.err.category");
		return false;
	}
	rc = news_categories_used(q->db, q->tenant, now, q->a, &c, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "slug", c[i].slug);
		view_set_text(m, "name", c[i].name);
		view_set_bool(m, "selected", cat && strcmp(cat, c[i].slug) == 0);
		if (cat && strcmp(cat, c[i].slug) == 0)
			view_set_text(q->page, "category", c[i].name);
	}
	return true;
}

static const char *
page_url(struct rq *q, const char *cat, int64_t page)
{
	const char *s = "/aktuelles";

	if (cat && page > 1)
		s = arena_printf(q->a, "%s?kategorie=%s&seite=%lld", s, cat, (long long)page);
	else if (cat)
		s = arena_printf(q->a, "%s?kategorie=%s", s, cat);
	else if (page > 1)
		s = arena_printf(q->a, "%s?seite=%lld", s, (long long)page);
	return rq_url(q, s);
}

static void
paging(struct rq *q, const char *cat, int64_t page, int64_t total)
{
	int64_t pages = (total + NEWS_PAGE_SIZE - 1) / NEWS_PAGE_SIZE;

	if (pages <= 1)
		return;
	view_set_text(q->page, "page_of",
		      arena_printf(q->a, "%s %lld / %lld", rq_msg(q, "news.page"), (long long)page,
				   (long long)pages));
	if (page > 1)
		view_set_text(q->page, "prev_url", page_url(q, cat, page - 1));
	if (page < pages)
		view_set_text(q->page, "next_url", page_url(q, cat, page + 1));
}

static void
news_list_page(struct rq *q)
{
	const char *cat = http_query(q->http, "kategorie"), *seite = http_query(q->http, "seite");
	struct news_query nq = {.limit = NEWS_PAGE_SIZE, .now = (int64_t)time(NULL)};
	struct news_article *v = NULL;
	struct view_val *l;
	int64_t page = 1, total = 0;
	size_t n = 0;
	int rc;

	if (cat && !cat[0])
		cat = NULL;
	if (seite && seite[0] && str_to_int64(str_c(seite), 1, PAGE_MAX, &page)) {
		rq_error(q, 400, "news.err.page");
		return;
	}
	if (!filter(q, cat, nq.now))
		return;
	nq.category = cat;
	nq.offset = (page - 1) * NEWS_PAGE_SIZE;
	rc = news_list(q->db, q->tenant, &nq, q->a, &v, &n, &total, &q->err);
	l = rq_page_list(q, rc, "items");
	if (!l)
		return;
	for (size_t i = 0; i < n; i++)
		view_push(l, news_item(q, &v[i]));
	paging(q, cat, page, total);
	view_set_text(q->page, "title", rq_msg(q, "news.title"));
	view_set_text(q->page, "canonical", page_url(q, cat, page));
	view_set_text(q->page, "newsletter_url", rq_url(q, "/newsletter"));
	news_advertise(q);
	rq_crumbs(q, "news.title", "/aktuelles", NULL);
	rq_render(q, "news/list");
}

/* schema.org NewsArticle. */
static struct view_val *
jsonld(struct rq *q, const struct news_article *n, const char *url)
{
	struct view_val *d = view_map(q->a), *org = view_map(q->a);
	char iso[CIVIL_DATETIME_LEN + 1];

	view_set_text(d, "@context", "https://schema.org");
	view_set_text(d, "@type", "NewsArticle");
	view_set_text(d, "headline", n->title);
	if (n->teaser[0])
		view_set_text(d, "description", n->teaser);
	view_set_text(d, "url", url);
	view_set_text(d, "mainEntityOfPage", url);
	view_set_text(d, "inLanguage", "de");
	civil_utc_to_local(n->published_at, true, iso);
	view_set_text(d, "datePublished",
		      arena_printf(q->a, "%s:00%s", iso,
				   civil_berlin_dst(n->published_at) ? "+02:00" : "+01:00"));
	civil_utc_to_local(n->updated_at, true, iso);
	view_set_text(d, "dateModified",
		      arena_printf(q->a, "%s:00%s", iso,
				   civil_berlin_dst(n->updated_at) ? "+02:00" : "+01:00"));
	if (n->image_id[0])
		view_set_text(
			d, "image",
			news_abs(q, q->tenant, arena_printf(q->a, "/dateien/%s", n->image_id)));
	view_set_text(org, "@type", "GovernmentOrganization");
	view_set_text(org, "name", q->tenant->name);
	view_set_text(org, "url", news_abs(q, q->tenant, "/"));
	view_set(d, "author", org);
	view_set(d, "publisher", org);
	return d;
}

static void
news_article_page(struct rq *q)
{
	const char *slug = http_param(q->http, "slug"), *url;
	struct news_article *n = NULL;
	struct view_val *m;
	int rc;

	if (!tenant_slug_valid(slug) || strlen(slug) > NEWS_SLUG_MAX) {
		rq_error(q, 404, NULL);
		return;
	}
	rc = news_find(q->db, q->tenant, slug, (int64_t)time(NULL), q->a, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	url = news_abs(q, q->tenant, news_path(q, n));
	m = news_item(q, n);
	view_set(m, "body", view_markdown(q->a, n->body));
	if (n->image_id[0]) {
		view_set_text(m, "image",
			      rq_url(q, arena_printf(q->a, "/dateien/%s", n->image_id)));
		view_set_text(m, "image_alt", n->image_alt);
	}
	view_set(q->page, "article", m);
	view_set(q->page, "jsonld", jsonld(q, n, url));
	view_set_text(q->page, "title", n->title);
	view_set_text(q->page, "canonical", rq_url(q, news_path(q, n)));
	view_set_text(q->page, "newsletter_url", rq_url(q, "/newsletter"));
	news_advertise(q);
	rq_crumbs(q, "news.title", "/aktuelles", n->title);
	rq_render(q, "news/article");
}

int
news_on_home(struct rq *q)
{
	struct news_query nq = {.limit = HOME_ITEMS, .now = (int64_t)time(NULL)};
	struct news_article *v = NULL;
	struct view_val *l;
	int64_t total = 0;
	size_t n = 0;
	int rc = news_list(q->db, q->tenant, &nq, q->a, &v, &n, &total, &q->err);

	if (rc)
		return rc;
	news_advertise(q);
	if (n == 0)
		return 0;
	l = view_set(q->page, "news", view_list(q->a));
	for (size_t i = 0; i < n; i++)
		view_push(l, news_item(q, &v[i]));
	view_set_text(q->page, "news_url", rq_url(q, "/aktuelles"));
	return 0;
}

static int
news_init(struct app *app, struct err *e)
{
	app_route(app, HTTP_GET, "/aktuelles", news_list_page, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/aktuelles/feed.atom", news_feed, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/aktuelles/:slug", news_article_page, ROUTE_CACHE, 0);
	news_letter_register(app);
	news_issue_register(app);
	news_image_register(app);
	return ed_kind_register(app, &news_edit_kind, e);
}

static const struct feature_link staff_links[] = {
	{"/verwaltung/aktuelles", "ed.news.list", ROLE_ADMIN | ROLE_EDITOR},
	{"/verwaltung/newsletter", "news.nl.staff", ROLE_ADMIN | ROLE_EDITOR},
	{NULL, NULL, 0},
};

const struct feature news_feature = {
	.name = "news",
	.init = news_init,
	.home = news_on_home,
	.search = &news_search_source,
	.staff = staff_links,
};
