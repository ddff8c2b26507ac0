/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the Open311 query of GET requests, the W3C date-time and coordinate
 * parsers, and
 * the XML writer with the same bytes: the input's lines are status,
 * service_code, start_date, end_date and service_request_id.  A query is
 * accepted within its limits or refused; escaped text never holds markup
 * or a control character.
 */
#include "core/xml.h"
#include "features/reports/reports.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1796328000 /* 2026-12-03 */

static void
check_filter(const struct rp_filter *f)
{
	if (f->n_ids > RP_IDS_MAX || strlen(f->code) > RP_CODE_MAX)
		__builtin_trap();
	if (f->n_ids == 0 && (f->until < f->since || f->until - f->since > RP_RANGE_MAX_S))
		__builtin_trap();
	if (f->statuses & ~(unsigned)RP_ALL)
		__builtin_trap();
}

static void
check_escaped(const char *s)
{
	struct buf b;

	buf_init(&b, 1u << 20);
	xml_escape(&b, s);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];

		if (c == '<' || c == '>' || c == '"' ||
		    (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
			__builtin_trap();
	}
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line[5] = {NULL}, *p;
	struct rp_filter f;
	struct err e = {0};
	char out[XML_TIME_LEN + 1];
	int64_t t;

	memcpy(text, data, size);
	text[size] = '\0';
	check_escaped(text);
	p = text;
	for (int i = 0; i < 5 && p; i++) {
		line[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	if (rp_filter_open311(line[0], line[1], line[2], line[3], line[4], NOW, &f, &e) == 0)
		check_filter(&f);
	if (rp_coord_parse(text, -90, 90, &t) && (t < -90000000 || t > 90000000))
		__builtin_trap();
	if (rp_time_parse(text, &t)) {
		xml_time_format(t, out);
		if (strlen(out) != 20)
			__builtin_trap();
	}
	free(text);
	return 0;
}
