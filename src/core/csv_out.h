/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * csv_out: CSV exports for staff (appointments, course participants) that
 * spreadsheets open safely: ';' between cells (what German spreadsheet
 * programs expect), CRLF line ends, every cell quoted, and no cell that a
 * spreadsheet would take for a formula.
 */
#ifndef RATHAUS_CSV_OUT_H
#define RATHAUS_CSV_OUT_H

#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>

/*
 * Append `s` to `out` as one CSV cell: always quoted, quotes doubled, and a
 * cell that a spreadsheet would read as a formula (starting with = + - @,
 * tab or CR) prefixed with an apostrophe.  Returns 0 or ERR_TOOBIG.
 */
int csv_cell(struct buf *out, const char *s) MUST_CHECK;
/* Append the `n` cells of `v` as one line ended by CRLF.  Returns 0 or ERR_TOOBIG. */
int csv_line(struct buf *out, const char *const *v, size_t n) MUST_CHECK;

#endif
