/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The tenant's layer of a service as an editable snapshot:
 *   {"texts": {"fees": {"mode": "replace", "body": "..."}, ...},
 *    "online_url": "https://...", "office": "<office slug>" or "", "review_due": "YYYY-MM-DD" or
 * ""} read from the public rows, from the form, and written back on publication.
 */
#include "features/catalog/svc_view.h"

#include "db/db.h"
#include "features/editor/editor.h"
#include "features/offices/office.h"

#include <string.h>

#define TEXT_MAX 20000 /* bytes of one module's Markdown */

static int
svc_title(struct rq *q, const char *leika, const char **title)
{
	static const char sql[] = "SELECT s.title FROM tenant_service ts JOIN service s ON "
				  "s.leika = ts.leika WHERE ts.tenant_id = $1 AND ts.leika = $2";
	int rc;

	if (!svc_leika_valid(leika))
		return err_set(&q->err, ERR_NOTFOUND, "error.404.text", "no LeiKa key");
	rc = db_text(q->db, &q->err, q->a, title, sql, DB_INT(q->tenant->id), DB_TEXT(leika));
	if (rc == ERR_NOTFOUND)
		return err_set(&q->err, ERR_NOTFOUND, "error.404.text", "tenant offers no %s",
			       leika);
	return rc;
}

static int
live_head(struct db_stmt *st, void *ctx, struct err *e)
{
	json_t *snap = ctx;

	(void)e;
	json_object_set_new(snap, "online_url", json_string(db_col_text(st, 0)));
	json_object_set_new(snap, "review_due", json_string(db_col_text(st, 1)));
	json_object_set_new(snap, "office", json_string(db_col_text(st, 2)));
	return 0;
}

static int
live_text(struct db_stmt *st, void *ctx, struct err *e)
{
	(void)e;
	json_object_set_new(
		ctx, db_col_text(st, 0),
		json_pack("{s:s, s:s}", "mode", db_col_text(st, 1), "body", db_col_text(st, 2)));
	return 0;
}

static int
svc_live(struct rq *q, const char *leika, json_t **out)
{
	static const char head_sql[] =
		"SELECT ts.online_url, ts.review_due, COALESCE(o.slug, '') FROM tenant_service ts "
		"LEFT JOIN responsibility r ON r.tenant_id = ts.tenant_id AND r.leika = ts.leika "
		"LEFT JOIN office o ON o.tenant_id = r.tenant_id AND o.id = r.office_id "
		"WHERE ts.tenant_id = $1 AND ts.leika = $2";
	static const char text_sql[] = "SELECT module, mode, body FROM tenant_service_text "
				       "WHERE tenant_id = $1 AND leika = $2 ORDER BY module";
	json_t *snap = json_object(), *texts = json_object();
	int rc;

	json_object_set_new(snap, "texts", texts);
	*out = snap;
	rc = db_one(q->db, &q->err, head_sql, live_head, snap, DB_INT(q->tenant->id),
		    DB_TEXT(leika));
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	return db_each(q->db, &q->err, text_sql, live_text, texts, DB_INT(q->tenant->id),
		       DB_TEXT(leika));
}

/* `s` with CR LF and lone CR as LF, so stored texts and diffs have one kind of line end. */
static const char *
unix_lines(struct rq *q, const char *s)
{
	char *out = arena_strdup(q->a, s), *w = out;

	for (const char *r = s; *r; r++) {
		if (*r == '\r') {
			*w++ = '\n';
			if (r[1] == '\n')
				r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return out;
}

static bool
office_exists(struct rq *q, const char *slug)
{
	struct office *v;
	size_t n;

	if (office_list(q->db, q->tenant, q->a, &v, &n, &q->err))
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].slug, slug) == 0)
			return true;
	return false;
}

static json_t *
svc_from_form(struct rq *q, const char *leika, struct ed_errors *errors)
{
	json_t *snap = json_object(), *texts = json_object();
	const char *url = ed_field(q, "online_url"), *office = ed_field(q, "office"),
		   *due = ed_field(q, "review_due");

	(void)leika;
	json_object_set_new(snap, "texts", texts);
	for (int m = 0; m < SVC_N_MODULES; m++) {
		const char *name = svc_module_name(m);
		const char *body = unix_lines(q, ed_field(q, arena_printf(q->a, "text_%s", name)));
		const char *mode = ed_field(q, arena_printf(q->a, "mode_%s", name));

		if (!mode[0])
			mode = "append";
		if (strcmp(mode, "append") != 0 && strcmp(mode, "replace") != 0) {
			ed_error(q, errors, arena_printf(q->a, "mode_%s", name), "ed.err.mode");
			mode = "append";
		}
		if (strlen(body) > TEXT_MAX)
			ed_error(q, errors, arena_printf(q->a, "text_%s", name), "ed.err.too_long");
		if (body[0])
			json_object_set_new(texts, name,
					    json_pack("{s:s, s:s}", "mode", mode, "body", body));
	}
	if (url[0] && !ed_url_ok(url))
		ed_error(q, errors, "online_url", "ed.err.url");
	if (office[0] && !office_exists(q, office))
		ed_error(q, errors, "office", "ed.err.office");
	if (due[0] && !civil_date_valid(due))
		ed_error(q, errors, "review_due", "ed.err.date");
	json_object_set_new(snap, "online_url", json_string(url));
	json_object_set_new(snap, "office", json_string(office));
	json_object_set_new(snap, "review_due", json_string(due));
	return snap;
}

static int
write_texts(struct db *db, const struct tenant *t, const char *leika, json_t *texts, struct err *e)
{
	static const char del_sql[] =
		"DELETE FROM tenant_service_text WHERE tenant_id = $1 AND leika = $2";
	static const char ins_sql[] = "INSERT INTO tenant_service_text (tenant_id, leika, module, "
				      "mode, body) VALUES ($1, $2, $3, $4, $5)";
	const char *module;
	json_t *v;
	int rc = db_run(db, e, del_sql, DB_INT(t->id), DB_TEXT(leika));

	json_object_foreach(texts, module, v)
	{
		enum svc_module m;

		if (rc || svc_module_parse(module, &m))
			continue;
		rc = db_run(db, e, ins_sql, DB_INT(t->id), DB_TEXT(leika), DB_TEXT(module),
			    DB_TEXT(ed_json_str(v, "mode")), DB_TEXT(ed_json_str(v, "body")));
	}
	return rc;
}

static int
write_office(struct db *db, const struct tenant *t, const char *leika, const char *slug,
	     struct err *e)
{
	static const char set_sql[] =
		"INSERT INTO responsibility (tenant_id, leika, office_id) SELECT $1, $2, id "
		"FROM office WHERE tenant_id = $1 AND slug = $3 ON CONFLICT (tenant_id, leika) "
		"DO UPDATE SET office_id = excluded.office_id";
	static const char del_sql[] = "DELETE FROM responsibility WHERE tenant_id = $1 AND "
				      "leika = $2";

	if (slug[0])
		return db_run(db, e, set_sql, DB_INT(t->id), DB_TEXT(leika), DB_TEXT(slug));
	return db_run(db, e, del_sql, DB_INT(t->id), DB_TEXT(leika));
}

static int
svc_apply(struct db *db, const struct tenant *t, const char *leika, json_t *snap, int64_t now,
	  struct err *e)
{
	static const char public_sql[] = "SELECT count(*) FROM tenant_service WHERE tenant_id = $1 "
					 "AND leika = $2 AND status = 'published'";
	static const char head_sql[] =
		"UPDATE tenant_service SET status = 'published', online_url = $3, review_due = $4, "
		"updated_at = $5 WHERE tenant_id = $1 AND leika = $2";
	int64_t was_public = 0, changed = 0;
	int rc = db_int64(db, e, &was_public, public_sql, DB_INT(t->id), DB_TEXT(leika));

	if (rc == 0)
		rc = db_run_count(db, e, &changed, head_sql, DB_INT(t->id), DB_TEXT(leika),
				  DB_TEXT(ed_json_str(snap, "online_url")),
				  DB_TEXT(ed_json_str(snap, "review_due")), DB_INT(now));
	if (rc == 0 && changed == 0)
		return err_set(e, ERR_NOTFOUND, "error.404.text", "tenant no longer offers %s",
			       leika);
	if (rc == 0)
		rc = write_texts(db, t, leika, json_object_get(snap, "texts"), e);
	if (rc == 0)
		rc = write_office(db, t, leika, ed_json_str(snap, "office"), e);
	if (rc == 0 && !was_public)
		rc = svc_refresh_topics(db, t, e);
	return rc;
}

static const char *
module_label(struct rq *q, int m)
{
	return rq_msg(q, arena_printf(q->a, "ed.module.%s", svc_module_name(m)));
}

static const char *
svc_text(struct rq *q, json_t *snap)
{
	const char *office = ed_json_str(snap, "office");
	const char *s = arena_printf(q->a, "%s: %s\n%s: %s\n%s: %s\n", rq_msg(q, "ed.online_url"),
				     ed_json_str(snap, "online_url"), rq_msg(q, "ed.office"),
				     office[0] ? office : rq_msg(q, "ed.office_default"),
				     rq_msg(q, "ed.review_due"), ed_json_str(snap, "review_due"));
	json_t *texts = json_object_get(snap, "texts");

	for (int m = 0; m < SVC_N_MODULES; m++) {
		json_t *v = json_object_get(texts, svc_module_name(m));

		if (v)
			s = arena_printf(
				q->a, "%s\n## %s (%s)\n%s\n", s, module_label(q, m),
				rq_msg(q, arena_printf(q->a, "ed.mode.%s", ed_json_str(v, "mode"))),
				ed_json_str(v, "body"));
	}
	return s;
}

/* The shared base texts of `leika` by module. */
static void
base_texts(struct rq *q, const char *leika, const char *out[SVC_N_MODULES])
{
	static const char sql[] = "SELECT module, body FROM service_text WHERE leika = $1";
	struct db_stmt *st = NULL;

	for (int m = 0; m < SVC_N_MODULES; m++)
		out[m] = "";
	if (db_prepare(q->db, sql, &st, &q->err))
		return;
	db_bind_text(st, 1, leika);
	while (db_step(st, &q->err) == DB_ROW) {
		enum svc_module m;

		if (svc_module_parse(db_col_text(st, 0), &m) == 0)
			out[m] = arena_strdup(q->a, db_col_text(st, 1));
	}
	db_finalize(st);
}

static void
office_options(struct rq *q, const char *selected)
{
	struct view_val *l = view_set(q->page, "offices", view_list(q->a));
	struct office *v;
	size_t n;

	if (office_list(q->db, q->tenant, q->a, &v, &n, &q->err))
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "slug", v[i].slug);
		view_set_text(m, "name", v[i].name);
		view_set_bool(m, "selected", strcmp(v[i].slug, selected) == 0);
	}
}

static void
svc_form(struct rq *q, const char *leika, json_t *snap, bool preview)
{
	struct view_val *mods = view_set(q->page, "modules", view_list(q->a));
	json_t *texts = json_object_get(snap, "texts");
	const char *base[SVC_N_MODULES];

	base_texts(q, leika, base);
	for (int m = 0; m < SVC_N_MODULES; m++) {
		struct view_val *mv = view_push(mods, view_map(q->a));
		json_t *v = json_object_get(texts, svc_module_name(m));
		const char *mode = v ? ed_json_str(v, "mode") : "append",
			   *body = ed_json_str(v, "body");
		bool replace = strcmp(mode, "replace") == 0;

		view_set_text(mv, "name", svc_module_name(m));
		view_set_text(mv, "label", module_label(q, m));
		view_set_text(mv, "body", body);
		view_set_text(mv, "base", base[m]);
		view_set_bool(mv, "replace", replace);
		ed_field_error(q, mv, arena_printf(q->a, "invalid.text_%s", svc_module_name(m)));
		ed_field_error(q, mv, arena_printf(q->a, "invalid.mode_%s", svc_module_name(m)));
		if (preview) {
			const char *shown = replace || !base[m][0] ? body
					    : body[0]
						    ? arena_printf(q->a, "%s\n\n%s", base[m], body)
						    : base[m];

			if (shown[0])
				view_set(mv, "preview", view_markdown(q->a, shown));
		}
	}
	view_set_text(q->page, "online_url", ed_json_str(snap, "online_url"));
	view_set_text(q->page, "review_due", ed_json_str(snap, "review_due"));
	office_options(q, ed_json_str(snap, "office"));
}

const struct ed_kind svc_edit_kind = {
	.name = "service",
	.path = "/leistungen",
	.tpl = "editor/service",
	.list_label = "ed.service.list",
	.title_sql = "(SELECT s.title FROM service s WHERE s.leika = r.subject)",
	.body_limit = 1024 * 1024,
	.markdown = true,
	.title = svc_title,
	.live = svc_live,
	.from_form = svc_from_form,
	.apply = svc_apply,
	.text = svc_text,
	.form = svc_form,
	.list = svc_edit_list,
	.list_post = svc_edit_add,
	.dashboard = svc_edit_dashboard,
};
