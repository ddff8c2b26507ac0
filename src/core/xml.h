/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * xml: a small XML writer for the Atom feeds and the Open311 answers:
 * elements are closed in order from a stack, text and attribute values are
 * escaped, and characters XML 1.0 forbids are dropped (a C0 control is not
 * allowed even as a reference).  Input is UTF-8, as everything from the
 * database.  Fuzzed by tests/fuzz/fuzz_reports_filter.c.
 */
#ifndef RATHAUS_CORE_XML_H
#define RATHAUS_CORE_XML_H

#include "core/buf.h"

#include <stdint.h>

/* "YYYY-MM-DDTHH:MM:SSZ" */
#define XML_TIME_LEN 20

#define XML_DEPTH 8

/*
 * Elements with text into a buf, escaped: & < > " ' become references and
 * characters XML 1.0 forbids (C0 controls but TAB, LF, CR; U+FFFE/FFFF) are
 * dropped, so any UTF-8 input yields well-formed XML.
 */
struct xml_writer {
	struct buf *out;
	const char *open[XML_DEPTH];
	int depth;
};

void xml_begin(struct xml_writer *x, struct buf *out);
/* <name attr="value"...>: `attrs` is NULL or pairs ended by NULL. */
void xml_open(struct xml_writer *x, const char *name, const char *const *attrs);
void xml_close(struct xml_writer *x);
/* <name attr="value"/>. */
void xml_empty(struct xml_writer *x, const char *name, const char *const *attrs);
/* <name>text</name>; NULL text writes <name/>. */
void xml_text(struct xml_writer *x, const char *name, const char *text);
/* Append `s` escaped for text and attribute values. */
void xml_escape(struct buf *b, const char *s);

/* Unix seconds `t` as an RFC 3339 date-time in UTC (Atom, Open311). */
void xml_time_format(int64_t t, char out[XML_TIME_LEN + 1]);

#endif
