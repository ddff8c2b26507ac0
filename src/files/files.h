/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * files: uploaded and generated files of a tenant.  A metadata row per file
 * (table `file`) with a random id of 128 bits, the tenant, the use, the type
 * detected from the content with libmagic, size, a sanitised original name,
 * an owner reference, times and a SHA-256 of the content.
 *
 * Where the bytes live depends on the backend: on SQLite under
 * data_dir/files/<tenant id>/ (one machine, one disk); on PostgreSQL in the
 * table file_data in the same transaction as the row, so instances that
 * share the database share no disk and pg_dump backs up everything.
 *
 * Files are stored for a use (a row of a fixed table: "logo", "image",
 * "document", "photo") that names the types it accepts and its size limit; anything
 * else is refused before a byte is written.  Reads need the tenant and a
 * permission decision of the caller; ids of other tenants are unknown.
 *
 * files sits below the features: it uses core, db and tenant, and knows
 * nothing of HTTP or templates.
 */
#ifndef RATHAUS_FILES_H
#define RATHAUS_FILES_H

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define FILES_ID_BYTES 16  /* random bytes of an id: 128 bits */
#define FILES_ID_LEN 22	   /* their base64url length, without padding */
#define FILES_NAME_MAX 120 /* bytes of a sanitised name, without the NUL */
#define FILES_MIME_MAX 128 /* bytes of a detected type, with the NUL */
#define FILES_FALLBACK_NAME "datei"
#define FILES_PHOTO_MAX (8u << 20) /* bytes of a photo (use "photo") */

/* What a file is for: the types it may have and how large it may be. */
struct files_use {
	const char *name;	  /* "logo", "image", "document" */
	const char *const *types; /* accepted MIME types, NULL-terminated */
	size_t max_bytes;
};

/* The use named `name`, or NULL.  Borrowed, static. */
const struct files_use *files_use_find(const char *name);

/* Where a store keeps its bytes on SQLite. */
struct files_store {
	const char *data_dir; /* borrowed; files go to data_dir/files/ */
};

struct file_meta {
	char id[FILES_ID_LEN + 1];
	int64_t tenant_id;
	const char *use;    /* files_use name */
	const char *mime;   /* detected from the content */
	const char *name;   /* sanitised original name */
	const char *owner;  /* who it belongs to, e.g. "setting:logo_file" */
	const char *sha256; /* hex */
	int64_t size, created_at;
	int64_t expires_at; /* 0: kept until deleted */
	bool is_public;	    /* may be served to anyone of the tenant's audience */
};

/* A file to store. */
struct files_new {
	const char *use;  /* files_use name */
	const char *name; /* as the client sent it; sanitised here */
	const void *data;
	size_t len;
	const char *owner; /* "" if none */
	bool is_public;
	int64_t now;
	int64_t expires_at; /* 0: never */
};

/*
 * Store a file of tenant `t`.  *out lives in arena `a`.  Returns 0;
 * ERR_INVALID for an unknown use or an empty file; ERR_TOOBIG past the
 * use's limit; ERR_UNPROCESSABLE ("files.err.type") when the detected type
 * is not one the use accepts; ERR_IO or ERR_DB.  The write is atomic: the
 * bytes are in place (temporary file, fsync, rename; or one transaction)
 * before the row that makes them visible, and a failure leaves nothing.
 */
int files_put(struct db *db, const struct files_store *fs, const struct tenant *t,
	      const struct files_new *in, struct arena *a, struct file_meta **out,
	      struct err *e) MUST_CHECK;

/* Whether the caller may read a file; the store asks after finding its row. */
typedef bool (*files_may_read)(const struct file_meta *m, void *cls);

/*
 * File `id` of tenant `t` with its bytes, when `may(meta, cls)` says yes.
 * *meta and *data live in arena `a`.  Returns 0; ERR_NOTFOUND for an
 * unknown or malformed id, another tenant's file, an expired one, or a
 * refusal (the caller cannot tell them apart); ERR_IO or ERR_DB.
 */
int files_get(struct db *db, const struct files_store *fs, const struct tenant *t, const char *id,
	      files_may_read may, void *cls, struct arena *a, struct file_meta **meta,
	      struct str *data, struct err *e) MUST_CHECK;

/* Let file `id` of `t` expire at `at`, so that the next purge deletes it. */
int files_expire(struct db *db, const struct tenant *t, const char *id, int64_t at,
		 struct err *e) MUST_CHECK;

/*
 * Delete every file whose expires_at has passed `now`, rows and bytes.
 * Any instance may run it.  *n (may be NULL) counts the files removed.
 */
int files_purge_expired(struct db *db, const struct files_store *fs, int64_t now, int64_t *n,
			struct err *e) MUST_CHECK;

/*
 * The MIME type of `data` by its content (libmagic), e.g. "image/png", into
 * `out` (FILES_MIME_MAX bytes).  Returns 0 or ERR_INTERNAL when libmagic
 * fails to start.
 */
int files_sniff(const void *data, size_t len, char *out, struct err *e) MUST_CHECK;

/*
 * A safe display name from a client's file name of `len` bytes (any bytes):
 * the last path segment only; invalid UTF-8, control characters, bidi and
 * zero-width marks and the characters Windows forbids replaced or dropped;
 * no leading dot or blank, no trailing dot or blank; a Windows device name
 * (CON, NUL, COM1, ...) prefixed with '_'; at most FILES_NAME_MAX bytes,
 * cut between characters, the extension kept.  Never empty
 * (FILES_FALLBACK_NAME).  Writes a NUL-terminated string to `out`
 * (FILES_NAME_MAX + 1 bytes) and returns its length.
 */
size_t files_name_sanitize(const char *in, size_t len, char *out);

/*
 * Copy photo `data` of `len` bytes of type `mime` ("image/jpeg", "image/png"
 * or "image/webp", as files_sniff() found it) to `out` (`len` bytes, the
 * result is never longer) without its metadata: JPEG without APP1..APP15
 * and COM segments (APP0/JFIF, tables, frames and the image data stay) and
 * without anything after EOI; PNG without tEXt, zTXt, iTXt and eXIf chunks
 * and anything after IEND; WebP without EXIF and XMP chunks (and their
 * VP8X flags).  Its length into *n.  Returns 0 or ERR_UNPROCESSABLE
 * ("files.err.image") for bytes that are not a complete image of that
 * type ("files.err.type" for another type).  Pure and bounded; fuzzed.
 */
int files_image_strip(const char *mime, const void *data, size_t len, void *out, size_t *n,
		      struct err *e) MUST_CHECK;

/*
 * The GPS position of a JPEG's Exif data (libexif) in decimal degrees,
 * south and west negative.  False when there is none or it is malformed.
 */
bool files_image_gps(const void *data, size_t len, double *lat, double *lon);

/* Whether `id` has the form of a file id (so it is never a path). */
bool files_id_valid(const char *id);

#endif
