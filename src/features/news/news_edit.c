/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A news article as an editable snapshot (editor.h, kind "news"):
 *   {"title", "teaser", "body" (Markdown), "image" (a file id), "image_alt",
 *    "categories" ("Verkehr, Kultur"), "expires" ("YYYY-MM-DDTHH:MM" or "")}
 * The slug is made once from the first title and kept.  Publication writes
 * the public row; until the first one the article stays a draft that no
 * public page shows.
 */
#include "features/news/news_int.h"

#include "app/rq_rows.h"
#include "core/civil.h"
#include "files/files.h"

#include <string.h>
#include <time.h>

#define ALT_MAX 300

static const char *const FIELDS[] = {"title",	  "teaser",	"body",	  "image",
				     "image_alt", "categories", "expires"};
#define N_FIELDS (sizeof(FIELDS) / sizeof(FIELDS[0]))

static int
load(struct rq *q, const char *slug, struct news_article **n)
{
	if (!tenant_slug_valid(slug) || strlen(slug) > NEWS_SLUG_MAX)
		return err_set(&q->err, ERR_NOTFOUND, "error.404.text", "bad article slug");
	return news_find_any(q->db, q->tenant, slug, q->a, n, &q->err);
}

static int
news_title(struct rq *q, const char *slug, const char **title)
{
	struct news_article *n;
	int rc = load(q, slug, &n);

	if (rc == 0)
		*title = n->title;
	return rc;
}

static int
news_live(struct rq *q, const char *slug, json_t **out)
{
	struct news_article *n;
	struct news_category *c = NULL;
	size_t nc = 0;
	const char *cats = "";
	char exp[CIVIL_DATETIME_LEN + 1] = "";
	int rc = load(q, slug, &n);

	if (rc == 0)
		rc = news_categories_of(q->db, n->id, q->a, &c, &nc, &q->err);
	if (rc) {
		*out = json_object();
		return rc;
	}
	for (size_t i = 0; i < nc; i++)
		cats = arena_printf(q->a, "%s%s%s", cats, i ? ", " : "", c[i].name);
	if (n->expires_at)
		civil_utc_to_local(n->expires_at, true, exp);
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "title", n->title, "teaser",
			 n->teaser, "body", n->body, "image", n->image_id, "image_alt",
			 n->image_alt, "categories", cats, "expires", exp);
	return 0;
}

/* No control characters but line breaks and tabs where `multi`. */
static bool
clean(const char *s, bool multi)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && !(multi && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
			return false;
	}
	return true;
}

static void
check_image(struct rq *q, json_t *snap, struct ed_errors *errors)
{
	const char *id = ed_json_str(snap, "image"), *alt = ed_json_str(snap, "image_alt");
	bool ok = false;

	if (!id[0]) {
		if (alt[0] && !clean(alt, false))
			ed_error(q, errors, "image_alt", "ed.err.too_long");
		return;
	}
	if (!files_id_valid(id) || news_image_ok(q->db, q->tenant, id, &ok, &q->err) || !ok)
		ed_error(q, errors, "image", "ed.news.err.image");
	if (!alt[0])
		ed_error(q, errors, "image_alt", "ed.news.err.alt");
	else if (strlen(alt) > ALT_MAX || !clean(alt, false))
		ed_error(q, errors, "image_alt", "ed.err.too_long");
}

static void
check_fields(struct rq *q, json_t *snap, struct ed_errors *errors)
{
	const char *title = ed_json_str(snap, "title"), *teaser = ed_json_str(snap, "teaser");
	const char *body = ed_json_str(snap, "body"), *exp = ed_json_str(snap, "expires");
	struct news_category cats[NEWS_CATEGORIES_MAX];
	int64_t at = 0;

	if (!title[0])
		ed_error(q, errors, "title", "ed.err.required");
	else if (strlen(title) > NEWS_TITLE_MAX || !clean(title, false))
		ed_error(q, errors, "title", "ed.err.too_long");
	if (strlen(teaser) > NEWS_TEASER_MAX || !clean(teaser, true))
		ed_error(q, errors, "teaser", "ed.news.err.teaser");
	if (strlen(body) > NEWS_BODY_MAX || !clean(body, true))
		ed_error(q, errors, "body", "ed.err.too_long");
	if (news_categories_parse(ed_json_str(snap, "categories"), q->a, cats,
				  NEWS_CATEGORIES_MAX) < 0)
		ed_error(q, errors, "categories", "ed.news.err.categories");
	if (exp[0] && civil_local_to_utc(exp, &at))
		ed_error(q, errors, "expires", "ed.news.err.expires");
	check_image(q, snap, errors);
}

static json_t *
news_from_form(struct rq *q, const char *slug, struct ed_errors *errors)
{
	json_t *snap = json_object();

	(void)slug;
	for (size_t i = 0; i < N_FIELDS; i++)
		json_object_set_new(snap, FIELDS[i], json_string(ed_field(q, FIELDS[i])));
	check_fields(q, snap, errors);
	return snap;
}

static int
news_apply(struct db *db, const struct tenant *t, const char *slug, json_t *snap, int64_t now,
	   struct err *e)
{
	struct news_category cats[NEWS_CATEGORIES_MAX];
	struct news_article in = {
		.title = ed_json_str(snap, "title"),
		.teaser = ed_json_str(snap, "teaser"),
		.body = ed_json_str(snap, "body"),
		.image_id = ed_json_str(snap, "image"),
		.image_alt = ed_json_str(snap, "image_alt"),
	};
	const char *exp = ed_json_str(snap, "expires");
	struct arena a;
	int n, rc;

	arena_init(&a);
	n = news_categories_parse(ed_json_str(snap, "categories"), &a, cats, NEWS_CATEGORIES_MAX);
	if (n < 0 || (exp[0] && civil_local_to_utc(exp, &in.expires_at)))
		rc = err_set(e, ERR_INVALID, "ed.err.conflict", "bad snapshot of article '%s'",
			     slug);
	else
		rc = news_save(db, t, slug, &in, cats, (size_t)n, now, e);
	arena_release(&a);
	return rc;
}

static const char *
news_text(struct rq *q, json_t *snap)
{
	const char *s = "";

	for (size_t i = 0; i < N_FIELDS; i++) {
		const char *label = rq_msg(q, arena_printf(q->a, "ed.news.%s", FIELDS[i]));

		if (strcmp(FIELDS[i], "body") == 0)
			s = arena_printf(q->a, "%s\n## %s\n%s\n\n", s, label,
					 ed_json_str(snap, FIELDS[i]));
		else
			s = arena_printf(q->a, "%s%s: %s\n", s, label,
					 ed_json_str(snap, FIELDS[i]));
	}
	return s;
}

static void
news_form(struct rq *q, const char *slug, json_t *snap, bool preview)
{
	struct view_val *m = view_set(q->page, "news", view_map(q->a));

	for (size_t i = 0; i < N_FIELDS; i++)
		view_set_text(m, FIELDS[i], ed_json_str(snap, FIELDS[i]));
	if (preview)
		view_set(m, "preview", view_markdown(q->a, ed_json_str(snap, "body")));
	view_set_text(m, "public_url", rq_url(q, arena_printf(q->a, "/aktuelles/%s", slug)));
}

/* The tenant's articles with their workflow state, and the form that adds one. */
static void
news_staff_list(struct rq *q)
{
	struct news_article *v = NULL;
	const char *bild = http_query(q->http, "bild");
	struct view_val *l;
	size_t n = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = news_list_all(q->db, q->tenant, q->a, &v, &n, &q->err);
	l = rq_page_list(q, rc, "articles");
	if (!l)
		return;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = ed_list_row(q, l, &news_edit_kind, v[i].slug, v[i].status);

		view_set_text(m, "title", v[i].title);
	}
	if (bild && files_id_valid(bild))
		view_set_text(q->page, "image_id", bild);
	ed_render(q, "ed.news.list", "editor/news_list");
}

static void
news_staff_add(struct rq *q)
{
	const char *title = ed_field(q, "title"), *slug = NULL;
	int rc;

	if (!ed_may_edit(q))
		return;
	if (!title[0] || strlen(title) > NEWS_TITLE_MAX || !clean(title, false)) {
		rq_error(q, 422, "ed.news.err.new_title");
		return;
	}
	rc = news_create(q->db, q->tenant, title, (int64_t)time(NULL), q->a, &slug, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	ed_audit(q, "news.create", slug);
	rq_redirect(q, arena_printf(q->a, "/verwaltung/aktuelles/%s", slug));
}

const struct ed_kind news_edit_kind = {
	.name = "news",
	.path = "/aktuelles",
	.tpl = "editor/news",
	.list_label = "ed.news.list",
	.title_sql = "(SELECT n.title FROM news n WHERE n.tenant_id = r.tenant_id AND "
		     "n.slug = r.subject)",
	.body_limit = 64 * 1024,
	.markdown = true,
	.title = news_title,
	.live = news_live,
	.from_form = news_from_form,
	.apply = news_apply,
	.text = news_text,
	.form = news_form,
	.list = news_staff_list,
	.list_post = news_staff_add,
};
