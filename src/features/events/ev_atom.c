/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The Atom feed (RFC 4287) of the tenant's newly published events:
 * /veranstaltungen?format=atom, newest publication first.  Links are
 * absolute and come from configuration (rq_abs_url()), not the Host header.
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "core/xml.h"

#define FEED_ENTRIES 30

static void
rfc3339(struct buf *b, int64_t t)
{
	char s[XML_TIME_LEN + 1];

	xml_time_format(t, s);
	(void)buf_adds(b, s);
}

static void
element(struct buf *b, const char *name, const char *text)
{
	(void)buf_addf(b, "<%s>", name);
	xml_escape(b, text);
	(void)buf_addf(b, "</%s>\n", name);
}

static void
entry(struct rq *q, struct buf *b, const struct ev_event *ev)
{
	const char *url = rq_abs_url(q, arena_printf(q->a, "/veranstaltungen/%s", ev->slug));

	(void)buf_adds(b, "<entry>\n");
	element(b, "id", url);
	element(b, "title", ev->title);
	(void)buf_adds(b, "<updated>");
	rfc3339(b, ev->updated_at);
	(void)buf_adds(b, "</updated>\n<published>");
	rfc3339(b, ev->published_at);
	(void)buf_adds(b, "</published>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_escape(b, url);
	(void)buf_adds(b, "\"/>\n");
	element(b, "summary", ev->summary[0] ? ev->summary : ev->title);
	(void)buf_adds(b, "</entry>\n");
}

void
ev_atom(struct rq *q)
{
	struct buf *b = &q->resp->body;
	struct ev_event *v = NULL;
	const char *list = rq_abs_url(q, "/veranstaltungen");
	int64_t updated = 0;
	size_t n = 0;
	int rc = ev_newest(q->db, q->tenant, FEED_ENTRIES, q->a, &v, &n, &q->err);

	if (rc) {
		rq_fail(q, rc);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].updated_at > updated)
			updated = v[i].updated_at;
	(void)buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			  "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"de\">\n");
	element(b, "id", list);
	element(b, "title", arena_printf(q->a, "%s – %s", rq_msg(q, "ev.title"), q->tenant->name));
	(void)buf_adds(b, "<updated>");
	rfc3339(b, updated);
	(void)buf_adds(b, "</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	xml_escape(b, arena_printf(q->a, "%s?format=atom", list));
	(void)buf_adds(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	xml_escape(b, list);
	(void)buf_adds(b, "\"/>\n<author><name>");
	xml_escape(b, q->tenant->name);
	(void)buf_adds(b, "</name></author>\n");
	for (size_t i = 0; i < n; i++)
		entry(q, b, &v[i]);
	(void)buf_adds(b, "</feed>\n");
	if (b->toobig) {
		rq_error(q, 500, NULL);
		return;
	}
	q->resp->content_type = "application/atom+xml; charset=utf-8";
}
