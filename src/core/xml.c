/* SPDX-License-Identifier: EUPL-1.2 */
/* The XML writer: see xml.h. */
#include "core/xml.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void
xml_escape(struct buf *b, const char *s)
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
xml_begin(struct xml_writer *x, struct buf *out)
{
	memset(x, 0, sizeof(*x));
	x->out = out;
	buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

/* "<name a="v"" without the end of the tag. */
static void
start_tag(struct xml_writer *x, const char *name, const char *const *attrs)
{
	buf_addc(x->out, '<');
	buf_adds(x->out, name);
	for (; attrs && attrs[0]; attrs += 2) {
		buf_addf(x->out, " %s=\"", attrs[0]);
		xml_escape(x->out, attrs[1] ? attrs[1] : "");
		buf_addc(x->out, '"');
	}
}

void
xml_open(struct xml_writer *x, const char *name, const char *const *attrs)
{
	assert(x->depth < XML_DEPTH);
	start_tag(x, name, attrs);
	buf_addc(x->out, '>');
	x->open[x->depth++] = name;
}

void
xml_empty(struct xml_writer *x, const char *name, const char *const *attrs)
{
	start_tag(x, name, attrs);
	buf_adds(x->out, "/>");
}

void
xml_close(struct xml_writer *x)
{
	assert(x->depth > 0);
	x->depth--;
	buf_addf(x->out, "</%s>", x->open[x->depth]);
	if (x->depth <= 1)
		buf_addc(x->out, '\n');
}

void
xml_text(struct xml_writer *x, const char *name, const char *text)
{
	if (!text) {
		buf_addf(x->out, "<%s/>", name);
		return;
	}
	buf_addf(x->out, "<%s>", name);
	xml_escape(x->out, text);
	buf_addf(x->out, "</%s>", name);
}

void
xml_time_format(int64_t t, char out[XML_TIME_LEN + 1])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(out, XML_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		snprintf(out, XML_TIME_LEN + 1, "1970-01-01T00:00:00Z");
}
