/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A small XML writer for the Open311 answers and the Atom feed: elements
 * are closed in order from a stack, text and attribute values are escaped,
 * and characters XML 1.0 forbids are dropped (a C0 control is not allowed
 * even as a reference).  Input is UTF-8, as everything from the database.
 */
#include "features/reports/reports.h"

#include <assert.h>
#include <string.h>

void
rp_xml_escape(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	for (; *p; p++) {
		const char *rep = NULL;
		size_t skip = 0;

		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				rep = "";
			else if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
				rep = "", skip = 2; /* U+FFFE, U+FFFF */
		}
		if (!rep)
			continue;
		buf_add(b, run, (size_t)(p - run));
		buf_adds(b, rep);
		p += skip;
		run = p + 1;
	}
	buf_add(b, run, (size_t)(p - run));
}

void
rp_xml_begin(struct rp_xml *x, struct buf *out)
{
	memset(x, 0, sizeof(*x));
	x->out = out;
	buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

/* "<name a="v"" without the end of the tag. */
static void
start_tag(struct rp_xml *x, const char *name, const char *const *attrs)
{
	buf_addc(x->out, '<');
	buf_adds(x->out, name);
	for (; attrs && attrs[0]; attrs += 2) {
		buf_addf(x->out, " %s=\"", attrs[0]);
		rp_xml_escape(x->out, attrs[1] ? attrs[1] : "");
		buf_addc(x->out, '"');
	}
}

void
rp_xml_open(struct rp_xml *x, const char *name, const char *const *attrs)
{
	assert(x->depth < RP_XML_DEPTH);
	start_tag(x, name, attrs);
	buf_addc(x->out, '>');
	x->open[x->depth++] = name;
}

void
rp_xml_empty(struct rp_xml *x, const char *name, const char *const *attrs)
{
	start_tag(x, name, attrs);
	buf_adds(x->out, "/>");
}

void
rp_xml_close(struct rp_xml *x)
{
	assert(x->depth > 0);
	x->depth--;
	buf_addf(x->out, "</%s>", x->open[x->depth]);
	if (x->depth <= 1)
		buf_addc(x->out, '\n');
}

void
rp_xml_text(struct rp_xml *x, const char *name, const char *text)
{
	if (!text) {
		buf_addf(x->out, "<%s/>", name);
		return;
	}
	buf_addf(x->out, "<%s>", name);
	rp_xml_escape(x->out, text);
	buf_addf(x->out, "</%s>", name);
}
