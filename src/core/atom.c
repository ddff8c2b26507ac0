/* SPDX-License-Identifier: EUPL-1.2 */
/* The Atom writer: see atom.h. */
#include "core/atom.h"

static void
time_element(struct xml_writer *x, const char *name, int64_t t)
{
	char s[XML_TIME_LEN + 1];

	xml_time_format(t, s);
	xml_text(x, name, s);
}

static void
link(struct xml_writer *x, const char *rel, const char *type, const char *href)
{
	xml_empty(x, "link", (const char *const[]){"rel", rel, "type", type, "href", href, NULL});
}

static void
author(struct xml_writer *x, const char *name, const char *uri)
{
	xml_open(x, "author", NULL);
	xml_text(x, "name", name);
	if (uri)
		xml_text(x, "uri", uri);
	xml_close(x);
}

void
atom_begin(struct xml_writer *x, struct buf *out, const struct atom_feed *f)
{
	xml_begin(x, out);
	xml_open(x, "feed",
		 (const char *const[]){"xmlns", "http://www.w3.org/2005/Atom", "xml:lang", "de",
				       NULL});
	buf_addc(out, '\n');
	xml_text(x, "id", f->id);
	xml_text(x, "title", f->title);
	time_element(x, "updated", f->updated);
	link(x, "self", "application/atom+xml", f->self);
	link(x, "alternate", "text/html", f->id);
	author(x, f->author, f->author_uri);
}

void
atom_entry(struct xml_writer *x, const struct atom_entry *e)
{
	xml_open(x, "entry", NULL);
	xml_text(x, "id", e->id);
	xml_text(x, "title", e->title);
	time_element(x, "published", e->published);
	time_element(x, "updated", e->updated);
	link(x, "alternate", "text/html", e->id);
	if (e->author)
		author(x, e->author, NULL);
	for (size_t i = 0; i < e->n_categories; i++)
		xml_empty(x, "category",
			  (const char *const[]){"term", e->categories[2 * i], "label",
						e->categories[2 * i + 1], NULL});
	if (e->summary && e->summary[0])
		xml_text(x, "summary", e->summary);
	xml_close(x);
}

void
atom_end(struct xml_writer *x)
{
	xml_close(x);
}
