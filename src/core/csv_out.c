/* SPDX-License-Identifier: EUPL-1.2 */
/* CSV exports: see csv_out.h. */
#include "core/csv_out.h"

#include <string.h>

int
csv_cell(struct buf *out, const char *s)
{
	int rc = buf_addc(out, '"');

	if (rc == 0 && s[0] && strchr("=+-@\t\r", s[0]))
		rc = buf_addc(out, '\'');
	for (const char *p = s; rc == 0 && *p; p++)
		rc = *p == '"' ? buf_adds(out, "\"\"") : buf_addc(out, *p);
	return rc ? rc : buf_addc(out, '"');
}

int
csv_line(struct buf *out, const char *const *v, size_t n)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (i)
			rc = buf_addc(out, ';');
		if (rc == 0)
			rc = csv_cell(out, v[i]);
	}
	return rc ? rc : buf_adds(out, "\r\n");
}
