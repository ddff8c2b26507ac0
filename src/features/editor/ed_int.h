/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ed_int: what the editor's own files share.  Nothing outside
 * src/features/editor/ includes this header.
 */
#ifndef RATHAUS_ED_INT_H
#define RATHAUS_ED_INT_H

#include "features/editor/editor.h"

#include "app/app.h"

#include <jansson.h>

/* Problems found in a posted form: a list of {field, text} and the first text per field. */
struct ed_errors {
	struct view_val *list;
	struct view_val *by_field;
	int n;
};

/* ---- Revisions (ed_store.c) ---------------------------------------------- */

struct ed_rev {
	int64_t id, num, author_id, created_at, changed_at, publish_at;
	const char *state, *snapshot, *comment;
	const char *author; /* the author's name, "" when unknown */
};

/* The revisions of one subject, newest first (at most `max`). */
int ed_rev_list(struct db *db, const struct tenant *t, const char *kind, const char *subject,
		size_t max, struct arena *a, struct ed_rev **out, size_t *n, struct err *e);
/* Revision `num` (0: the newest) of a subject, or ERR_NOTFOUND. */
int ed_rev_get(struct db *db, const struct tenant *t, const char *kind, const char *subject,
	       int64_t num, struct arena *a, struct ed_rev *out, struct err *e);
/* Add a revision with the next number; sets *num. */
int ed_rev_add(struct db *db, const struct tenant *t, const char *kind, const char *subject,
	       const char *state, int64_t author_id, int64_t publish_at, const char *snapshot,
	       const char *comment, int64_t now, int64_t *num, struct err *e) MUST_CHECK;
/*
 * Move revision `num` from state `from` to `to` (comment NULL: kept).
 * Returns ERR_CONFLICT when it is no longer in `from` (another request won).
 */
int ed_rev_move(struct db *db, const struct tenant *t, const char *kind, const char *subject,
		int64_t num, const char *from, const char *to, const char *comment,
		int64_t publish_at, int64_t now, struct err *e) MUST_CHECK;

/* SQL: the workflow state of tenant_service `ts`: its newest revision's, else the public row's. */
#define ED_SERVICE_STATE                                                                           \
	"COALESCE((SELECT r.state FROM revision r WHERE r.tenant_id = ts.tenant_id AND "           \
	"r.kind = 'service' AND r.subject = ts.leika ORDER BY r.num DESC LIMIT 1), ts.status)"

/* ---- What is edited: services and offices (ed_service.c, ed_office.c) ---- */

struct ed_kind {
	const char *name; /* in the revision table: "service", "office" */
	const char *path; /* below /verwaltung: "/leistungen", "/stellen" */
	const char *tpl;  /* the form's template */
	/* The subject's title, or ERR_NOTFOUND when tenant q->tenant has none such. */
	int (*title)(struct rq *q, const char *subject, const char **title);
	/* The public state as a snapshot. */
	int (*live)(struct rq *q, const char *subject, json_t **out);
	/* A snapshot of the posted form; problems go to `errors` as {field, text}. */
	json_t *(*from_form)(struct rq *q, const char *subject, struct ed_errors *errors);
	/* Write a snapshot to the public rows (inside the caller's transaction). */
	int (*apply)(struct db *db, const struct tenant *t, const char *subject, json_t *snap,
		     int64_t now, struct err *e);
	/* The snapshot as text lines for the diff, in the request's language. */
	const char *(*text)(struct rq *q, json_t *snap);
	/* Fill q->page with the form fields of `snap` (and a preview when `preview`). */
	void (*form)(struct rq *q, const char *subject, json_t *snap, bool preview);
};

extern const struct ed_kind ed_service_kind, ed_office_kind;

/* The kind of `name` ("service", "office"), or NULL. */
const struct ed_kind *ed_kind_of(const char *name);

/* ---- Shared page helpers (ed_page.c) -------------------------------------- */

/* Add {field, text} with message `key` to `errors`. */
void ed_error(struct rq *q, struct ed_errors *errors, const char *field, const char *key);
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

/* Fill the page around a form: title, links, breadcrumbs, the newest revision (or NULL). */
void ed_page_head(struct rq *q, const struct ed_kind *k, const char *subject, const char *title,
		  const struct ed_rev *latest);

/* Pages (ed_edit.c, ed_history.c, ed_dashboard.c, ed_lists.c). */
void ed_edit_register(struct app *app);
void ed_history_register(struct app *app);
void ed_dashboard_register(struct app *app);
void ed_lists_register(struct app *app);

#endif
