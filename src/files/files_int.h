/* SPDX-License-Identifier: EUPL-1.2 */
/* files_int: what the file store's own files share. */
#ifndef RATHAUS_FILES_INT_H
#define RATHAUS_FILES_INT_H

#include "files/files.h"

/*
 * The bytes of file `id` of tenant `tenant_id` on disk (SQLite):
 * data_dir/files/<tenant_id>/<id>.  files_disk_write() writes a temporary
 * file beside it, fsyncs it, renames it into place and fsyncs the folder.
 */
int files_disk_write(const struct files_store *fs, int64_t tenant_id, const char *id,
		     const void *data, size_t len, struct err *e) MUST_CHECK;
/* Read `size` bytes into arena `a`; ERR_IO when the file is missing or of another size. */
int files_disk_read(const struct files_store *fs, int64_t tenant_id, const char *id, int64_t size,
		    struct arena *a, struct str *out, struct err *e) MUST_CHECK;
/* Remove the bytes; a missing file is not an error. */
int files_disk_remove(const struct files_store *fs, int64_t tenant_id, const char *id,
		      struct err *e);

#endif
