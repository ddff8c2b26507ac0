/* SPDX-License-Identifier: EUPL-1.2 */
/* Template data of the catalogue pages, and the schema.org description of a service. */
#include "features/catalog/svc_view.h"
#include "features/catalog/svc_int.h"

#include "features/catalog/catalog.h"

#include <string.h>

/* Page sections in reading order, with their headings' message keys. */
static const struct {
	enum svc_module m;
	const char *heading;
} sections[] = {
	{SVC_FULL, "svc.full"},		  {SVC_REQUIREMENTS, "svc.requirements"},
	{SVC_DOCUMENTS, "svc.documents"}, {SVC_FEES, "svc.fees"},
	{SVC_DEADLINES, "svc.deadlines"}, {SVC_PROCESSING_TIME, "svc.processing_time"},
	{SVC_PROCEDURE, "svc.procedure"}, {SVC_ONLINE, "svc.online"},
	{SVC_NOTES, "svc.notes"},
};

static struct view_val *
links(struct rq *q, const struct svc_link *v, size_t n)
{
	struct view_val *l = view_list(q->a);

	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "title", v[i].title);
		if (v[i].url[0])
			view_set_text(m, "url", v[i].url);
	}
	return l;
}

static const char *
topic_base(const char *kind)
{
	return strcmp(kind, "themenfeld") == 0	 ? "/themen"
	       : strcmp(kind, "lebenslage") == 0 ? "/lebenslagen"
						 : "/unternehmenslagen";
}

/* schema.org GovernmentService with the tenant as provider. */
static struct view_val *
jsonld(struct rq *q, const struct svc *s, const char *canonical)
{
	struct view_val *d = view_map(q->a), *p = view_map(q->a), *addr = view_map(q->a);
	const struct tenant *t = q->tenant;

	view_set_text(d, "@context", "https://schema.org");
	view_set_text(d, "@type", "GovernmentService");
	view_set_text(d, "name", s->title);
	view_set_text(d, "identifier", s->leika);
	view_set_text(d, "url", canonical);
	if (s->text[SVC_SHORT][0])
		view_set_text(d, "description", s->text[SVC_SHORT]);
	view_set_text(p, "@type", "GovernmentOrganization");
	view_set_text(p, "name", t->name);
	if (t->contact.web[0])
		view_set_text(p, "url", t->contact.web);
	view_set_text(addr, "@type", "PostalAddress");
	view_set_text(addr, "streetAddress", t->contact.street);
	view_set_text(addr, "postalCode", t->contact.postal_code);
	view_set_text(addr, "addressLocality", t->contact.city);
	view_set_text(addr, "addressCountry", "DE");
	view_set(p, "address", addr);
	view_set(d, "provider", p);
	return d;
}

void
svc_view_service(struct rq *q, const struct svc *s, const char *canonical)
{
	struct view_val *p = q->page, *secs = view_list(q->a), *m = view_map(q->a);

	view_set_text(p, "title", s->title);
	view_set_text(p, "canonical", canonical);
	rq_crumbs(q, "svc.az", "/leistungen", s->title);
	view_set_text(m, "title", s->title);
	view_set_text(m, "leika", s->leika);
	view_set_text(m, "leika_name", s->leika_name);
	view_set_text(m, "reviewed", s->reviewed);
	view_set_text(m, "online_url", s->online_url);
	view_set_text(m, "ozg_name", s->ozg_name);
	if (s->level[0])
		view_set_text(m, "level", rq_msg(q, arena_printf(q->a, "svc.level.%s", s->level)));
	if (s->text[SVC_SHORT][0])
		view_set(m, "short", view_markdown(q->a, s->text[SVC_SHORT]));
	if (s->themenfeld_slug[0]) {
		view_set_text(m, "themenfeld", s->themenfeld_name);
		view_set_text(m, "themenfeld_url",
			      rq_url(q, arena_printf(q->a, "/themen/%s", s->themenfeld_slug)));
	}
	if (s->lage_slug[0] && strcmp(s->lage_kind, "querschnitt") != 0) {
		view_set_text(m, "lage", s->lage_name);
		view_set_text(m, "lage_url",
			      rq_url(q, arena_printf(q->a, "%s/%s", topic_base(s->lage_kind),
						     s->lage_slug)));
	}
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		struct view_val *sec;

		if (!s->text[sections[i].m][0])
			continue;
		sec = view_push(secs, view_map(q->a));
		view_set_text(sec, "id", svc_module_name(sections[i].m));
		view_set_text(sec, "heading", rq_msg(q, sections[i].heading));
		view_set(sec, "body", view_markdown(q->a, s->text[sections[i].m]));
	}
	view_set(m, "sections", secs);
	if (s->n_legal)
		view_set(m, "legal", links(q, s->legal, s->n_legal));
	if (s->n_sources)
		view_set(m, "sources", links(q, s->sources, s->n_sources));
	view_set(p, "service", m);
	view_set(p, "jsonld", jsonld(q, s, canonical));
}

struct view_val *
svc_view_items(struct rq *q, const struct svc_item *items, size_t n)
{
	struct view_val *l = view_list(q->a);

	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		/* The items' strings outlive the render: in q->a or in the read model it holds. */
		view_set(m, "title", view_text_ref(q->a, items[i].title));
		view_set(m, "url",
			 view_text_ref(
				 q->a,
				 rq_url(q, items[i].path
						   ? items[i].path
						   : arena_printf(q->a, "/leistungen/%s-%s",
								  items[i].slug, items[i].leika))));
		if (items[i].short_html)
			view_set(m, "short", view_html_ref(q->a, items[i].short_html));
		else if (items[i].short_text[0])
			view_set(m, "short", view_markdown(q->a, items[i].short_text));
	}
	return l;
}

static struct view_val *
letters(struct rq *q, char current)
{
	struct view_val *l = view_list(q->a);

	for (char c = 'A'; c <= 'Z'; c++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "letter", arena_printf(q->a, "%c", c));
		view_set_text(m, "url",
			      rq_url(q, arena_printf(q->a, "/leistungen?buchstabe=%c", c)));
		view_set_bool(m, "current", c == current);
	}
	return l;
}

void
svc_view_list(struct rq *q, const struct svc_item *items, size_t n, int64_t total, int64_t page,
	      int64_t page_size, char letter, const char *query)
{
	struct view_val *p = q->page;
	const char *filter = letter  ? arena_printf(q->a, "buchstabe=%c&", letter)
			     : query ? arena_printf(q->a, "q=%s&", rq_urlencode(q, query))
				     : "";

	view_set_text(p, "title", rq_msg(q, "svc.az"));
	rq_crumbs(q, "svc.az", NULL, NULL);
	view_set(p, "items", svc_view_items(q, items, n));
	view_set(p, "letters", letters(q, letter));
	view_set_int(p, "total", total);
	view_set_text(p, "query", query ? query : "");
	if (letter)
		view_set_text(p, "letter", arena_printf(q->a, "%c", letter));
	if (page > 1)
		view_set_text(p, "prev_url",
			      rq_url(q, arena_printf(q->a, "/leistungen?%sseite=%lld", filter,
						     (long long)page - 1)));
	if (page * page_size < total)
		view_set_text(p, "next_url",
			      rq_url(q, arena_printf(q->a, "/leistungen?%sseite=%lld", filter,
						     (long long)page + 1)));
	view_set_int(p, "page", page);
	view_set_int(p, "pages", (total + page_size - 1) / page_size);
}

static const char *
topic_label(const char *kind)
{
	return strcmp(kind, "themenfeld") == 0	 ? "svc.topics.themenfeld"
	       : strcmp(kind, "lebenslage") == 0 ? "svc.topics.lebenslage"
						 : "svc.topics.unternehmenslage";
}

void
svc_view_topic(struct rq *q, const struct svc_topic *tp, const struct svc_item *items, size_t n)
{
	view_set_text(q->page, "title", tp->name);
	rq_crumbs(q, topic_label(tp->kind), topic_base(tp->kind), tp->name);
	view_set(q->page, "items", svc_view_items(q, items, n));
	view_set_int(q->page, "total", (int64_t)n);
}

void
svc_view_topics(struct rq *q, const char *kind, const struct svc_topic *tps, size_t n)
{
	struct view_val *l = view_set(q->page, "topics", view_list(q->a));

	view_set_text(q->page, "title", rq_msg(q, topic_label(kind)));
	rq_crumbs(q, topic_label(kind), NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		struct view_val *m = view_push(l, view_map(q->a));

		view_set_text(m, "name", tps[i].name);
		view_set_int(m, "count", tps[i].count);
		view_set_text(
			m, "url",
			rq_url(q, arena_printf(q->a, "%s/%s", topic_base(kind), tps[i].slug)));
	}
}

/* How many described services the home page shows. */
#define HOME_SERVICES 12

int
catalog_on_home(struct rq *q)
{
	struct svc_filter f = {.described_only = true, .limit = HOME_SERVICES};
	struct svc_topic *tps;
	struct svc_item *items;
	size_t n, nt;
	int rc = svc_offered(q, &f, &items, &n, NULL);

	if (rc == 0)
		rc = svc_offered_topics(q, "themenfeld", &tps, &nt);
	if (rc)
		return rc;
	view_set(q->page, "frequent", svc_view_items(q, items, n));
	svc_view_topics(q, "themenfeld", tps, nt);
	view_set(q->page, "breadcrumbs", view_list(q->a));
	return 0;
}
