/* SPDX-License-Identifier: EUPL-1.2 */
/* file: whole small files read into memory (data sets, templates, migrations). */
#ifndef RATHAUS_FILE_H
#define RATHAUS_FILE_H

#include "core/err.h"

#include <stddef.h>

/*
 * The bytes of `path`, at most `max` of them, into *out (malloc'd, ended by
 * a NUL that *len does not count; the caller frees it).  Returns 0, ERR_IO
 * (cannot open or read; errno's text in the detail) or ERR_TOOBIG (larger
 * than `max`), with *out NULL on error.
 */
int file_read(const char *path, size_t max, char **out, size_t *len, struct err *e) MUST_CHECK;

#endif
