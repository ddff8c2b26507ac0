/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/file.h"

#include "core/buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
file_read(const char *path, size_t max, char **out, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t n;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (!f)
		return err_set(e, ERR_IO, NULL, "cannot open '%s': %s", path, strerror(errno));
	buf_init(&b, max);
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) != 0)
			rc = err_set(e, ERR_TOOBIG, NULL, "'%s' is larger than %zu bytes", path,
				     max);
	if (rc == 0 && ferror(f))
		rc = err_set(e, ERR_IO, NULL, "cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	if (rc == 0)
		*out = buf_detach(&b, len);
	buf_release(&b);
	return rc;
}
