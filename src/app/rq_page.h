/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Page helpers that several features share: the staff role check, the
 * staff breadcrumbs, a date with its time, a select box's options, a schema.org place, a
 * download's answer, the page of a mailed link's token and a page list made from rows.
 */
#ifndef RATHAUS_APP_RQ_PAGE_H
#define RATHAUS_APP_RQ_PAGE_H

#include "app/app.h"
#include "db/db.h"

#include <stdbool.h>

/*
 * Answer a failed call `rc` (0: nothing to answer, false) by rq_fail(), with
 * message `key` when `rc` is `code` (a refused transition, an expired link);
 * true when it answered.
 */
bool rq_failed_as(struct rq *q, int rc, int code, const char *key);

/* True when q->user holds one of `roles` (enum auth_role bits); else answers 403, false. */
bool rq_staff_may(struct rq *q, unsigned roles);

/*
 * Breadcrumbs "Verwaltung > section" on a staff section's own page, or,
 * with `here`, "Verwaltung > section (linked to section_path) > here".
 */
void rq_staff_crumbs(struct rq *q, const char *section_key, const char *section_path,
		     const char *here);

/* "05.12.2026 14:30", Unix seconds `t` in Europe/Berlin; in the request arena. */
const char *rq_date_time(struct rq *q, int64_t t);

/* Append an option {value, name, selected} of a select box to `list`; returns its map. */
struct view_val *rq_option(struct rq *q, struct view_val *list, const char *value, const char *name,
			   bool selected);

/* "" for an empty `key`, else message "<prefix>.<key>" (a category's name, say). */
const char *rq_key_name(struct rq *q, const char *prefix, const char *key);
/*
 * Append an option {key, name, selected} to `list` for each of the
 * NULL-terminated `keys`, named by message "<prefix>.<key>"; the key equal
 * to `selected` is selected.
 */
void rq_key_options(struct rq *q, struct view_val *list, const char *const *keys,
		    const char *prefix, const char *selected);

/* A schema.org Place `name` at a PostalAddress in Germany; `postal` "" for none. */
struct view_val *rq_jsonld_place(struct rq *q, const char *name, const char *street,
				 const char *postal, const char *city);

/*
 * Path parameter `name` into *out without a trailing ".ics"; true when it
 * had one (the iCalendar file of a page).  In the request arena.
 */
bool rq_param_ics(struct rq *q, const char *name, const char **out);

/*
 * Finish a download written into the response body: after a failure `rc`
 * drop what was written and answer by rq_fail(); else send it as `type`,
 * never stored, as an attachment named `filename`.
 */
void rq_download(struct rq *q, int rc, const char *type, const char *filename);

/*
 * The page's list `key` with a map for each row of `sql` (run on q->db with
 * the DB_ list, as db_each()), filled by fill(q, st, m) from the current row.
 * Returns 0 or the error in q->err; the caller answers it.
 *
 *	rc = rq_page_rows(q, "cases", sql, add_case, DB_INT(citizen));
 */
typedef void rq_row_fn(struct rq *q, struct db_stmt *st, struct view_val *m);
int rq_page_rows_args(struct rq *q, const char *key, const char *sql, rq_row_fn *fill,
		      const struct db_arg *args, size_t n) MUST_CHECK;
#define rq_page_rows(q, key, sql, fill, ...)                                                       \
	rq_page_rows_args((q), (key), (sql), (fill), DB_ARGS(__VA_ARGS__))

/*
 * The token of a mailed link (query "token") for a page that asks to
 * confirm with a button, with a session for the form's CSRF token; NULL
 * after answering 404 with message `error_key` (a malformed token) or a
 * failure.
 */
const char *rq_mail_token(struct rq *q, const char *error_key);

#endif
