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

/* A revision of any kind, for the start page. */
struct ed_rev_item {
	const char *kind, *subject, *title, *state, *author;
	int64_t num;
	int64_t when; /* publish_at for a state, else changed_at */
};

/*
 * The tenant's revisions in `state` (by publication time), or with state
 * NULL the latest changes of all; at most `max`, titles from the kinds.
 */
int ed_rev_recent(struct db *db, const struct tenant *t, const char *state, size_t max,
		  struct arena *a, struct ed_rev_item **out, size_t *n, struct err *e);

/* An entry of the audit log. */
struct ed_audit_item {
	int64_t at;
	const char *who, *action, *detail, *ip;
};

/* The tenant's newest audit entries, at most `max`. */
int ed_audit_list(struct db *db, const struct tenant *t, size_t max, struct arena *a,
		  struct ed_audit_item **out, size_t *n, struct err *e);

/* ---- Page helpers only the editor uses (ed_page.c, ed_edit.c) ----------- */

/* Fill the page around a form: title, links, breadcrumbs, the newest revision (or NULL). */
void ed_page_head(struct rq *q, const struct ed_kind *k, const char *subject, const char *title,
		  const struct ed_rev *latest);

/* The kind whose path is the segment after /verwaltung of q->path, or NULL. */
const struct ed_kind *ed_kind_of_request(struct rq *q);

/* The edit form and the history of a subject of kind `k` (ed_edit.c, ed_history.c). */
void ed_edit_get(struct rq *q, const struct ed_kind *k);
void ed_edit_post(struct rq *q, const struct ed_kind *k);
void ed_history_get(struct rq *q, const struct ed_kind *k);
void ed_history_post(struct rq *q, const struct ed_kind *k);

/* Every kind's dashboard sections; the SQL title of revision r's subject (ed_kind.c). */
int ed_kinds_dashboard(struct rq *q);
const char *ed_kinds_title_sql(struct arena *a);

/* Pages (ed_dashboard.c, ed_lists.c). */
void ed_dashboard_register(struct app *app);
void ed_lists_register(struct app *app);

#endif
