/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The tenant's sitemap (sitemaps.org 0.9): home, the catalogue's index pages,
 * every Themenfeld and Lage, every service it offers and every office, as
 * absolute URLs: on the tenant's own domain when it was asked there, else
 * under the configured `public_url` (never the Host header, which the client
 * chooses).  A sitemap holds at most 50,000 URLs; a tenant offers a few
 * thousand services.
 */
#include "features/catalog/svc_int.h"
#include "features/catalog/svc_view.h"

#include "features/offices/office.h"

#include <string.h>

#define SITEMAP_MAX 50000

/* Append `s` with the characters XML reserves escaped, in runs. */
static void
add_escaped(struct buf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep = *s == '&'   ? "&amp;"
				  : *s == '<' ? "&lt;"
				  : *s == '>' ? "&gt;"
					      : NULL;

		if (rep) {
			buf_add(b, run, (size_t)(s - run));
			buf_adds(b, rep);
			run = s + 1;
		}
	}
	buf_add(b, run, (size_t)(s - run));
}

/* Append one <url>: the origin, then the parts of the path up to a NULL. */
static void
add_url_parts(struct buf *b, const char *origin, const char *const *parts)
{
	buf_adds(b, "<url><loc>");
	buf_adds(b, origin);
	for (; *parts; parts++)
		add_escaped(b, *parts);
	buf_adds(b, "</loc></url>\n");
}

static void
add_url(struct buf *b, const char *origin, const char *path)
{
	add_url_parts(b, origin, (const char *const[]){path, NULL});
}

/* "https://portal.example" without a trailing slash, in the request arena. */
static const char *
origin_of(struct rq *q)
{
	const struct config *cfg = &q->app->cfg;
	const char *scheme =
		q->http->https || strncmp(cfg->public_url, "https:", 6) == 0 ? "https" : "http";
	size_t n = strlen(cfg->public_url);

	if (q->tenant && q->tenant->host[0] && q->base[0] == '\0')
		return arena_printf(q->a, "%s://%s", scheme, q->tenant->host);
	if (n == 0) /* the port really bound: "listen = host:0" takes any free one */
		return arena_printf(q->a, "http://%s:%d", cfg->listen_host,
				    q->app->server ? http_server_port(q->app->server)
						   : cfg->listen_port);
	while (n > 0 && cfg->public_url[n - 1] == '/')
		n--;
	return arena_printf(q->a, "%.*s", (int)n, cfg->public_url);
}

static int
add_topics(struct rq *q, struct buf *b, const char *origin, const char *kind, const char *prefix)
{
	struct svc_topic *tps;
	size_t n;
	int rc = svc_offered_topics(q, kind, &tps, &n);

	for (size_t i = 0; rc == 0 && i < n; i++)
		add_url(b, origin, rq_url(q, arena_printf(q->a, "%s/%s", prefix, tps[i].slug)));
	return rc;
}

static void
sitemap(struct rq *q)
{
	static const char *const pages[] = {
		"/", "/leistungen", "/themen", "/lebenslagen", "/unternehmenslagen", "/stellen"};
	struct svc_filter f = {.limit = SITEMAP_MAX, .no_text = true};
	struct svc_item *items;
	struct office *offices;
	struct buf *b = &q->resp->body;
	const char *origin = origin_of(q);
	size_t n, no;
	int rc;

	rc = svc_offered(q, &f, &items, &n, NULL);
	if (rc == 0)
		rc = office_list(q->db, q->tenant, q->a, &offices, &no, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		add_url(b, origin, rq_url(q, pages[i]));
	rc = add_topics(q, b, origin, "themenfeld", "/themen");
	if (rc == 0)
		rc = add_topics(q, b, origin, "lebenslage", "/lebenslagen");
	if (rc == 0)
		rc = add_topics(q, b, origin, "unternehmenslage", "/unternehmenslagen");
	if (rc) {
		buf_reset(b);
		rq_fail(q, rc);
		return;
	}
	/* rq_url(path) is the base and the path: the parts are appended as they are. */
	for (size_t i = 0; i < n; i++)
		add_url_parts(b, origin,
			      (const char *const[]){q->base, "/leistungen/", items[i].slug, "-",
						    items[i].leika, NULL});
	for (size_t i = 0; i < no; i++)
		add_url(b, origin, rq_url(q, arena_printf(q->a, "/stellen/%s", offices[i].slug)));
	buf_adds(b, "</urlset>\n");
	q->resp->content_type = "application/xml";
	http_resp_header(q->http, q->resp, "Cache-Control", "public, max-age=3600");
}

/* robots.txt names the sitemap of the tenant served on this host. */
static void
robots(struct rq *q)
{
	q->resp->content_type = "text/plain; charset=utf-8";
	buf_adds(&q->resp->body, "User-agent: *\nDisallow: /verwaltung\nDisallow: /anmelden\n");
	if (q->tenant)
		buf_addf(&q->resp->body, "Sitemap: %s%s\n", origin_of(q),
			 rq_url(q, "/sitemap.xml"));
}

void
svc_sitemap_register(struct app *app)
{
	app_route(app, HTTP_GET, "/sitemap.xml", sitemap, ROUTE_CACHE, 0);
	app_route(app, HTTP_GET, "/robots.txt", robots, ROUTE_TENANT_OPTIONAL | ROUTE_CACHE, 0);
}
