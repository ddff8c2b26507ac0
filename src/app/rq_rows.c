/* SPDX-License-Identifier: EUPL-1.2 */
/* Rows for a page or an export (rq_rows.h). */
#include "app/rq_rows.h"

#include <jansson.h>

struct view_val *
rq_page_list(struct rq *q, int rc, const char *key)
{
	if (rc) {
		rq_fail(q, rc);
		return NULL;
	}
	return view_set(q->page, key, view_list(q->a));
}

/* What rq_export_rows() fills. */
struct json_rows {
	rq_json_row_fn *fn;
	json_t *list;
};

static int
add_json_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct json_rows *r = ctx;

	(void)e;
	json_array_append_new(r->list, r->fn(st));
	return 0;
}

int
rq_export_rows(struct rq *q, json_t *doc, const char *key, const char *sql, rq_json_row_fn *fn,
	       int64_t citizen_id)
{
	struct json_rows r = {fn, json_array()};
	int rc = db_each(q->db, &q->err, sql, add_json_row, &r, DB_INT(citizen_id));

	if (rc == 0)
		json_object_set(doc, key, r.list);
	json_decref(r.list);
	return rc;
}
