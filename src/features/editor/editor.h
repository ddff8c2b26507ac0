/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * editor: the staff's editorial tool under /verwaltung.  Staff of a tenant
 * edit the tenant's layer of a service (local texts per module, online
 * service, responsible office, review-due date) and the tenant's offices
 * (address, contacts, accessibility, weekly hours).  Every change is a
 * revision; the public rows are written only when a revision is published.
 *
 * Workflow: draft -> review -> published.  Editors and admins save drafts
 * and submit them; an admin publishes or rejects any revision; an editor
 * may publish or reject only a revision in review that someone else wrote
 * (four eyes).  Case workers have no access.  A publication with a future
 * publish_at is "scheduled": editor_promote_due() makes it public once the
 * time has come.  The shared base texts are not edited here: they come from
 * the data import (rathaus import) and belong to the installation.
 *
 * The diff and the workflow rules are pure and tested on their own.
 */
#ifndef RATHAUS_EDITOR_H
#define RATHAUS_EDITOR_H

#include "app/feature.h"
#include "core/arena.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct db;
struct rq;
struct view_val;

/* ---- Line diff (ed_diff.c) ---------------------------------------------- */

enum ed_diff_op { ED_SAME, ED_DEL, ED_INS };

struct ed_diff_line {
	enum ed_diff_op op;
	const char *text; /* the line without its '\n', in the arena */
};

/*
 * The lines of `old` and `new` as a shortest edit script from a longest
 * common subsequence: unchanged lines ED_SAME, removed ED_DEL, added ED_INS,
 * deletions before insertions at each change.  Common leading and trailing
 * lines are matched first; of the changed middle at most ED_DIFF_MAX_LINES
 * lines per side are compared, the rest counts as removed and added.
 * *out is an array of *n lines in arena `a`.
 */
#define ED_DIFF_MAX_LINES 1000
void ed_diff(const char *old, const char *new, struct arena *a, struct ed_diff_line **out,
	     size_t *n);

/* The diff of `old` and `new` as the list "diff" of `page`, for the template editor/diff. */
void ed_diff_view(struct view_val *page, const char *old, const char *new, struct arena *a);

/* ---- Workflow rules (ed_flow.c) ----------------------------------------- */

enum ed_action { ED_SAVE, ED_SUBMIT, ED_PUBLISH, ED_REJECT, ED_RESTORE };

/*
 * May a user with `roles` (enum auth_role bits) take `action` on a subject
 * whose newest revision is in `state` (NULL: none yet) and was written by
 * this user (`is_author`)?  For ED_PUBLISH, `state` and `is_author` describe
 * the revision that would be published.  Returns 0, ERR_FORBIDDEN (the role
 * does not allow it) or ERR_CONFLICT (not in this state).
 */
int ed_flow_check(enum ed_action action, unsigned roles, const char *state, bool is_author);

/* The action named by a form's "aktion" value, or -1. */
int ed_action_parse(const char *s);

/* ---- Storage and pages -------------------------------------------------- */

/*
 * Publish the scheduled revisions of tenant `t` whose time has come.  Safe
 * with several instances: each revision is claimed by one conditional
 * update inside its transaction.  Returns 0 or a db error.
 */
int editor_promote_due(struct db *db, const struct tenant *t, int64_t now, struct err *e);

/* ---- Editorial kinds (ed_kind.c, ed_page.c) ------------------------------ */

/*
 * A kind of content that goes through the workflow: each revision of a
 * subject (a LeiKa key, an office slug, a news article's id) is a JSON
 * snapshot of its editable fields.  The feature that owns the content
 * fills a static struct ed_kind and registers it from its init with
 * ed_kind_register(); the editor then serves, below /verwaltung<path>, the
 * list page, the edit form with preview and workflow buttons, the history
 * with diff and restore, and publishes scheduled revisions.
 */
/* Problems found in a posted form: a list of {field, text} and the first text per field. */
struct ed_errors {
	struct view_val *list;
	struct view_val *by_field;
	int n;
};

struct ed_kind {
	const char *name;	/* in revision.kind: "service", "office" */
	const char *path;	/* below /verwaltung: "/leistungen", "/stellen" */
	const char *tpl;	/* the edit form's template */
	const char *list_label; /* message key of the list page and its staff-menu entry */
	/* SQL expression: the title of subject r.subject of tenant r.tenant_id (revision r). */
	const char *title_sql;
	size_t body_limit; /* largest form post */
	bool markdown;	   /* the form has Markdown to preview */
	/* The subject's title, or ERR_NOTFOUND when tenant q->tenant has none such. */
	int (*title)(struct rq *q, const char *subject, const char **title);
	/* The public state as a snapshot. */
	int (*live)(struct rq *q, const char *subject, json_t **out);
	/* Validate the posted form into a snapshot; problems go to `errors` (ed_error()). */
	json_t *(*from_form)(struct rq *q, const char *subject, struct ed_errors *errors);
	/* Write a snapshot to the public rows (inside the caller's transaction). */
	int (*apply)(struct db *db, const struct tenant *t, const char *subject, json_t *snap,
		     int64_t now, struct err *e);
	/* The snapshot as text lines for the diff, in the request's language. */
	const char *(*text)(struct rq *q, json_t *snap);
	/* Fill q->page with the form fields of `snap` (and a preview when `preview`). */
	void (*form)(struct rq *q, const char *subject, json_t *snap, bool preview);
	/* The list page (GET /verwaltung<path>), and an optional POST to it (add a subject). */
	void (*list)(struct rq *q);
	void (*list_post)(struct rq *q);
	/* Add this kind's sections to the staff start page, or NULL. */
	int (*dashboard)(struct rq *q);
};

/*
 * Register kind `k` (a static struct) and its pages on `app`; call it from
 * the owning feature's init.  Returns 0, or ERR_INVALID when another kind
 * has the same name or path, or too many kinds are registered.
 */
int ed_kind_register(struct app *app, const struct ed_kind *k, struct err *e);

/* The registered kind named `name`, or NULL. */
const struct ed_kind *ed_kind_of(const char *name);

/*
 * SQL for a kind's list: join the newest revision `r` of each subject
 * `subj` (a column) of tenant `tid` of kind `kind` (a literal), once per
 * list rather than a subquery per row.  The subject's workflow state is then
 * COALESCE(r.state, <the public row's status>).
 */
#define ED_LATEST_REVISION(kind, tid, subj)                                                        \
	"LEFT JOIN revision r ON r.tenant_id = " tid " AND r.kind = '" kind                        \
	"' AND r.subject = " subj                                                                  \
	" AND NOT EXISTS (SELECT 1 FROM revision r2 WHERE r2.tenant_id = r.tenant_id AND "         \
	"r2.kind = r.kind AND r2.subject = r.subject AND r2.num > r.num) "

/* The workflow states a list may filter by, NULL-terminated. */
extern const char *const ed_states[];

/* ---- Helpers for a kind's pages (ed_page.c) -------------------------------- */

/* Add a problem with message `key` at form field `field`. */
void ed_error(struct rq *q, struct ed_errors *errors, const char *field, const char *key);
/* The same with a text already in the request's language (copied into q's arena). */
void ed_error_text(struct rq *q, struct ed_errors *errors, const char *field, const char *text);
/* Copy the page's error text at `path` ("invalid.<field>") to `m`'s "error", if any. */
void ed_field_error(struct rq *q, struct view_val *m, const char *path);
/* The form field `name`, trimmed of surrounding blanks, "" when absent. */
const char *ed_field(struct rq *q, const char *name);
/* True when `s` is an absolute http(s) URL without blanks or quotes. */
bool ed_url_ok(const char *s);
/* Whether q->user may use the editor (admin or editor); renders 403 when not. */
bool ed_may_edit(struct rq *q);
/* A JSON string member, "" when absent. */
const char *ed_json_str(json_t *o, const char *key);
/* The name of a revision state in the request's language. */
const char *ed_state_name(struct rq *q, const char *state);
/* "YYYY-MM-DD HH:MM" local time of `utc`, in the arena. */
const char *ed_when(struct rq *q, int64_t utc);
/* Audit entry for q->user in q->tenant; failures are logged, not fatal. */
void ed_audit(struct rq *q, const char *action, const char *detail);
/* Breadcrumbs "Verwaltung > label" on a staff page. */
void ed_crumb(struct rq *q, const char *label);
/* A staff page titled by the message `title_key`, with its crumbs, rendered with `tpl`. */
void ed_render(struct rq *q, const char *title_key, const char *tpl);
/* The workflow state of a subject: its newest revision's, else `otherwise`. */
const char *ed_subject_state(struct rq *q, const struct ed_kind *k, const char *subject,
			     const char *otherwise);
/*
 * A row of kind k's staff list pushed onto `list`: a map with the
 * subject's edit link "url" and the name of its workflow "state" (see
 * ed_subject_state); the caller adds the subject's own columns.
 */
struct view_val *ed_list_row(struct rq *q, struct view_val *list, const struct ed_kind *k,
			     const char *subject, const char *otherwise);

/*
 * The newest revision's snapshot of `subject` of kind `k` in q->tenant, else
 * its public state (k->live).  Returns 0 with *out (the caller decrefs), or
 * the error of either, with the detail in q->err.
 */
int ed_snapshot(struct rq *q, const struct ed_kind *k, const char *subject,
		json_t **out) MUST_CHECK;

/*
 * Add `snap` as a new draft revision of `subject` by q->user with `comment`,
 * as "save draft" does, for content that comes from elsewhere than the edit
 * form (an import, a merge).  Runs inside the caller's transaction, if any;
 * *num is the revision's number.  Returns 0 or a db error in q->err.
 */
int ed_draft_add(struct rq *q, const struct ed_kind *k, const char *subject, json_t *snap,
		 const char *comment, int64_t *num) MUST_CHECK;

/* ---- The feature ----------------------------------------------------------- */

/* /verwaltung and its pages; publishes what is due before a tenant's requests. */
extern const struct feature editor_feature;

#endif
