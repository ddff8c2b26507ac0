/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The demo's news: a JSON array of articles
 *   [{"slug", "title", "teaser", "body", "categories": [...], "days_ago": 3}]
 * loaded as published articles of one tenant, dated `days_ago` days back
 * from the load.  Articles whose slug exists are left as they are.
 */
#include "features/news/news_int.h"

#include "db/db.h"

#include <jansson.h>
#include <time.h>

#define DAY_S 86400

static int
load_one(struct db *db, const struct tenant *t, json_t *o, int64_t now, struct err *e)
{
	static const char insert[] =
		"INSERT INTO news (tenant_id, slug, status, title, teaser, body, published_at, "
		"created_at, updated_at) VALUES ($1, $2, 'published', $3, $4, $5, $6, $6, $6) "
		"ON CONFLICT (tenant_id, slug) DO NOTHING";
	static const char cat[] = "INSERT INTO news_category (news_id, tenant_id, slug, name) "
				  "SELECT id, tenant_id, $3, $4 FROM news WHERE tenant_id = $1 AND "
				  "slug = $2 ON CONFLICT (news_id, slug) DO NOTHING";
	const char *slug = json_string_value(json_object_get(o, "slug"));
	const char *title = json_string_value(json_object_get(o, "title"));
	json_t *cats = json_object_get(o, "categories"), *c;
	int64_t at = now - DAY_S * json_integer_value(json_object_get(o, "days_ago"));
	struct arena a;
	size_t i;
	int rc;

	if (!slug || !title || !tenant_slug_valid(slug))
		return err_set(e, ERR_INVALID, NULL, "demo article without slug or title");
	rc = db_run(db, e, insert, DB_INT(t->id), DB_TEXT(slug), DB_TEXT(title),
		    DB_TEXT(json_string_value(json_object_get(o, "teaser"))),
		    DB_TEXT(json_string_value(json_object_get(o, "body"))), DB_INT(at));
	arena_init(&a);
	json_array_foreach(cats, i, c)
	{
		const char *name = json_string_value(c);

		if (rc == 0 && name)
			rc = db_run(db, e, cat, DB_INT(t->id), DB_TEXT(slug),
				    DB_TEXT(news_slugify(name, NEWS_CATEGORY_MAX, &a)),
				    DB_TEXT(name));
	}
	arena_release(&a);
	return rc;
}

int
news_demo_load(struct db *db, const struct tenant *t, const char *path, struct err *e)
{
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je), *o;
	int64_t now = (int64_t)time(NULL);
	size_t i;
	int rc;

	if (!doc)
		return err_set(e, ERR_IO, NULL, "%s:%d: %s", path, je.line, je.text);
	if (!json_is_array(doc)) {
		json_decref(doc);
		return err_set(e, ERR_INVALID, NULL, "%s: not a JSON array", path);
	}
	rc = db_begin(db, e);
	if (rc == 0) {
		json_array_foreach(doc, i, o)
		{
			rc = load_one(db, t, o, now, e);
			if (rc)
				break;
		}
		rc = db_end(db, rc, e);
	}
	json_decref(doc);
	return rc;
}
