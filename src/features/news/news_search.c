/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The visible articles of a scope as documents for the citizen search
 * (search.h), found by title, teaser and text.  Whether an
 * article is visible is decided when the index is built; an article that
 * expires later stays in the index until the next change of any article
 * rebuilds it (its page is then a 404 until that happens).
 */
#include "features/news/news_int.h"

#include "db/db.h"
#include "features/search/search.h"

#include <stdio.h>
#include <time.h>

static void
news_row(struct search_feed *f, struct db_stmt *st)
{
	int64_t now = (int64_t)time(NULL), at = db_col_int64(st, 4), until = db_col_int64(st, 5);
	char url[160], id[240];
	uint32_t d;

	if (at > now || (until && until <= now))
		return;
	snprintf(url, sizeof(url), "/aktuelles/%s", db_col_text(st, 0));
	snprintf(id, sizeof(id), "%s%s", db_col_text(st, 6), url); /* slugs repeat across tenants */
	d = search_feed_doc(f, SEARCH_PAGE, id, db_col_text(st, 1), url, db_col_text(st, 6));
	search_feed_text(f, d, SEARCH_F_TITLE, db_col_text(st, 1));
	search_feed_text(f, d, SEARCH_F_SHORT, db_col_text(st, 2));
	search_feed_text(f, d, SEARCH_F_TEXT, db_col_text(st, 3));
	search_feed_snippet(f, d, db_col_text(st, 2), false);
}

static int
load(struct search_feed *f, struct err *e)
{
	static const char sql[] =
		"SELECT n.slug, n.title, n.teaser, n.body, n.published_at, n.expires_at, tn.slug "
		"FROM news n JOIN tenant tn ON tn.id = n.tenant_id WHERE n.status = "
		"'published' AND " SEARCH_IN_SCOPE("n.tenant_id") " ORDER BY n.published_at DESC";

	return search_feed_run(f, sql, news_row, e);
}

const struct search_source news_search_source = {
	.name = "news",
	.load = load,
	.fingerprint_sql = "SELECT count(*), COALESCE(max(updated_at), 0) FROM news",
};
