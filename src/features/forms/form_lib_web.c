/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The form library for editors and admins of any tenant:
 *
 *	GET  /verwaltung/formulare/bibliothek              the newest version of each
 *	                                                   shared form
 *	POST /verwaltung/formulare/bibliothek              adopt one: a linked copy
 *	                                                   with a draft of its definition
 *	POST /verwaltung/formulare/:key/bibliothek         share the form's newest version
 *	GET  /verwaltung/formulare/:key/aktualisierung     a newer library version of an
 *	                                                   adopted form: its diff, the merge
 *	POST /verwaltung/formulare/:key/aktualisierung     take it over into a new draft
 *
 * These routes are added before the kind's "/verwaltung/formulare/:key", so
 * "bibliothek" is a page, never a form id (form_edit.c refuses it as one).
 * Everything written goes to the request's tenant; the library gives
 * definitions only.
 */
#include "features/forms/form_lib.h"

#include "app/rq_page.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RESOLUTION_MAX FORM_DEF_MAX

static void
crumbs(struct rq *q, const char *label)
{
	rq_staff_crumbs(q, "ed.form.list", FORM_EDIT_URL, label);
}

static const char *
edit_path(struct rq *q, const char *id)
{
	return arena_printf(q->a, FORM_EDIT_URL "/%s", id);
}

/* ---- The library and adopting ------------------------------------------- */

static void
library_page(struct rq *q)
{
	struct form_lib_item *v = NULL;
	struct view_val *l;
	size_t n = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = form_lib_list(q->db, q->a, &v, &n, &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	l = view_set(q->page, "items", view_list(q->a));
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));
		struct form_entry x;
		struct err e = {0};

		view_set_text(m, "title", v[i].title);
		view_set_text(m, "id", v[i].form_id);
		view_set_text(m, "origin", v[i].origin_name);
		view_set_int(m, "origin_id", v[i].origin_tenant_id);
		view_set_int(m, "version", v[i].version);
		view_set_text(m, "leika", v[i].leika);
		view_set_text(m, "when", ed_when(q, v[i].published_at));
		if (v[i].origin_tenant_id == q->tenant->id)
			view_set_bool(m, "own", true);
		else if (form_entry_get(q->db, q->tenant, v[i].form_id, q->a, &x, &e) == 0)
			view_set_text(m, "have_url", rq_url(q, edit_path(q, v[i].form_id)));
	}
	view_set_text(q->page, "title", rq_msg(q, "forms.lib.title"));
	crumbs(q, rq_msg(q, "forms.lib.title"));
	rq_render(q, "forms/library");
}

/* Within the adopter's transaction: the linked entry and its first draft. */
static int
adopt(struct rq *q, const struct form_lib_item *it)
{
	json_t *def = json_loads(it->definition, 0, NULL), *snap;
	int64_t num = 0;
	int rc;

	if (!def)
		return err_set(&q->err, ERR_INTERNAL, NULL, "library form '%s' v%lld no JSON",
			       it->form_id, (long long)it->version);
	snap = form_edit_snapshot(q, def);
	json_decref(def);
	rc = form_entry_add(q->db, q->tenant, it->form_id, it->title, it->origin_tenant_id,
			    it->form_id, it->version, (int64_t)time(NULL), &q->err);
	if (rc == 0)
		rc = ed_draft_add(q, &form_edit_kind, it->form_id, snap,
				  arena_printf(q->a, "%s %s, %s %lld", rq_msg(q, "forms.lib.from"),
					       it->origin_name, rq_msg(q, "forms.ed.version"),
					       (long long)it->version),
				  &num);
	json_decref(snap);
	return rc;
}

static void
library_adopt(struct rq *q)
{
	const char *id = ed_field(q, "formular"), *origin = ed_field(q, "herkunft");
	struct form_lib_item it;
	int64_t from = 0;
	int rc;

	if (!ed_may_edit(q))
		return;
	if (!form_id_valid(id) || str_to_int64(str_c(origin), 1, INT64_MAX, &from)) {
		rq_error(q, 404, NULL);
		return;
	}
	if (from == q->tenant->id) {
		rq_error(q, 409, "forms.lib.err.own");
		return;
	}
	rc = form_lib_get(q->db, from, id, 0, q->a, &it, &q->err);
	if (rc == 0)
		rc = db_begin(q->db, &q->err);
	if (rc == 0)
		rc = db_end(q->db, adopt(q, &it), &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	ed_audit(q, "form.adopt",
		 arena_printf(q->a, "%s from %s v%lld", id, it.origin_slug, (long long)it.version));
	rq_redirect(q, arena_printf(q->a, "%s?erledigt=speichern", edit_path(q, id)));
}

static void
library_share(struct rq *q)
{
	const char *id = http_param(q->http, "key");
	struct form_entry x;
	int64_t version = 0;
	bool added = false;
	int rc;

	if (!ed_may_edit(q))
		return;
	rc = form_id_valid(id) ? form_entry_get(q->db, q->tenant, id, q->a, &x, &q->err)
			       : ERR_NOTFOUND;
	if (rc == 0 && x.version == 0)
		rc = err_set(&q->err, ERR_CONFLICT, "forms.lib.err.no_version", "no version of %s",
			     id);
	if (rc == 0)
		rc = form_lib_publish(q->db, q->tenant, id, (int64_t)time(NULL), &version, &added,
				      &q->err);
	if (rc) {
		rq_fail(q, rc);
		return;
	}
	if (added)
		ed_audit(q, "form.share", arena_printf(q->a, "%s v%lld", id, (long long)version));
	rq_redirect(q, arena_printf(q->a, "%s?geteilt=%lld", edit_path(q, id), (long long)version));
}

/* ---- Taking over a new version ------------------------------------------- */

/* What the update page works on: the three sides and their merge. */
struct update {
	struct form_entry x;
	struct form_lib_item base, theirs;
	json_t *b, *o, *t; /* definitions without id and version */
	struct form_merge m;
};

static void
update_release(struct update *u)
{
	json_decref(u->b);
	json_decref(u->o);
	json_decref(u->t);
	json_decref(u->m.result);
}

/* A library definition without id and version. */
static json_t *
lib_side(const struct form_lib_item *it)
{
	json_t *d = json_loads(it->definition, 0, NULL);

	json_object_del(d, "id");
	json_object_del(d, "version");
	return d;
}

/* The local copy (its newest revision) as the same kind of object, or NULL. */
static json_t *
local_side(struct rq *q, const char *id)
{
	json_t *snap = NULL, *o;
	int rc = ed_snapshot(q, &form_edit_kind, id, &snap);

	o = rc == 0 ? json_loads(ed_json_str(snap, "definition"), 0, NULL) : NULL;
	if (json_is_object(o)) {
		json_object_set_new(o, "title", json_string(ed_json_str(snap, "title")));
		json_object_set_new(o, "leika", json_string(ed_json_str(snap, "leika")));
	} else {
		json_decref(o);
		o = NULL;
	}
	json_decref(snap);
	return o;
}

/* Load and merge; false after answering (404 without a newer version, 409 on a bad copy). */
static bool
update_load(struct rq *q, const char *id, struct update *u)
{
	int rc;

	memset(u, 0, sizeof(*u));
	if (!ed_may_edit(q))
		return false;
	rc = form_id_valid(id) ? form_entry_get(q->db, q->tenant, id, q->a, &u->x, &q->err)
			       : ERR_NOTFOUND;
	if (rc == 0 && (!u->x.origin_form[0] || u->x.library_version <= u->x.base_version))
		rc = err_set(&q->err, ERR_NOTFOUND, "forms.lib.err.no_update", "no update of %s",
			     id);
	if (rc == 0)
		rc = form_lib_get(q->db, u->x.origin_tenant_id, u->x.origin_form, u->x.base_version,
				  q->a, &u->base, &q->err);
	if (rc == 0)
		rc = form_lib_get(q->db, u->x.origin_tenant_id, u->x.origin_form, 0, q->a,
				  &u->theirs, &q->err);
	if (rc == 0) {
		u->b = lib_side(&u->base);
		u->t = lib_side(&u->theirs);
		u->o = local_side(q, id);
		if (!u->o)
			rc = err_set(&q->err, ERR_CONFLICT, "forms.lib.err.local_json",
				     "local copy of %s is no JSON object", id);
		else if (form_merge3(u->b, u->o, u->t, q->a, &u->m))
			rc = err_set(&q->err, ERR_INTERNAL, NULL, "library form %s no object", id);
	}
	if (rc) {
		update_release(u);
		rq_fail(q, rc);
		return false;
	}
	return true;
}

static struct view_val *
names(struct rq *q, const char **v, size_t n)
{
	struct view_val *l = view_list(q->a);

	for (size_t i = 0; i < n; i++)
		view_push(l, view_text(q->a, v[i]));
	return l;
}

static const char *
member_text(struct rq *q, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	char *s;
	const char *out;

	if (!v)
		return "";
	s = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
	out = arena_strdup(q->a, s ? s : "");
	free(s);
	return out;
}

static void
diff_view(struct rq *q, struct update *u)
{
	static const char *const OPS[] = {[ED_SAME] = "same", [ED_DEL] = "del", [ED_INS] = "ins"};
	struct view_val *l = view_set(q->page, "diff", view_list(q->a));
	struct ed_diff_line *d;
	size_t n;

	ed_diff(form_def_pretty(u->b, q->a), form_def_pretty(u->t, q->a), q->a, &d, &n);
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_bool(m, OPS[d[i].op], true);
		view_set_text(m, "text", d[i].text);
	}
}

/* The page; `posted` keeps what staff typed into the conflicts' fields. */
static void
update_render(struct rq *q, struct update *u, struct ed_errors *errors, bool posted)
{
	struct view_val *l = view_set(q->page, "conflicts", view_list(q->a));

	for (size_t i = 0; i < u->m.n_conflicts; i++) {
		const char *k = u->m.conflicts[i], *name = arena_printf(q->a, "loesung.%s", k);
		const char *typed = posted ? http_form(q->http, name) : NULL;
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "member", k);
		view_set_text(m, "name", name);
		view_set_text(m, "field", arena_printf(q->a, "loesung-%s", k));
		view_set_text(m, "ours", member_text(q, u->o, k));
		view_set_text(m, "theirs", member_text(q, u->t, k));
		view_set_text(m, "value", typed ? typed : member_text(q, u->o, k));
		ed_field_error(q, m, arena_printf(q->a, "invalid.loesung-%s", k));
	}
	view_set(q->page, "taken", names(q, u->m.taken, u->m.n_taken));
	view_set(q->page, "kept", names(q, u->m.kept, u->m.n_kept));
	if (errors && errors->n)
		view_set(q->page, "errors", errors->list);
	diff_view(q, u);
	view_set_text(q->page, "origin", u->x.origin_name);
	view_set_int(q->page, "base_version", u->base.version);
	view_set_int(q->page, "new_version", u->theirs.version);
	view_set_text(q->page, "edit_url", rq_url(q, edit_path(q, u->x.id)));
	view_set_text(q->page, "action",
		      rq_url(q, arena_printf(q->a, "%s/aktualisierung", edit_path(q, u->x.id))));
	view_set_text(q->page, "title",
		      arena_printf(q->a, "%s: %s", rq_msg(q, "forms.lib.update"), u->x.title));
	crumbs(q, rq_msg(q, "forms.lib.update"));
	rq_render(q, "forms/update");
}

static void
update_page(struct rq *q)
{
	struct update u;

	if (!update_load(q, http_param(q->http, "key"), &u))
		return;
	update_render(q, &u, NULL, false);
	update_release(&u);
}

/* Put staff's resolution of each conflict into the result; false with problems noted. */
static bool
resolve(struct rq *q, struct update *u, struct ed_errors *errors)
{
	for (size_t i = 0; i < u->m.n_conflicts; i++) {
		const char *k = u->m.conflicts[i], *field = arena_printf(q->a, "loesung-%s", k);
		const char *v = http_form(q->http, arena_printf(q->a, "loesung.%s", k));
		json_t *val;

		if (!v) {
			ed_error_text(q, errors, field,
				      arena_printf(q->a, "%s: %s", k,
						   rq_msg(q, "forms.lib.err.unresolved")));
			continue;
		}
		if (v[strspn(v, " \t\r\n")] == '\0') {
			json_object_del(u->m.result, k);
			continue;
		}
		val = strlen(v) <= RESOLUTION_MAX ? json_loads(v, JSON_DECODE_ANY, NULL) : NULL;
		if (!val)
			ed_error_text(q, errors, field,
				      arena_printf(q->a, "%s: %s", k,
						   rq_msg(q, "forms.lib.err.resolution")));
		else
			json_object_set_new(u->m.result, k, val);
	}
	return errors->n == 0;
}

static int
take_over(struct rq *q, struct update *u, json_t *snap)
{
	int64_t num = 0;
	int rc = ed_draft_add(q, &form_edit_kind, u->x.id, snap,
			      arena_printf(q->a, "%s %s, %s %lld", rq_msg(q, "forms.lib.from"),
					   u->x.origin_name, rq_msg(q, "forms.ed.version"),
					   (long long)u->theirs.version),
			      &num);

	return rc ? rc : form_entry_rebase(q->db, q->tenant, u->x.id, u->theirs.version, &q->err);
}

static void
update_post(struct rq *q)
{
	struct ed_errors errors = {view_list(q->a), view_map(q->a), 0};
	const char *seen = ed_field(q, "version");
	struct update u;
	json_t *snap = NULL;
	int rc;

	if (!update_load(q, http_param(q->http, "key"), &u))
		return;
	if (strcmp(seen, arena_printf(q->a, "%lld", (long long)u.theirs.version)) != 0) {
		update_release(&u);
		rq_error(q, 409, "forms.lib.err.stale");
		return;
	}
	if (resolve(q, &u, &errors)) {
		snap = form_edit_snapshot(q, u.m.result);
		form_edit_check(q, u.x.id, snap, "merge", &errors, NULL);
	}
	if (errors.n) {
		view_set(q->page, "invalid", errors.by_field);
		q->resp->status = 422;
		update_render(q, &u, &errors, true);
		json_decref(snap);
		update_release(&u);
		return;
	}
	rc = db_begin(q->db, &q->err);
	if (rc == 0)
		rc = db_end(q->db, take_over(q, &u, snap), &q->err);
	json_decref(snap);
	if (rc) {
		update_release(&u);
		rq_fail(q, rc);
		return;
	}
	ed_audit(q, "form.update",
		 arena_printf(q->a, "%s to %s v%lld", u.x.id, u.x.origin_slug,
			      (long long)u.theirs.version));
	rq_redirect(q, arena_printf(q->a, "%s?erledigt=speichern", edit_path(q, u.x.id)));
	update_release(&u);
}

void
form_lib_register(struct app *app)
{
	app_route(app, HTTP_GET, FORM_LIB_URL, library_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, FORM_LIB_URL, library_adopt, ROUTE_STAFF, 4096);
	app_route(app, HTTP_POST, FORM_EDIT_URL "/:key/bibliothek", library_share, ROUTE_STAFF,
		  4096);
	app_route(app, HTTP_GET, FORM_EDIT_URL "/:key/aktualisierung", update_page, ROUTE_STAFF, 0);
	app_route(app, HTTP_POST, FORM_EDIT_URL "/:key/aktualisierung", update_post, ROUTE_STAFF,
		  RESOLUTION_MAX + 16 * 1024);
}
