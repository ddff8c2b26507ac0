/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The Atom feed (RFC 4287) of the tenant's newly published events:
 * /veranstaltungen?format=atom, newest publication first.  Links are
 * absolute and come from configuration (rq_abs_url()), not the Host header.
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "core/atom.h"

#define FEED_ENTRIES 30

void
ev_atom(struct rq *q)
{
	struct buf *b = &q->resp->body;
	struct ev_event *v = NULL;
	const char *list = rq_abs_url(q, "/veranstaltungen");
	struct atom_feed f = {
		.id = list,
		.self = arena_printf(q->a, "%s?format=atom", list),
		.title = arena_printf(q->a, "%s – %s", rq_msg(q, "ev.title"), q->tenant->name),
		.author = q->tenant->name,
	};
	struct xml_writer x;
	size_t n = 0;
	int rc = ev_newest(q->db, q->tenant, FEED_ENTRIES, q->a, &v, &n, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].updated_at > f.updated)
			f.updated = v[i].updated_at;
	atom_begin(&x, b, &f);
	for (size_t i = 0; i < n; i++)
		atom_entry(&x, &(struct atom_entry){
				       .id = rq_abs_url(q, arena_printf(q->a, "/veranstaltungen/%s",
									v[i].slug)),
				       .title = v[i].title,
				       .summary = v[i].summary[0] ? v[i].summary : v[i].title,
				       .published = v[i].published_at,
				       .updated = v[i].updated_at,
			       });
	atom_end(&x);
	if (b->toobig) {
		rq_error(q, 500, NULL);
		return;
	}
	q->resp->content_type = "application/atom+xml; charset=utf-8";
}
