/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Fuzz the PDF layout with outside text (answers of a form end up in a
 * receipt): any bytes, split at NUL into a label, a value and a paragraph,
 * must render or hit a limit, never fail inside cairo.
 */
#include "pdf/pdf.h"

#include "core/arena.h"

#include <stdint.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct pdf_doc *d;
	struct err e;
	struct buf b;
	char *text;
	const char *label, *value, *para;
	int rc;

	if (size > 8192)
		return 0;
	arena_init(&a);
	text = arena_strndup(&a, (const char *)data, size);
	label = text; /* text[size] is NUL: each piece ends at the latest there */
	value = label + strlen(label);
	if (value < text + size)
		value++;
	para = value + strlen(value);
	if (para < text + size)
		para++;
	d = pdf_new(label);
	buf_init(&b, 4u << 20);
	pdf_footer(d, label, value, para);
	pdf_title(d, label);
	pdf_heading(d, value, (int)size % 12 - 2);
	pdf_pair(d, label, value, (int)size % 3);
	pdf_para(d, para);
	rc = pdf_render(d, &b, &e);
	if (rc != 0 && rc != ERR_TOOBIG)
		__builtin_trap(); /* cairo refused what pdf.c let through */
	if (rc == 0 && (b.len < 5 || memcmp(b.p, "%PDF-", 5) != 0))
		__builtin_trap();
	buf_release(&b);
	pdf_free(d);
	arena_release(&a);
	return 0;
}
