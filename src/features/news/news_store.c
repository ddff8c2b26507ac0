/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The articles' rows.  Public reads see only published articles whose
 * publication time has come and that have not expired; a portal network
 * sees its members' articles too.  Every query is bound to a tenant.
 */
#include "features/news/news_int.h"

#include "db/db.h"

#include <string.h>

#define ARTICLE_COLS                                                                               \
	"n.id, n.tenant_id, n.slug, n.title, n.teaser, n.body, n.image_id, n.image_alt, "          \
	"n.status, n.published_at, n.expires_at, n.updated_at, tn.slug, tn.name, "                 \
	"COALESCE(tn.host, '') "

/* $1 the tenant, $2 1 when it is a network (its members' articles count). */
#define IN_SCOPE                                                                                   \
	"(n.tenant_id = $1 OR ($2 = 1 AND n.tenant_id IN (SELECT id FROM tenant WHERE "            \
	"parent_id = $1)))"

static void
read_article(struct db_stmt *st, struct arena *a, void *row)
{
	struct news_article *n = row;

	n->id = db_col_int64(st, 0);
	n->tenant_id = db_col_int64(st, 1);
	db_cols_dup(st, 2, a, &n->slug, &n->title, &n->teaser, &n->body, &n->image_id,
		    &n->image_alt, &n->status);
	db_cols_int64(st, 9, &n->published_at, &n->expires_at, &n->updated_at);
	db_cols_dup(st, 12, a, &n->tenant_slug, &n->tenant_name, &n->tenant_host);
}

static int64_t
is_network(const struct tenant *t)
{
	return t->kind == TENANT_NETWORK ? 1 : 0;
}

int
news_list(struct db *db, const struct tenant *t, const struct news_query *q, struct arena *a,
	  struct news_article **out, size_t *n, int64_t *total, struct err *e)
{
	static const char count_sql[] =
		"SELECT count(*) FROM news n WHERE " IN_SCOPE " AND " NEWS_VISIBLE(
			"$3") " AND ($4 = '' OR EXISTS (SELECT 1 FROM news_category c WHERE "
			      "c.news_id = n.id AND c.slug = $4))";
	static const char list_sql[] =
		"SELECT " ARTICLE_COLS
		"FROM news n JOIN tenant tn ON tn.id = n.tenant_id WHERE " IN_SCOPE
		" AND " NEWS_VISIBLE(
			"$3") " AND ($4 = '' OR EXISTS (SELECT 1 FROM news_category c "
			      "WHERE c.news_id = n.id AND c.slug = $4)) "
			      "ORDER BY n.published_at DESC, n.id DESC LIMIT $5 OFFSET $6";
	const char *cat = q->category ? q->category : "";
	int rc = db_int64(db, e, total, count_sql, DB_INT(t->id), DB_INT(is_network(t)),
			  DB_INT(q->now), DB_TEXT(cat));

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	return db_list_of(db, e, list_sql, a, read_article, out, n, DB_INT(t->id),
			  DB_INT(is_network(t)), DB_INT(q->now), DB_TEXT(cat), DB_INT(q->limit),
			  DB_INT(q->offset));
}

static int
find(struct db *db, const struct tenant *t, const char *slug, int64_t now, bool public,
     struct arena *a, struct news_article **out, struct err *e)
{
	static const char public_sql[] =
		"SELECT " ARTICLE_COLS "FROM news n JOIN tenant tn ON tn.id = n.tenant_id "
		"WHERE n.tenant_id = $1 AND n.slug = $2 AND " NEWS_VISIBLE("$3");
	static const char any_sql[] =
		"SELECT " ARTICLE_COLS "FROM news n JOIN tenant tn ON tn.id = n.tenant_id "
		"WHERE n.tenant_id = $1 AND n.slug = $2";
	int rc = db_get_of(db, e, public ? public_sql : any_sql, a, read_article, out,
			   DB_INT(t->id), DB_TEXT(slug), DB_INT(now));

	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "error.404.text", "no article '%s' of tenant '%s'",
			       slug, t->slug);
	return rc;
}

int
news_find(struct db *db, const struct tenant *t, const char *slug, int64_t now, struct arena *a,
	  struct news_article **out, struct err *e)
{
	return find(db, t, slug, now, true, a, out, e);
}

int
news_find_any(struct db *db, const struct tenant *t, const char *slug, struct arena *a,
	      struct news_article **out, struct err *e)
{
	return find(db, t, slug, 0, false, a, out, e);
}

int
news_find_id(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
	     struct news_article **out, struct err *e)
{
	static const char sql[] =
		"SELECT " ARTICLE_COLS "FROM news n JOIN tenant tn ON tn.id = n.tenant_id "
		"WHERE n.tenant_id = $1 AND n.id = $2";
	int rc = db_get_of(db, e, sql, a, read_article, out, DB_INT(t->id), DB_INT(id));

	if (rc == ERR_NOTFOUND)
		rc = err_set(e, ERR_NOTFOUND, "error.404.text", "no article %lld", (long long)id);
	return rc;
}

static void
read_category(struct db_stmt *st, struct arena *a, void *row)
{
	struct news_category *c = row;

	db_cols_dup(st, 0, a, &c->slug, &c->name);
}

int
news_categories_of(struct db *db, int64_t id, struct arena *a, struct news_category **out,
		   size_t *n, struct err *e)
{
	return db_list_of(db, e,
			  "SELECT slug, name FROM news_category WHERE news_id = $1 ORDER BY name",
			  a, read_category, out, n, DB_INT(id));
}

int
news_categories_used(struct db *db, const struct tenant *t, int64_t now, struct arena *a,
		     struct news_category **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT c.slug, min(c.name) FROM news_category c JOIN news n ON "
		"n.id = c.news_id WHERE " IN_SCOPE
		" AND " NEWS_VISIBLE("$3") " GROUP BY c.slug ORDER BY min(c.name)";
	return db_list_of(db, e, sql, a, read_category, out, n, DB_INT(t->id),
			  DB_INT(is_network(t)), DB_INT(now));
}

int
news_list_all(struct db *db, const struct tenant *t, struct arena *a, struct news_article **out,
	      size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT " ARTICLE_COLS "FROM news n JOIN tenant tn ON tn.id = n.tenant_id "
		"WHERE n.tenant_id = $1 ORDER BY n.created_at DESC, n.id DESC";
	return db_list_of(db, e, sql, a, read_article, out, n, DB_INT(t->id));
}

int
news_create(struct db *db, const struct tenant *t, const char *title, int64_t now, struct arena *a,
	    const char **slug, struct err *e)
{
	static const char sql[] = "INSERT INTO news (tenant_id, slug, title, created_at, "
				  "updated_at) VALUES ($1, $2, $3, $4, $4)";
	const char *base = news_slugify(title, NEWS_SLUG_MAX - 4, a);
	int64_t used = 0;
	int rc;

	if (!base[0])
		base = "meldung";
	for (int i = 1; i < 100; i++) {
		const char *s = i == 1 ? base : arena_printf(a, "%s-%d", base, i);

		rc = db_int64(db, e, &used,
			      "SELECT count(*) FROM news WHERE tenant_id = $1 AND slug = $2",
			      DB_INT(t->id), DB_TEXT(s));
		if (rc)
			return rc;
		if (used == 0) {
			*slug = s;
			return db_run(db, e, sql, DB_INT(t->id), DB_TEXT(s), DB_TEXT(title),
				      DB_INT(now));
		}
	}
	return err_set(e, ERR_CONFLICT, "news.err.slug", "no free slug for '%s'", base);
}

int
news_save(struct db *db, const struct tenant *t, const char *slug, const struct news_article *in,
	  const struct news_category *cats, size_t n_cats, int64_t now, struct err *e)
{
	static const char sql[] =
		"UPDATE news SET status = 'published', title = $3, teaser = $4, body = $5, "
		"image_id = $6, image_alt = $7, expires_at = $8, updated_at = $9, "
		"published_at = CASE WHEN published_at = 0 THEN $9 ELSE published_at END "
		"WHERE tenant_id = $1 AND slug = $2";
	static const char cat_sql[] = "INSERT INTO news_category (news_id, tenant_id, slug, name) "
				      "SELECT id, tenant_id, $3, $4 FROM news WHERE tenant_id = $1 "
				      "AND slug = $2";
	int64_t changed = 0;
	int rc =
		db_run_count(db, e, &changed, sql, DB_INT(t->id), DB_TEXT(slug), DB_TEXT(in->title),
			     DB_TEXT(in->teaser), DB_TEXT(in->body), DB_TEXT(in->image_id),
			     DB_TEXT(in->image_alt), DB_INT(in->expires_at), DB_INT(now));

	if (rc == 0 && changed == 0)
		return err_set(e, ERR_NOTFOUND, "error.404.text", "no article '%s'", slug);
	if (rc == 0)
		rc = db_run(db, e,
			    "DELETE FROM news_category WHERE news_id IN (SELECT id FROM news "
			    "WHERE tenant_id = $1 AND slug = $2)",
			    DB_INT(t->id), DB_TEXT(slug));
	for (size_t i = 0; rc == 0 && i < n_cats; i++)
		rc = db_run(db, e, cat_sql, DB_INT(t->id), DB_TEXT(slug), DB_TEXT(cats[i].slug),
			    DB_TEXT(cats[i].name));
	return rc;
}

int
news_image_ok(struct db *db, const struct tenant *t, const char *id, bool *ok, struct err *e)
{
	int64_t n = 0;
	int rc = db_int64(db, e, &n,
			  "SELECT count(*) FROM file WHERE tenant_id = $1 AND id = $2 AND "
			  "purpose = 'image' AND is_public = 1",
			  DB_INT(t->id), DB_TEXT(id));

	*ok = rc == 0 && n > 0;
	return rc;
}
