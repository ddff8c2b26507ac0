/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Laying out a document with cairo.  The layout runs twice: once into a
 * surface that discards its output, to count the pages for the footer's
 * "n of m", then into the real one.  Both runs measure with the same font
 * on the same kind of surface, so they break lines and pages alike.
 */
#include "pdf/pdf.h"

#include "core/arena.h"
#include "core/xalloc.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fonts of fonts-dejavu-core, loaded from their files: no fontconfig matching. */
#define FONT_DIR "/usr/share/fonts/truetype/dejavu/"
#define FONT_REGULAR FONT_DIR "DejaVuSans.ttf"
#define FONT_BOLD FONT_DIR "DejaVuSans-Bold.ttf"
/* A4 in points, margins of 2 cm, the footer's baseline 1.4 cm above the edge. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN 56.693
#define BOTTOM (PAGE_H - 70.0)
#define FOOTER_Y (PAGE_H - 40.0)
#define INDENT 14.0
#define LEADING 1.35
/* More bytes than any line of the narrowest glyphs holds. */
#define LINE_BYTES_MAX 2048

enum block_kind { B_TITLE, B_HEADING, B_PARA, B_PAIR };

struct block {
	enum block_kind kind;
	int level;
	const char *text, *value; /* clean UTF-8; value only for B_PAIR */
};

struct pdf_doc {
	struct arena a;
	struct block *v;
	size_t n, cap;
	const char *title, *left, *page_word, *of_word;
};

struct pdf_doc *
pdf_new(const char *title)
{
	struct pdf_doc *d = xcalloc(1, sizeof(*d));

	arena_init(&d->a);
	d->title = title ? arena_strdup(&d->a, title) : "";
	d->left = "";
	d->page_word = "Seite";
	d->of_word = "von";
	return d;
}

void
pdf_free(struct pdf_doc *d)
{
	if (!d)
		return;
	arena_release(&d->a);
	free(d);
}

/* The length of the UTF-8 sequence at p (at most n bytes), or 0 when it is none. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	unsigned cp;
	size_t len;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	if (len == 2 && cp < 0xa0) /* C1 control characters */
		return 0;
	return len;
}

/* `s` fit for drawing: see pdf.h.  Lives in the document's arena. */
static const char *
clean(struct pdf_doc *d, const char *s)
{
	size_t n = s ? strlen(s) : 0, o = 0;
	unsigned char *out;

	if (n > PDF_TEXT_MAX)
		n = PDF_TEXT_MAX;
	out = arena_alloc(&d->a, n * 3 + 1);
	for (size_t i = 0; i < n;) {
		const unsigned char *p = (const unsigned char *)s + i;
		size_t k = utf8_seq(p, n - i);

		if (k == 0 && p[0] == 0xc2 && n - i >= 2 && p[1] >= 0x80 && p[1] < 0xa0) {
			i += 2; /* a C1 control character */
		} else if (k == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else if (k == 1 && (p[0] < 0x20 || p[0] == 0x7f)) {
			if (p[0] == '\n' || p[0] == '\t')
				out[o++] = p[0] == '\n' ? '\n' : ' ';
			i++;
		} else {
			memcpy(out + o, p, k);
			o += k;
			i += k;
		}
	}
	out[o] = '\0';
	return (const char *)out;
}

static void
add(struct pdf_doc *d, enum block_kind kind, int level, const char *text, const char *value)
{
	struct block *b;

	d->v = arena_grow(&d->a, d->v, d->n, &d->cap, sizeof(*d->v));
	b = &d->v[d->n++];
	b->kind = kind;
	b->level = level < 0 ? 0 : level > 8 ? 8 : level;
	b->text = clean(d, text);
	b->value = value ? clean(d, value) : NULL;
}

void
pdf_footer(struct pdf_doc *d, const char *left, const char *page_word, const char *of_word)
{
	d->left = clean(d, left ? left : "");
	if (page_word)
		d->page_word = clean(d, page_word);
	if (of_word)
		d->of_word = clean(d, of_word);
}

void
pdf_title(struct pdf_doc *d, const char *text)
{
	add(d, B_TITLE, 0, text, NULL);
}

void
pdf_heading(struct pdf_doc *d, const char *text, int level)
{
	add(d, B_HEADING, level, text, NULL);
}

void
pdf_para(struct pdf_doc *d, const char *text)
{
	add(d, B_PARA, 0, text, NULL);
}

void
pdf_pair(struct pdf_doc *d, const char *label, const char *value, int level)
{
	add(d, B_PAIR, level, label, value && value[0] ? value : "–");
}

/* ---- Fonts ----------------------------------------------------------------- */

/*
 * The two faces, loaded once per process and kept for its life (cairo
 * locks a FreeType face while it uses it, so threads share them).
 */
static pthread_once_t fonts_once = PTHREAD_ONCE_INIT;
static FT_Library ft_lib;
static cairo_font_face_t *faces[2]; /* regular, bold; NULL when missing */

static cairo_font_face_t *
load_face(const char *path)
{
	FT_Face face;
	cairo_font_face_t *cf;

	if (FT_New_Face(ft_lib, path, 0, &face))
		return NULL;
	cf = cairo_ft_font_face_create_for_ft_face(face, 0);
	if (cairo_font_face_status(cf) != CAIRO_STATUS_SUCCESS) {
		cairo_font_face_destroy(cf);
		FT_Done_Face(face);
		return NULL;
	}
	return cf;
}

static void
load_fonts(void)
{
	if (FT_Init_FreeType(&ft_lib))
		return;
	faces[0] = load_face(FONT_REGULAR);
	faces[1] = load_face(FONT_BOLD);
}

/* ---- Layout ---------------------------------------------------------------- */

struct layout {
	const struct pdf_doc *d;
	cairo_t *cr;
	int page, pages; /* the current page from 1; the total (0 while counting) */
	double y;	 /* the top of the next line */
	bool full;	 /* past PDF_PAGES_MAX */
	char *scratch;	 /* PDF_TEXT_MAX + 1 bytes */
};

static void
font(struct layout *L, double size, bool bold, double gray)
{
	cairo_set_font_face(L->cr, faces[bold]);
	cairo_set_font_size(L->cr, size);
	cairo_set_source_rgb(L->cr, gray, gray, gray);
}

static double
width_of(struct layout *L, const char *p, size_t n)
{
	cairo_text_extents_t ext;

	memcpy(L->scratch, p, n);
	L->scratch[n] = '\0';
	cairo_text_extents(L->cr, L->scratch, &ext);
	return ext.x_advance;
}

static void
draw(struct layout *L, double x, double baseline, const char *p, size_t n)
{
	memcpy(L->scratch, p, n);
	L->scratch[n] = '\0';
	cairo_move_to(L->cr, x, baseline);
	cairo_show_text(L->cr, L->scratch);
}

static void
footer(struct layout *L)
{
	char num[32], total[32];
	const char *parts[4] = {L->d->page_word, num, L->pages ? L->d->of_word : "", total};
	double w = 0;

	snprintf(num, sizeof(num), " %d ", L->page);
	total[0] = '\0';
	if (L->pages)
		snprintf(total, sizeof(total), " %d", L->pages);
	cairo_save(L->cr);
	font(L, 8, false, 0.35);
	draw(L, MARGIN, FOOTER_Y, L->d->left, strlen(L->d->left));
	for (int i = 0; i < 4; i++)
		w += width_of(L, parts[i], strlen(parts[i]));
	cairo_move_to(L->cr, PAGE_W - MARGIN - w, FOOTER_Y);
	for (int i = 0; i < 4; i++)
		cairo_show_text(L->cr, parts[i]);
	cairo_restore(L->cr);
}

static void
new_page(struct layout *L)
{
	footer(L);
	cairo_show_page(L->cr);
	L->page++;
	L->y = MARGIN;
	if (L->page > PDF_PAGES_MAX)
		L->full = true;
}

/*
 * The bytes of p (n of them, no LF) that fill one line of `width`: up to
 * the last space that fits, or, when the first word alone is too wide,
 * as many characters of it as fit (at least one).
 */
static size_t
fit(struct layout *L, const char *p, size_t n, double width)
{
	size_t best = 0, i = 0, last = 0;
	double w = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && p[j] == ' ')
			j++;
		while (j < n && p[j] != ' ')
			j++;
		/* No line holds LINE_BYTES_MAX bytes: do not measure more. */
		if (j > LINE_BYTES_MAX || (w += width_of(L, p + i, j - i)) > width)
			break;
		best = i = j;
	}
	if (best)
		return best;
	w = 0;
	for (size_t k = 0; k < n;) {
		size_t c = k + 1;

		while (c < n && ((unsigned char)p[c] & 0xc0) == 0x80)
			c++;
		w += width_of(L, p + k, c - k);
		if (last && (w > width || c > LINE_BYTES_MAX))
			break;
		last = k = c;
	}
	return last;
}

/* Draw `text` wrapped into lines at x..x+width in the current font. */
static void
flow(struct layout *L, const char *text, double size, double x)
{
	double width = PAGE_W - MARGIN - x, lh = size * LEADING;

	for (const char *seg = text; !L->full;) {
		const char *nl = strchr(seg, '\n');
		size_t n = nl ? (size_t)(nl - seg) : strlen(seg);

		do {
			size_t k;

			while (n && *seg == ' ')
				seg++, n--;
			k = fit(L, seg, n, width);
			if (L->y + lh > BOTTOM)
				new_page(L);
			if (L->full)
				return;
			draw(L, x, L->y + size, seg, k);
			L->y += lh;
			seg += k;
			n -= k;
		} while (n);
		if (!nl)
			return;
		seg = nl + 1;
	}
}

static void
block(struct layout *L, const struct block *b)
{
	double x = MARGIN + b->level * INDENT;

	switch (b->kind) {
	case B_TITLE:
		font(L, 16, true, 0);
		flow(L, b->text, 16, x);
		L->y += 8;
		break;
	case B_HEADING:
		if (L->y + 60 > BOTTOM)
			new_page(L);
		L->y += 8;
		font(L, 12, true, 0);
		flow(L, b->text, 12, x);
		L->y += 3;
		break;
	case B_PARA:
		font(L, 10.5, false, 0);
		flow(L, b->text, 10.5, x);
		L->y += 4;
		break;
	case B_PAIR:
		if (L->y + 30 > BOTTOM)
			new_page(L);
		font(L, 8.5, true, 0.3);
		flow(L, b->text, 8.5, x);
		font(L, 10.5, false, 0);
		flow(L, b->value, 10.5, x);
		L->y += 5;
		break;
	}
}

static cairo_status_t
write_out(void *cls, const unsigned char *data, unsigned int len)
{
	struct buf *b = cls;

	if (!b) /* the counting run */
		return CAIRO_STATUS_SUCCESS;
	return buf_add(b, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* One run of the layout into `out` (NULL: discard).  *pages gets the page count. */
static int
run(const struct pdf_doc *d, struct buf *out, int total, int *pages, struct err *e)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	struct layout L = {.d = d, .page = 1, .pages = total, .y = MARGIN};
	cairo_status_t st;

	L.scratch = xmalloc(PDF_TEXT_MAX * 3 + 1);
	if (d->title[0])
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Rathaus");
	L.cr = cairo_create(s);
	for (size_t i = 0; i < d->n && !L.full; i++)
		block(&L, &d->v[i]);
	if (!L.full)
		footer(&L);
	cairo_destroy(L.cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	free(L.scratch);
	*pages = L.page;
	if (L.full)
		return err_set(e, ERR_TOOBIG, NULL, "pdf: more than %d pages", PDF_PAGES_MAX);
	if (out && out->toobig)
		return err_set(e, ERR_TOOBIG, NULL, "pdf: larger than %zu bytes", out->max);
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(e, ERR_INTERNAL, NULL, "pdf: %s", cairo_status_to_string(st));
	return 0;
}

int
pdf_render(struct pdf_doc *d, struct buf *out, struct err *e)
{
	int pages = 0, again = 0, rc;

	pthread_once(&fonts_once, load_fonts);
	if (!faces[0] || !faces[1])
		return err_set(e, ERR_INTERNAL, NULL, "pdf: cannot load %s or %s", FONT_REGULAR,
			       FONT_BOLD);
	rc = run(d, NULL, 0, &pages, e);

	if (rc == 0)
		rc = run(d, out, pages, &again, e);
	return rc;
}
