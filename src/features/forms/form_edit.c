/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Forms as an editorial kind (editor.h, kind "form", /verwaltung/formulare):
 * the list of the tenant's forms with the form that makes one, and the edit
 * page: title, the service the form belongs to (a LeiKa key the tenant
 * offers), the definition's body as JSON in a textarea, and a preview of
 * the steps drawn by the citizen pages' own field code.  A snapshot is
 *   {"title", "leika", "definition" (the body as text)};
 * publishing stores the composed definition as the form's next version.
 */
#include "features/forms/form_lib.h"

#include "auth/auth.h"
#include "features/catalog/svc.h"

#include <string.h>
#include <time.h>

/* Form ids that would shadow the pages below /verwaltung/formulare. */
static const char *const RESERVED[] = {"bibliothek", "zustellung", "vorgaenge", NULL};

/* The body a new form starts with: one step with one field. */
static const char STARTER[] =
	"{\n  \"steps\": [\n    {\n      \"title\": \"Angaben\",\n"
	"      \"fields\": [\n        {\"key\": \"name\", \"type\": \"text\", "
	"\"label\": \"Name\", \"required\": true}\n      ]\n    }\n  ]\n}";

static bool
id_usable(const char *id)
{
	for (size_t i = 0; RESERVED[i]; i++)
		if (strcmp(id, RESERVED[i]) == 0)
			return false;
	return form_id_valid(id);
}

/* No control characters. */
static bool
one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int
load_entry(struct rq *q, const char *id, struct form_entry *x)
{
	if (!id_usable(id))
		return err_set(&q->err, ERR_NOTFOUND, "error.404.text", "bad form id");
	return form_entry_get(q->db, q->tenant, id, q->a, x, &q->err);
}

static int
fe_title(struct rq *q, const char *id, const char **title)
{
	struct form_entry x;
	int rc = load_entry(q, id, &x);

	if (rc == 0)
		*title = x.title;
	return rc;
}

json_t *
form_edit_snapshot(struct rq *q, json_t *def)
{
	json_t *body = form_def_body(def);
	json_t *snap =
		json_pack("{s:s, s:s, s:s}", "title", ed_json_str(def, "title"), "leika",
			  ed_json_str(def, "leika"), "definition", form_def_pretty(body, q->a));

	json_decref(body);
	return snap ? snap : json_object();
}

static int
fe_live(struct rq *q, const char *id, json_t **out)
{
	struct form_entry x;
	struct form *f;
	const char *text = NULL;
	json_t *def;
	int rc = load_entry(q, id, &x);

	*out = NULL;
	if (rc == 0)
		rc = form_load(q->db, q->tenant, id, q->a, &f, &text, &q->err);
	if (rc == ERR_NOTFOUND && x.version == 0) {
		*out = json_pack("{s:s, s:s, s:s}", "title", x.title, "leika", "", "definition",
				 STARTER);
		return 0;
	}
	if (rc)
		return rc;
	def = json_loads(text, 0, NULL);
	*out = form_edit_snapshot(q, def);
	json_decref(def);
	return 0;
}

/* Where a problem at `path` of the composed definition is shown. */
static const char *
field_of(const char *path)
{
	if (strncmp(path, "$.title", 7) == 0)
		return "title";
	if (strncmp(path, "$.leika", 7) == 0)
		return "leika";
	return "definition";
}

static void
check_leika(struct rq *q, const char *leika, const char *at, struct ed_errors *errors)
{
	struct svc *s = NULL;
	struct err e = {0};

	if (!leika[0])
		return;
	if (!svc_leika_valid(leika))
		ed_error(q, errors, at ? at : "leika", "forms.ed.err.leika");
	else if (svc_find(q->db, q->tenant, leika, q->a, &s, &e))
		ed_error(q, errors, at ? at : "leika", "forms.ed.err.leika_unknown");
}

void
form_edit_check(struct rq *q, const char *id, json_t *snap, const char *at,
		struct ed_errors *errors, struct form **out)
{
	const char *title = ed_json_str(snap, "title"), *leika = ed_json_str(snap, "leika");
	const char *body = ed_json_str(snap, "definition"), *json;
	const char *in_body = at ? at : "definition";
	struct form_def_errors *errs = arena_alloc(q->a, sizeof(*errs));
	struct form *f = NULL;
	struct err e = {0};
	int rc;

	if (!title[0])
		ed_error(q, errors, at ? at : "title", "ed.err.required");
	else if (strlen(title) > FORM_LABEL_MAX || !one_line(title))
		ed_error(q, errors, at ? at : "title", "ed.err.too_long");
	check_leika(q, leika, at, errors);
	rc = form_def_compose(body, strlen(body), id, 1, title, leika, q->a, &json, &f, errs, &e);
	if (rc == ERR_TOOBIG)
		ed_error(q, errors, in_body, "forms.err.def_size");
	/* Title and service are checked above, in the staff's words. */
	for (size_t i = 0; rc && i < errs->n; i++)
		if (strcmp(field_of(errs->v[i].path), "definition") == 0)
			ed_error_text(
				q, errors, in_body,
				arena_printf(q->a, "%s: %s", errs->v[i].path, errs->v[i].msg));
	if (errs->more)
		ed_error(q, errors, in_body, "forms.ed.err.more");
	if (rc == 0 && out)
		*out = f;
}

static json_t *
fe_from_form(struct rq *q, const char *id, struct ed_errors *errors)
{
	const char *def = http_form(q->http, "definition");
	char *body = arena_strdup(q->a, def ? def : ""), *w = body;
	json_t *snap;

	/* Browsers send line breaks as CRLF; the stored text keeps LF only. */
	for (const char *r = body; *r; r++)
		if (*r != '\r')
			*w++ = *r;
	*w = '\0';
	snap = json_pack("{s:s, s:s, s:s}", "title", ed_field(q, "title"), "leika",
			 ed_field(q, "leika"), "definition", body);
	if (!snap) { /* no UTF-8 */
		snap = json_pack("{s:s, s:s, s:s}", "title", "", "leika", "", "definition", "");
		ed_error(q, errors, "definition", "forms.ed.err.utf8");
		return snap;
	}
	form_edit_check(q, id, snap, NULL, errors, NULL);
	return snap;
}

static int
fe_apply(struct db *db, const struct tenant *t, const char *id, json_t *snap, int64_t now,
	 struct err *e)
{
	struct form_def_errors errs;
	int64_t version = 0;

	return form_version_add(db, t, id, ed_json_str(snap, "definition"),
				ed_json_str(snap, "title"), ed_json_str(snap, "leika"), now,
				&version, &errs, e);
}

static const char *
fe_text(struct rq *q, json_t *snap)
{
	return arena_printf(q->a, "%s: %s\n%s: %s\n\n%s\n", rq_msg(q, "forms.ed.title"),
			    ed_json_str(snap, "title"), rq_msg(q, "forms.ed.leika"),
			    ed_json_str(snap, "leika"), ed_json_str(snap, "definition"));
}

void
form_edit_preview(struct rq *q, const struct form *f)
{
	struct view_val *p = view_set(q->page, "form_preview", view_map(q->a));
	struct view_val *steps = view_set(p, "steps", view_list(q->a));

	view_set_text(p, "title", f->title);
	for (size_t i = 0; i < f->n_steps; i++) {
		struct view_val *s = view_push(steps, view_map(q->a));
		struct view_val *fields = view_set(s, "fields", view_list(q->a));

		view_set_text(s, "title", f->steps[i].title);
		view_set_int(s, "step_no", (int64_t)i + 1);
		view_set_int(s, "step_total", (int64_t)f->n_steps);
		for (size_t k = 0; k < f->steps[i].n_fields; k++) {
			const struct form_field *fd = &f->steps[i].fields[k];

			view_push(fields, form_web_field(q, fd, NULL, NULL, fd->key));
		}
	}
	if (f->consent[0])
		view_set_text(p, "consent", f->consent);
}

/* What the page says about the form's origin and its place in the library. */
static void
library_view(struct rq *q, struct view_val *m, const struct form_entry *x)
{
	if (x->origin_form[0]) {
		view_set_text(m, "origin_name", x->origin_name);
		view_set_int(m, "base_version", x->base_version);
		if (x->library_version > x->base_version)
			view_set_text(
				m, "update_url",
				rq_url(q, arena_printf(q->a, FORM_EDIT_URL "/%s/aktualisierung",
						       x->id)));
	}
	view_set_int(m, "version", x->version);
	view_set_int(m, "shared_version", x->shared_version);
	view_set_bool(m, "may_share", x->version > 0 && x->version > x->shared_version);
	view_set_text(m, "share_url",
		      rq_url(q, arena_printf(q->a, FORM_EDIT_URL "/%s/bibliothek", x->id)));
}

static void
fe_form(struct rq *q, const char *id, json_t *snap, bool preview)
{
	struct view_val *m = view_set(q->page, "form", view_map(q->a));
	const char *leika = ed_json_str(snap, "leika");
	const char *shared = http_query(q->http, "geteilt");
	struct form_entry x;
	struct svc *s = NULL;
	struct err e = {0};
	int64_t v = 0;

	if (shared && str_to_int64(str_c(shared), 1, INT64_MAX, &v) == 0)
		view_set_int(q->page, "shared", v);
	view_set_text(m, "title", ed_json_str(snap, "title"));
	view_set_text(m, "leika", leika);
	view_set_text(m, "definition", ed_json_str(snap, "definition"));
	view_set_text(m, "public_url", rq_url(q, arena_printf(q->a, "/formulare/%s", id)));
	if (leika[0] && svc_leika_valid(leika) &&
	    svc_find(q->db, q->tenant, leika, q->a, &s, &e) == 0) {
		view_set_text(m, "service", s->title);
		view_set_text(
			m, "service_url",
			rq_url(q, arena_printf(q->a, "/leistungen/%s-%s", s->slug, s->leika)));
	}
	if (form_entry_get(q->db, q->tenant, id, q->a, &x, &e) == 0)
		library_view(q, m, &x);
	if (preview) {
		struct ed_errors none = {view_list(q->a), view_map(q->a), 0};
		struct form *f = NULL;

		form_edit_check(q, id, snap, NULL, &none, &f);
		if (f)
			form_edit_preview(q, f);
	}
}

static void
fe_list(struct rq *q)
{
	struct form_entry *v = NULL;
	struct view_val *l;
	size_t n = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = form_entries(q->db, q->tenant, q->a, &v, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	l = view_set(q->page, "forms", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = ed_list_row(q, l, &form_edit_kind, v[i].id,
						 v[i].version ? "published" : "draft");

		view_set_text(m, "id", v[i].id);
		view_set_text(m, "title", v[i].title);
		view_set_text(m, "leika", v[i].leika);
		library_view(q, m, &v[i]);
	}
	view_set_text(q->page, "library_url", rq_url(q, FORM_LIB_URL));
	view_set_text(q->page, "title", rq_msg(q, "ed.form.list"));
	ed_crumb(q, rq_msg(q, "ed.form.list"));
	rq_render(q, "forms/edit_list");
}

static void
fe_add(struct rq *q)
{
	const char *id = ed_field(q, "id"), *title = ed_field(q, "title");
	int rc;

	if (!ed_may_edit(q))
		return;
	if (!id_usable(id)) {
		rq_error(q, 422, "forms.ed.err.id");
		return;
	}
	if (!title[0] || strlen(title) > FORM_LABEL_MAX || !one_line(title)) {
		rq_error(q, 422, "forms.ed.err.new_title");
		return;
	}
	rc = form_entry_add(q->db, q->tenant, id, title, 0, "", 0, (int64_t)time(NULL), &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	ed_audit(q, "form.create", id);
	rq_redirect(q, arena_printf(q->a, FORM_EDIT_URL "/%s", id));
}

const struct ed_kind form_edit_kind = {
	.name = "form",
	.path = "/formulare",
	.tpl = "forms/edit",
	.list_label = "ed.form.list",
	.title_sql = "COALESCE((SELECT f.title FROM form f WHERE f.tenant_id = r.tenant_id AND "
		     "f.id = r.subject ORDER BY f.version DESC LIMIT 1), (SELECT e.title FROM "
		     "form_entry e WHERE e.tenant_id = r.tenant_id AND e.id = r.subject))",
	.body_limit = FORM_DEF_MAX + 16 * 1024,
	.markdown = true, /* the preview button: the steps as citizens see them */
	.title = fe_title,
	.live = fe_live,
	.from_form = fe_from_form,
	.apply = fe_apply,
	.text = fe_text,
	.form = fe_form,
	.list = fe_list,
	.list_post = fe_add,
};
