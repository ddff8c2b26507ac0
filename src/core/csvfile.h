/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * csvfile: a CSV file of outside data (the LeiKa catalogue, holidays) read
 * whole and strictly with libcsv, every field kept in an arena.
 */
#ifndef RATHAUS_CSVFILE_H
#define RATHAUS_CSVFILE_H

#include "core/arena.h"
#include "core/err.h"

#include <stddef.h>

/*
 * A CSV file read whole: RFC 4180 (quoted fields may hold commas, quotes and
 * line breaks), one header line, every row as many fields as the header.
 */
struct csvfile {
	const char *path; /* borrowed from the caller, for messages */
	char **head;	  /* ncols column names */
	size_t ncols;
	char **cells; /* nrows * ncols NUL-terminated fields, row by row */
	long *lines;  /* the line each row starts on, 1-based */
	size_t nrows;
};

/* Files larger than this are refused: the LeiKa catalogue is about 1.3 MB. */
#define CSVFILE_MAX (64u * 1024 * 1024)

/*
 * Read the CSV file `path` into `t`; everything lives in arena `a`.  Returns
 * 0, ERR_IO (cannot read), ERR_TOOBIG or ERR_INVALID with "path:line: ..." in
 * `e` (bad quoting, wrong number of fields, empty file).
 */
int csvfile_load(const char *path, struct arena *a, struct csvfile *t, struct err *e) MUST_CHECK;

/* The index of column `name`, or -1 with ERR_INVALID in `e`. */
int csvfile_col(const struct csvfile *t, const char *name, struct err *e);

/* Field `col` of row `row`; borrowed, lives as long as the table. */
const char *csvfile_cell(const struct csvfile *t, size_t row, int col);

#endif
