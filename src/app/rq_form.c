/* SPDX-License-Identifier: EUPL-1.2 */
/* Pieces of the booking forms (rq_form.h). */
#include "app/rq_form.h"

void
rq_page_field(struct rq *q, const char *key, const char *value, const char *error)
{
	rq_field(q, view_set(q->page, key, view_map(q->a)), value, error);
}

void
rq_count_options(struct rq *q, const char *key, int max, int selected)
{
	struct view_val *list = view_set(q->page, key, view_list(q->a));

	for (int i = 1; i <= max; i++) {
		struct view_val *o = view_push(list, view_map(q->a));

		view_set_int(o, "n", i);
		view_set_bool(o, "selected", selected == i);
	}
}
