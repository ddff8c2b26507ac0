/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of the news feature share: articles, their storage and the pieces of pages. */
#ifndef RATHAUS_NEWS_INT_H
#define RATHAUS_NEWS_INT_H

#include "features/news/news.h"

#include "app/app.h"
#include "core/arena.h"
#include "features/editor/editor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NEWS_PAGE_SIZE 10     /* articles per page of the list */
#define NEWS_FEED_ENTRIES 20  /* entries of the Atom feed */
#define NEWS_TITLE_MAX 200    /* bytes of a title */
#define NEWS_TEASER_MAX 600   /* bytes of a teaser */
#define NEWS_BODY_MAX 20000   /* bytes of the Markdown body */
#define NEWS_CATEGORIES_MAX 5 /* categories of one article */
#define NEWS_CATEGORY_MAX 60  /* bytes of one category name */
#define NEWS_SLUG_MAX 80      /* bytes of a slug */

/* An article as the public pages show it. */
struct news_article {
	int64_t id, tenant_id;
	const char *slug, *title, *teaser, *body;
	const char *image_id, *image_alt; /* "" when there is no image */
	const char *status;		  /* "draft" or "published" */
	int64_t published_at, expires_at, updated_at;
	const char *tenant_slug, *tenant_name, *tenant_host; /* who published it */
};

struct news_category {
	const char *slug, *name;
};

/* The SQL condition of an article `n` citizens may see at $now (a parameter name). */
#define NEWS_VISIBLE(now)                                                                          \
	"n.status = 'published' AND n.published_at <= " now " AND (n.expires_at = 0 OR "           \
	"n.expires_at > " now ")"

/* ---- Categories (news_category.c, pure) --------------------------------- */

/*
 * The categories of `text`, names separated by commas (any bytes): each
 * name trimmed, control characters refused, at most NEWS_CATEGORY_MAX bytes;
 * empty names and names whose slug repeats an earlier one are dropped.
 * Writes up to `max` into `out` (in `a`) and returns the count, or -1 when a
 * name is too long, not UTF-8, has a control character or has no letter or
 * digit, or there are more than `max`.
 */
int news_categories_parse(const char *text, struct arena *a, struct news_category *out, size_t max);
/*
 * The slug of `text`: lower-case ASCII letters and digits, ä/ö/ü/ß as
 * ae/oe/ue/ss, other runs as one '-', at most `max` bytes; "" when none.
 */
char *news_slugify(const char *text, size_t max, struct arena *a);

/* ---- Storage (news_store.c) --------------------------------------------- */

/* A list query: the tenant's (and a network's members') visible articles. */
struct news_query {
	const char *category; /* a category slug, or NULL */
	int64_t offset, limit;
	int64_t now;
};

/* Articles of `q` best first; *out and *n in arena `a`, *total the number without paging. */
int news_list(struct db *db, const struct tenant *t, const struct news_query *q, struct arena *a,
	      struct news_article **out, size_t *n, int64_t *total, struct err *e) MUST_CHECK;
/* Visible article `slug` of `t` at `now`, or ERR_NOTFOUND. */
int news_find(struct db *db, const struct tenant *t, const char *slug, int64_t now, struct arena *a,
	      struct news_article **out, struct err *e) MUST_CHECK;
/* Article `slug` of `t` in any state, or ERR_NOTFOUND. */
int news_find_any(struct db *db, const struct tenant *t, const char *slug, struct arena *a,
		  struct news_article **out, struct err *e) MUST_CHECK;
/* Article `id` of `t` in any state, or ERR_NOTFOUND. */
int news_find_id(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
		 struct news_article **out, struct err *e) MUST_CHECK;
/* The categories of article `id`, by name. */
int news_categories_of(struct db *db, int64_t id, struct arena *a, struct news_category **out,
		       size_t *n, struct err *e) MUST_CHECK;
/* The categories of the visible articles of `t`'s scope, by name. */
int news_categories_used(struct db *db, const struct tenant *t, int64_t now, struct arena *a,
			 struct news_category **out, size_t *n, struct err *e) MUST_CHECK;
/* Every article of `t` (any state), newest first, for the staff list. */
int news_list_all(struct db *db, const struct tenant *t, struct arena *a, struct news_article **out,
		  size_t *n, struct err *e) MUST_CHECK;
/* A new draft article with a fresh slug made of `title`; *slug lives in `a`. */
int news_create(struct db *db, const struct tenant *t, const char *title, int64_t now,
		struct arena *a, const char **slug, struct err *e) MUST_CHECK;
/*
 * Write the public row of article `slug` from `in` (title, teaser, body,
 * image, expiry) and its categories; it becomes published, with
 * published_at kept from an earlier publication or set to `now`.
 */
int news_save(struct db *db, const struct tenant *t, const char *slug,
	      const struct news_article *in, const struct news_category *cats, size_t n_cats,
	      int64_t now, struct err *e) MUST_CHECK;
/* Whether `id` is a public image file of `t` (use "image"). */
int news_image_ok(struct db *db, const struct tenant *t, const char *id, bool *ok,
		  struct err *e) MUST_CHECK;

/* ---- Pages --------------------------------------------------------------- */

extern const struct ed_kind news_edit_kind;
/* The articles as documents of the citizen search (news_search.c). */
extern const struct search_source news_search_source;

/* The path below the article's own tenant: "/aktuelles/<slug>", in the arena. */
const char *news_path(struct rq *q, const struct news_article *n);
/* A link to the article from a page of q->tenant (another tenant's by its domain or path). */
const char *news_href(struct rq *q, const struct news_article *n);
/* "3. Dezember 2026" of `utc` in the request's language, in the arena. */
const char *news_date(struct rq *q, int64_t utc);
/* The absolute URL of `path` of tenant `t` (public_url, never the Host header). */
const char *news_abs(struct rq *q, const struct tenant *t, const char *path);
/* An article as a template map: title, url, teaser, date, categories. */
struct view_val *news_item(struct rq *q, const struct news_article *n);
/* The feed's URL in the head of a page: q->page "feed_url". */
void news_advertise(struct rq *q);

/* The Atom feed (news_feed.c). */
void news_feed(struct rq *q);
/* The newest articles on the home page (news_routes.c). */
int news_on_home(struct rq *q);

/* The newsletter (news_letter.c, news_issue.c). */
struct mailer;
/*
 * A fresh one-click unsubscribe URL for subscriber `sub` of `t` (absolute,
 * in `a`); its token's hash is stored on `db` (inside the caller's
 * transaction).  Returns 0 or an error.
 */
int news_unsub_link(struct db *db, const struct mailer *m, const struct tenant *t, int64_t sub,
		    int64_t now, struct arena *a, const char **url, struct err *e) MUST_CHECK;
void news_letter_register(struct app *app);
void news_issue_register(struct app *app);
/* The image upload of the staff (news_image.c). */
void news_image_register(struct app *app);

#endif
