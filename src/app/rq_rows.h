/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Rows for a page or an export: the list a page shows after loading its
 * rows (or the failure it answers instead), and a member of the citizen's
 * data export made from a query on the request's connection, q->db.  A page
 * list filled straight from a query is rq_page_rows() (rq_page.h).
 */
#ifndef RATHAUS_APP_RQ_ROWS_H
#define RATHAUS_APP_RQ_ROWS_H

#include "app/app.h"
#include "db/db.h"

/*
 * After loading a page's rows with result `rc`: NULL after answering the
 * failure (rq_fail()), else the new, empty list `key` of q->page to fill.
 */
struct view_val *rq_page_list(struct rq *q, int rc, const char *key);

/*
 * Member `key` of the citizen's data export `doc` (struct feature's
 * citizen_data): a JSON array with one object for each row of `sql`, whose
 * $1 is the citizen, made by fn(st) (NULL: the row is left out).  Returns 0
 * or the error.
 */
typedef struct json_t *rq_json_row_fn(struct db_stmt *st);
int rq_export_rows(struct rq *q, struct json_t *doc, const char *key, const char *sql,
		   rq_json_row_fn *fn, int64_t citizen_id) MUST_CHECK;

#endif
