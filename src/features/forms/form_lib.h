/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The form editor and the installation's form library (form_edit*.c,
 * form_lib*.c, migration 0037_form_library.sql, docs/forms.md "Editor and
 * library").
 *
 * Staff edit a form as an editorial kind ("form", under
 * /verwaltung/formulare): a revision's snapshot is {"title", "leika",
 * "definition"} with the definition's body as staff typed it
 * (form_def_body()).  Publishing composes the whole definition and inserts
 * it as the next version into `form`; no version is ever changed, so every
 * case keeps the version it was made with.
 *
 * The library holds definitions that tenants shared, by version.  Another
 * tenant adopts one: a form_entry linked to its origin and a draft with
 * the library's definition.  A newer library version is offered with a
 * diff and taken over by form_merge3() into a new draft.  The library
 * holds definitions only; every storage call on a tenant's forms takes the
 * tenant, so no tenant reads or changes another's forms or cases.
 */
#ifndef RATHAUS_FORM_LIB_H
#define RATHAUS_FORM_LIB_H

#include "features/editor/editor.h"
#include "features/forms/form_int.h"

/* The editorial kind of forms (form_edit.c). */
extern const struct ed_kind form_edit_kind;

#define FORM_EDIT_URL "/verwaltung/formulare"
#define FORM_LIB_URL "/verwaltung/formulare/bibliothek"

/* A form of a tenant as the staff list shows it. */
struct form_entry {
	const char *id;
	const char *title;	  /* the newest version's, else the one it was made with */
	const char *leika;	  /* the newest version's, "" */
	int64_t version;	  /* the newest version in `form`; 0: none yet */
	int64_t origin_tenant_id; /* adopted from this tenant's library entry; 0: own form */
	const char *origin_slug, *origin_name, *origin_form; /* "" for an own form */
	int64_t base_version;	 /* the library version last taken over */
	int64_t library_version; /* the origin's newest library version; 0 */
	int64_t shared_version;	 /* the newest version this tenant put in the library; 0 */
};

/* The forms of `t` (made, adopted or loaded), by title; in `a`. */
int form_entries(struct db *db, const struct tenant *t, struct arena *a, struct form_entry **out,
		 size_t *n, struct err *e) MUST_CHECK;
/* Form `id` of `t` into *out (in `a`): 0, ERR_NOTFOUND or ERR_DB. */
int form_entry_get(struct db *db, const struct tenant *t, const char *id, struct arena *a,
		   struct form_entry *out, struct err *e) MUST_CHECK;

/*
 * Make form `id` of `t` with `title`, adopted from library form
 * `origin_form` of tenant `origin` at `base_version` (origin 0: an own
 * form).  ERR_CONFLICT when `t` has a form with this id.
 */
int form_entry_add(struct db *db, const struct tenant *t, const char *id, const char *title,
		   int64_t origin, const char *origin_form, int64_t base_version, int64_t now,
		   struct err *e) MUST_CHECK;
/* The library version form `id` of `t` is now based on. */
int form_entry_rebase(struct db *db, const struct tenant *t, const char *id, int64_t base_version,
		      struct err *e) MUST_CHECK;

/*
 * Compose `body` with `title` and `leika` (form_def_compose()) as the next
 * version of form `id` of `t` and store it (form_save()); *version is its
 * number.  Meant for the caller's transaction.  Errors as form_save().
 */
int form_version_add(struct db *db, const struct tenant *t, const char *id, const char *body,
		     const char *title, const char *leika, int64_t now, int64_t *version,
		     struct form_def_errors *errs, struct err *e) MUST_CHECK;

/* A version of a library form. */
struct form_lib_item {
	int64_t origin_tenant_id;
	const char *origin_slug, *origin_name, *form_id, *title, *leika;
	int64_t version, published_at;
	const char *definition; /* only from form_lib_get() */
};

/*
 * Put the newest version of form `id` of `t` into the library; *version is
 * its number, *added false when it was there already.  ERR_NOTFOUND when
 * the form has no version yet.
 */
int form_lib_publish(struct db *db, const struct tenant *t, const char *id, int64_t now,
		     int64_t *version, bool *added, struct err *e) MUST_CHECK;
/* The newest version of every library form, by title; in `a`. */
int form_lib_list(struct db *db, struct arena *a, struct form_lib_item **out, size_t *n,
		  struct err *e) MUST_CHECK;
/*
 * Version `version` (0: the newest) of library form `form_id` of tenant
 * `origin`, with its definition: 0, ERR_NOTFOUND or ERR_DB.
 */
int form_lib_get(struct db *db, int64_t origin, const char *form_id, int64_t version,
		 struct arena *a, struct form_lib_item *out, struct err *e) MUST_CHECK;

/* ---- Pages (form_edit.c, form_lib_web.c) -------------------------------- */

/*
 * Check snapshot `snap` of form `id` as a save would (the body against the
 * schema, the title, the service in q's catalogue); problems go to
 * `errors` with their JSON paths, at the edit page's fields, or all at
 * field `at` when it is not NULL (a page without those fields).  On
 * success *f is the composed form (in q's arena) when `f` is not NULL.
 */
void form_edit_check(struct rq *q, const char *id, json_t *snap, const char *at,
		     struct ed_errors *errors, struct form **f);
/* The snapshot of a whole definition `def`: title, leika and the body as text; decref. */
json_t *form_edit_snapshot(struct rq *q, json_t *def);
/* The steps of `f` as the citizen sees them, for a preview, at page key "form_preview". */
void form_edit_preview(struct rq *q, const struct form *f);
/* The library, adoption, sharing and taking over new versions. */
void form_lib_register(struct app *app);

#endif
