/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * pdf: plain documents for receipts and confirmations.  A document is a
 * list of blocks (a title, headings, paragraphs, label/value pairs), laid
 * out on A4 pages with cairo's PDF surface in DejaVu Sans (fonts-dejavu-core,
 * read from /usr/share/fonts/truetype/dejavu/ with FreeType, embedded as a
 * subset, so every reader shows umlauts and ß the same):
 * text wrapped at spaces, a word longer than a line cut between
 * characters, a new page when one is full, and a footer with the page
 * number "<page> n <of> m" on every page.
 *
 * Text is taken as it comes from outside: bytes that are no UTF-8 become
 * U+FFFD, control characters but LF are dropped (LF starts a new line), so
 * no input can make cairo fail or draw anything but its characters.
 *
 * pdf uses core only; it knows nothing of features, HTTP or the database.
 * <cairo.h> and FreeType are included only in src/pdf/.
 */
#ifndef RATHAUS_PDF_H
#define RATHAUS_PDF_H

#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>

/* A document is at most this many pages; more is ERR_TOOBIG. */
#define PDF_PAGES_MAX 500
/* One block's text is cut after this many bytes. */
#define PDF_TEXT_MAX (64u * 1024)

/* A document being built.  Opaque. */
struct pdf_doc;

/*
 * A new empty document with metadata `title` (may be NULL).  Caller frees
 * with pdf_free(); NULL is a no-op there.
 */
struct pdf_doc *pdf_new(const char *title);
void pdf_free(struct pdf_doc *d);

/*
 * The footer of every page: `left` (may be NULL) on the left, and
 * "<page_word> n <of_word> m" on the right (defaults "Seite" and "von").
 * The strings are copied.
 */
void pdf_footer(struct pdf_doc *d, const char *left, const char *page_word, const char *of_word);

/* Add the document's title (large, bold). */
void pdf_title(struct pdf_doc *d, const char *text);
/* Add a section heading, indented by `level` steps (0: none). */
void pdf_heading(struct pdf_doc *d, const char *text, int level);
/* Add a paragraph of running text. */
void pdf_para(struct pdf_doc *d, const char *text);
/* Add `label` (small, bold) with `value` below it, indented by `level` steps. */
void pdf_pair(struct pdf_doc *d, const char *label, const char *value, int level);

/*
 * Lay the document out and append the PDF to `out` (its limit bounds the
 * size).  Returns 0, ERR_TOOBIG (more than PDF_PAGES_MAX pages, or `out`
 * full) or ERR_INTERNAL (the fonts are missing, or cairo failed).
 */
int pdf_render(struct pdf_doc *d, struct buf *out, struct err *e) MUST_CHECK;

#endif
