/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The Atom feed of a tenant's news (RFC 4287), /aktuelles/feed.atom: the
 * newest NEWS_FEED_ENTRIES visible articles of its scope with title,
 * summary (the teaser), categories and times.  Every URL is absolute and
 * comes from the configuration (public_url or the tenant's own domain),
 * never from the request's Host header.
 */
#include "features/news/news_int.h"

#include "core/buf.h"
#include "core/xml.h"

#include <string.h>
#include <time.h>

/* An element with escaped text content. */
static void
element(struct buf *b, const char *name, const char *text)
{
	(void)buf_addf(b, "<%s>", name);
	xml_escape(b, text);
	(void)buf_addf(b, "</%s>\n", name);
}

/* RFC 3339 in UTC: "2026-12-03T19:58:44Z". */
static void
when(struct buf *b, const char *name, int64_t t)
{
	char s[XML_TIME_LEN + 1];

	xml_time_format(t, s);
	element(b, name, s);
}

static void
feed_link(struct buf *b, const char *rel, const char *type, const char *href)
{
	(void)buf_addf(b, "<link rel=\"%s\" type=\"%s\" href=\"", rel, type);
	xml_escape(b, href);
	(void)buf_adds(b, "\"/>\n");
}

/* The tenant that published `n`, for its absolute URLs. */
static struct tenant *
owner_of(struct rq *q, const struct news_article *n)
{
	struct tenant *t = arena_calloc(q->a, 1, sizeof(*t));

	t->id = n->tenant_id;
	t->slug = n->tenant_slug;
	t->name = n->tenant_name;
	t->host = n->tenant_host;
	return t;
}

static void
entry(struct rq *q, struct buf *b, const struct news_article *n)
{
	const char *url = news_abs(q, owner_of(q, n), news_path(q, n));
	struct news_category *c = NULL;
	size_t nc = 0;

	(void)buf_adds(b, "<entry>\n");
	element(b, "id", url);
	element(b, "title", n->title);
	when(b, "published", n->published_at);
	when(b, "updated", n->updated_at > n->published_at ? n->updated_at : n->published_at);
	feed_link(b, "alternate", "text/html", url);
	if (n->tenant_id != q->tenant->id) {
		(void)buf_adds(b, "<author>");
		element(b, "name", n->tenant_name);
		(void)buf_adds(b, "</author>\n");
	}
	if (news_categories_of(q->db, n->id, q->a, &c, &nc, &q->err) == 0)
		for (size_t i = 0; i < nc; i++) {
			(void)buf_adds(b, "<category term=\"");
			xml_escape(b, c[i].slug);
			(void)buf_adds(b, "\" label=\"");
			xml_escape(b, c[i].name);
			(void)buf_adds(b, "\"/>\n");
		}
	if (n->teaser[0])
		element(b, "summary", n->teaser);
	(void)buf_adds(b, "</entry>\n");
}

static void
head(struct rq *q, struct buf *b, int64_t updated)
{
	(void)buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			  "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"de\">\n");
	element(b, "id", news_abs(q, q->tenant, "/aktuelles"));
	element(b, "title",
		arena_printf(q->a, "%s – %s", rq_msg(q, "news.title"), q->tenant->name));
	when(b, "updated", updated);
	feed_link(b, "self", "application/atom+xml",
		  news_abs(q, q->tenant, "/aktuelles/feed.atom"));
	feed_link(b, "alternate", "text/html", news_abs(q, q->tenant, "/aktuelles"));
	(void)buf_adds(b, "<author>");
	element(b, "name", q->tenant->name);
	element(b, "uri", news_abs(q, q->tenant, "/"));
	(void)buf_adds(b, "</author>\n");
}

void
news_feed(struct rq *q)
{
	struct news_query nq = {.limit = NEWS_FEED_ENTRIES, .now = (int64_t)time(NULL)};
	struct news_article *v = NULL;
	int64_t total = 0, updated = 0;
	size_t n = 0;
	int rc = news_list(q->db, q->tenant, &nq, q->a, &v, &n, &total, &q->err);
	struct buf *b = &q->resp->body;

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].updated_at > updated)
			updated = v[i].updated_at;
		if (v[i].published_at > updated)
			updated = v[i].published_at;
	}
	q->resp->status = 200;
	q->resp->content_type = "application/atom+xml; charset=utf-8";
	buf_reset(b);
	head(q, b, updated ? updated : 0);
	for (size_t i = 0; i < n; i++)
		entry(q, b, &v[i]);
	(void)buf_adds(b, "</feed>\n");
	if (b->toobig)
		rq_error(q, 500, NULL);
}
