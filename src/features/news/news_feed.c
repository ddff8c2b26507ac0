/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The Atom feed of a tenant's news (RFC 4287), /aktuelles/feed.atom: the
 * newest NEWS_FEED_ENTRIES visible articles of its scope with title,
 * summary (the teaser), categories and times.  Every URL is absolute and
 * comes from the configuration (public_url or the tenant's own domain),
 * never from the request's Host header.
 */
#include "features/news/news_int.h"

#include "core/atom.h"
#include "core/buf.h"

#include <string.h>
#include <time.h>

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
entry(struct rq *q, struct xml_writer *x, const struct news_article *n)
{
	struct news_category *c = NULL;
	const char **cats = NULL;
	size_t nc = 0;

	if (news_categories_of(q->db, n->id, q->a, &c, &nc, &q->err) == 0 && nc > 0) {
		cats = arena_alloc(q->a, 2 * nc * sizeof(*cats));
		for (size_t i = 0; i < nc; i++) {
			cats[2 * i] = c[i].slug;
			cats[2 * i + 1] = c[i].name;
		}
	} else {
		nc = 0;
	}
	atom_entry(x, &(struct atom_entry){
			      .id = news_abs(q, owner_of(q, n), news_path(q, n)),
			      .title = n->title,
			      .summary = n->teaser,
			      .author = n->tenant_id != q->tenant->id ? n->tenant_name : NULL,
			      .published = n->published_at,
			      .updated = n->updated_at > n->published_at ? n->updated_at
									 : n->published_at,
			      .categories = cats,
			      .n_categories = nc,
		      });
}

void
news_feed(struct rq *q)
{
	struct news_query nq = {.limit = NEWS_FEED_ENTRIES, .now = (int64_t)time(NULL)};
	struct news_article *v = NULL;
	int64_t total = 0;
	size_t n = 0;
	int rc = news_list(q->db, q->tenant, &nq, q->a, &v, &n, &total, &q->err);
	struct buf *b = &q->resp->body;
	struct atom_feed f = {
		.id = news_abs(q, q->tenant, "/aktuelles"),
		.self = news_abs(q, q->tenant, "/aktuelles/feed.atom"),
		.title = arena_printf(q->a, "%s – %s", rq_msg(q, "news.title"), q->tenant->name),
		.author = q->tenant->name,
		.author_uri = news_abs(q, q->tenant, "/"),
	};
	struct xml_writer x;

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].updated_at > f.updated)
			f.updated = v[i].updated_at;
		if (v[i].published_at > f.updated)
			f.updated = v[i].published_at;
	}
	q->resp->status = 200;
	q->resp->content_type = "application/atom+xml; charset=utf-8";
	buf_reset(b);
	atom_begin(&x, b, &f);
	for (size_t i = 0; i < n; i++)
		entry(q, &x, &v[i]);
	atom_end(&x);
	if (b->toobig)
		rq_error(q, 500, NULL);
}
