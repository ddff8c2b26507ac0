/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reading CSV files of outside data with libcsv, strictly (RFC 4180): a
 * stray quote, text after a closing quote or an unterminated quoted field is
 * an error, and so is a row whose field count differs from the header's.
 * Spaces around fields are kept, as the RFC says; libcsv would trim them.
 *
 * libcsv reports fields and rows but not where they are, so the file is fed
 * one line at a time: a row starts on the first non-empty line fed while no
 * row is open, which gives every message a line number even for fields that
 * span lines.
 */
#include "core/csvfile.h"

#include "core/file.h"

#include "core/str.h"
#include "core/xalloc.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct csv_state {
	struct csvfile *t;
	struct arena *a;
	struct err *e;
	int rc;		  /* the first error, 0 while none */
	long line;	  /* the line being fed */
	long row_line;	  /* where the open row started */
	bool row_open;	  /* bytes of a row were fed and its end not seen yet */
	char **fields;	  /* the open row */
	size_t nf, cap_f; /* fields in it, room for */
	char **cells;	  /* rows after the header, ncols each */
	long *lines;	  /* their first lines */
	size_t cap_rows;  /* room for rows in cells and lines */
	bool have_header; /* the first row was taken as the header */
};

/* libcsv's field callback: keep a copy of the field in the open row. */
static void
on_field(void *s, size_t len, void *data)
{
	struct csv_state *c = data;

	if (c->rc)
		return;
	if (!str_valid_text((struct str){s, len})) {
		c->rc = err_set(c->e, ERR_INVALID, NULL,
				"%s:%ld: field %zu is not valid UTF-8 text", c->t->path,
				c->row_line, c->nf + 1);
		return;
	}
	if (c->nf == c->cap_f) {
		c->cap_f = c->cap_f ? 2 * c->cap_f : 16;
		c->fields = xrealloc(c->fields, c->cap_f * sizeof(*c->fields));
	}
	c->fields[c->nf++] = arena_strndup(c->a, s ? s : "", len);
}

static void
take_header(struct csv_state *c)
{
	struct csvfile *t = c->t;

	t->ncols = c->nf;
	t->head = arena_calloc(c->a, c->nf, sizeof(*t->head));
	memcpy(t->head, c->fields, c->nf * sizeof(*t->head));
	c->have_header = true;
}

static void
take_row(struct csv_state *c)
{
	struct csvfile *t = c->t;

	if (c->nf != t->ncols) {
		c->rc = err_set(c->e, ERR_INVALID, NULL, "%s:%ld: %zu fields, the header has %zu",
				t->path, c->row_line, c->nf, t->ncols);
		return;
	}
	if (t->nrows == c->cap_rows) {
		c->cap_rows = c->cap_rows ? 2 * c->cap_rows : 256;
		c->cells = xrealloc(c->cells, c->cap_rows * t->ncols * sizeof(*c->cells));
		c->lines = xrealloc(c->lines, c->cap_rows * sizeof(*c->lines));
	}
	memcpy(c->cells + t->nrows * t->ncols, c->fields, t->ncols * sizeof(*c->cells));
	c->lines[t->nrows++] = c->row_line;
}

/* libcsv's row callback; `term` is the terminator, -1 at the end of the file. */
static void
on_row(int term, void *data)
{
	struct csv_state *c = data;

	c->row_open = false;
	if (c->rc == 0) {
		if (c->have_header)
			take_row(c);
		else
			take_header(c);
	}
	c->nf = 0;
}

/* Every byte counts as data: RFC 4180 keeps spaces, libcsv would trim them. */
static int
no_space(unsigned char ch)
{
	return 0;
}

/* Feed `data` to the parser line by line, keeping c->line and c->row_line. */
static void
feed(struct csv_parser *p, struct csv_state *c, const char *data, size_t len)
{
	size_t pos = 0;

	while (pos < len && c->rc == 0) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) + 1 : len - pos;

		c->line++;
		if (!c->row_open && !(n == 1 || (n == 2 && data[pos] == '\r'))) {
			c->row_open = true;
			c->row_line = c->line;
		}
		if (csv_parse(p, data + pos, n, on_field, on_row, c) != n && c->rc == 0)
			c->rc = err_set(c->e, ERR_INVALID, NULL, "%s:%ld: malformed CSV: %s",
					c->t->path, c->line, csv_strerror(csv_error(p)));
		pos += n;
	}
}

int
csvfile_load(const char *path, struct arena *a, struct csvfile *t, struct err *e)
{
	struct csv_state c = {.t = t, .a = a, .e = e};
	struct csv_parser p;
	char *data = NULL;
	size_t len = 0, skip = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	t->path = path;
	rc = file_read(path, CSVFILE_MAX, &data, &len, e);
	if (rc)
		return rc;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(data);
		return err_set(e, ERR_INTERNAL, NULL, "csv_init failed");
	}
	csv_set_space_func(&p, no_space);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		skip = 3; /* a UTF-8 byte order mark, as spreadsheet exports write */
	feed(&p, &c, data + skip, len - skip);
	if (c.rc == 0 && csv_fini(&p, on_field, on_row, &c) != 0 && c.rc == 0)
		c.rc = err_set(e, ERR_INVALID, NULL, "%s:%ld: quoted field is not closed", path,
			       c.row_line);
	if (c.rc == 0 && !c.have_header)
		c.rc = err_set(e, ERR_INVALID, NULL, "%s:1: no header line", path);
	csv_free(&p);
	free(data);
	free(c.fields);
	if (c.rc) {
		free(c.cells);
		free(c.lines);
		memset(t, 0, sizeof(*t));
		return c.rc;
	}
	/* The arrays grew with xrealloc(); the arena frees them with the fields. */
	t->cells = c.cells;
	t->lines = c.lines;
	arena_defer(a, free, c.cells);
	arena_defer(a, free, c.lines);
	return 0;
}

int
csvfile_col(const struct csvfile *t, const char *name, struct err *e)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->head[i], name) == 0)
			return (int)i;
	err_set(e, ERR_INVALID, NULL, "%s:1: no column '%s'", t->path, name);
	return -1;
}

const char *
csvfile_cell(const struct csvfile *t, size_t row, int col)
{
	return t->cells[row * t->ncols + (size_t)col];
}
