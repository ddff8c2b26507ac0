/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The uses a file may be stored for, and its type read from its content
 * with libmagic: what the client claims (name, Content-Type) is never
 * believed.  A magic handle is not safe to share between threads, and
 * uploads are rare, so each check opens its own.
 */
#include "files/files.h"

#include <magic.h>
#include <stdio.h>
#include <string.h>

static const char *const IMAGE_TYPES[] = {"image/png", "image/jpeg", "image/webp", NULL};
static const char *const DOCUMENT_TYPES[] = {"application/pdf", "image/png", "image/jpeg",
					     "image/webp", NULL};

static const struct files_use USES[] = {
	{"logo", IMAGE_TYPES, 1u << 20},
	{"image", IMAGE_TYPES, 5u << 20},
	{"document", DOCUMENT_TYPES, 20u << 20},
	{"photo", IMAGE_TYPES, FILES_PHOTO_MAX},
};

const struct files_use *
files_use_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(USES) / sizeof(USES[0]); i++)
		if (strcmp(USES[i].name, name) == 0)
			return &USES[i];
	return NULL;
}

int
files_sniff(const void *data, size_t len, char *out, struct err *e)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF);
	const char *type;
	int rc = 0;

	if (!m)
		return err_set(e, ERR_INTERNAL, "error.internal", "magic_open failed");
	if (magic_load(m, NULL) != 0) {
		rc = err_set(e, ERR_INTERNAL, "error.internal", "magic_load: %s", magic_error(m));
		goto out;
	}
	type = magic_buffer(m, data, len);
	if (!type) {
		rc = err_set(e, ERR_INTERNAL, "error.internal", "magic_buffer: %s", magic_error(m));
		goto out;
	}
	snprintf(out, FILES_MIME_MAX, "%s", type);
out:
	magic_close(m);
	return rc;
}
