/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The file table and where the bytes go: the disk on SQLite
 * (files_disk.c), the table file_data on PostgreSQL.  On PostgreSQL the
 * bytes are kept as base64 text because the storage interface binds text
 * only; that costs a third more space and keeps db.h unchanged.
 */
#include "files/files_int.h"

#include "core/xalloc.h"
#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Expired files deleted per statement round of a purge. */
#define PURGE_BATCH 200

#define FILE_COLUMNS                                                                               \
	"id, tenant_id, purpose, mime, size, name, owner, is_public, sha256, created_at, "         \
	"expires_at "

static void
new_id(char out[FILES_ID_LEN + 1])
{
	unsigned char raw[FILES_ID_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, FILES_ID_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static const char *
sha256_hex(const void *data, size_t len, struct arena *a)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *hex = arena_alloc(a, 2 * sizeof(h) + 1);

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
	return hex;
}

static bool
type_allowed(const struct files_use *u, const char *mime)
{
	for (const char *const *t = u->types; *t; t++)
		if (strcmp(*t, mime) == 0)
			return true;
	return false;
}

/* Check the input against its use and fill *m; nothing is written yet. */
static int
prepare(const struct tenant *t, const struct files_new *in, struct arena *a, struct file_meta *m,
	struct err *e)
{
	const struct files_use *u = files_use_find(in->use);
	char mime[FILES_MIME_MAX], name[FILES_NAME_MAX + 1];
	int rc;

	if (!u)
		return err_set(e, ERR_INVALID, "files.err.use", "no file use '%s'",
			       in->use ? in->use : "");
	if (in->len == 0)
		return err_set(e, ERR_INVALID, "files.err.empty", "empty file");
	if (in->len > u->max_bytes)
		return err_set(e, ERR_TOOBIG, "files.err.size", "%zu bytes for use '%s' (max %zu)",
			       in->len, u->name, u->max_bytes);
	rc = files_sniff(in->data, in->len, mime, e);
	if (rc)
		return rc;
	if (!type_allowed(u, mime))
		return err_set(e, ERR_UNPROCESSABLE, "files.err.type",
			       "content is '%s', not a type use '%s' accepts", mime, u->name);
	files_name_sanitize(in->name, in->name ? strlen(in->name) : 0, name);
	new_id(m->id);
	m->tenant_id = t->id;
	m->use = u->name;
	m->mime = arena_strdup(a, mime);
	m->name = arena_strdup(a, name);
	m->owner = arena_strdup(a, in->owner ? in->owner : "");
	m->sha256 = sha256_hex(in->data, in->len, a);
	m->size = (int64_t)in->len;
	m->created_at = in->now;
	m->expires_at = in->expires_at;
	m->is_public = in->is_public;
	return 0;
}

static int
insert_row(struct db *db, const struct file_meta *m, struct err *e)
{
	static const char sql[] = "INSERT INTO file (" FILE_COLUMNS ") "
				  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

	return db_run(db, e, sql, DB_TEXT(m->id), DB_INT(m->tenant_id), DB_TEXT(m->use),
		      DB_TEXT(m->mime), DB_INT(m->size), DB_TEXT(m->name), DB_TEXT(m->owner),
		      DB_INT(m->is_public), DB_TEXT(m->sha256), DB_INT(m->created_at),
		      DB_INT(m->expires_at));
}

static int
insert_data(struct db *db, const char *id, const void *data, size_t len, struct err *e)
{
	static const char sql[] = "INSERT INTO file_data (file_id, data) VALUES ($1, $2)";
	size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(cap);
	int rc;

	sodium_bin2base64(b64, cap, data, len, sodium_base64_VARIANT_ORIGINAL);
	rc = db_run(db, e, sql, DB_TEXT(id), DB_TEXT(b64));
	free(b64);
	return rc;
}

/* PostgreSQL: the row and the bytes in one transaction. */
static int
put_in_db(struct db *db, const struct file_meta *m, const struct files_new *in, struct err *e)
{
	int rc = db_begin(db, e);

	if (rc)
		return rc;
	rc = insert_row(db, m, e);
	if (rc == 0)
		rc = insert_data(db, m->id, in->data, in->len, e);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, e);
}

/* SQLite: the bytes in place first, then the row that makes them visible. */
static int
put_on_disk(struct db *db, const struct files_store *fs, const struct file_meta *m,
	    const struct files_new *in, struct err *e)
{
	int rc = files_disk_write(fs, m->tenant_id, m->id, in->data, in->len, e);

	if (rc)
		return rc;
	rc = insert_row(db, m, e);
	if (rc)
		files_disk_remove(fs, m->tenant_id, m->id, NULL);
	return rc;
}

int
files_put(struct db *db, const struct files_store *fs, const struct tenant *t,
	  const struct files_new *in, struct arena *a, struct file_meta **out, struct err *e)
{
	struct file_meta *m = arena_calloc(a, 1, sizeof(*m));
	int rc = prepare(t, in, a, m, e);

	if (rc)
		return rc;
	if (db_dialect(db) == DB_PG)
		rc = put_in_db(db, m, in, e);
	else
		rc = put_on_disk(db, fs, m, in, e);
	if (rc)
		return rc;
	*out = m;
	return 0;
}

static void
read_meta(struct db_stmt *st, struct arena *a, void *row)
{
	struct file_meta *m = row;

	snprintf(m->id, sizeof(m->id), "%s", db_col_text(st, 0));
	m->tenant_id = db_col_int64(st, 1);
	m->use = arena_strdup(a, db_col_text(st, 2));
	m->mime = arena_strdup(a, db_col_text(st, 3));
	m->size = db_col_int64(st, 4);
	m->name = arena_strdup(a, db_col_text(st, 5));
	m->owner = arena_strdup(a, db_col_text(st, 6));
	m->is_public = db_col_int64(st, 7) != 0;
	m->sha256 = arena_strdup(a, db_col_text(st, 8));
	m->created_at = db_col_int64(st, 9);
	m->expires_at = db_col_int64(st, 10);
}

static int
find_meta(struct db *db, const struct tenant *t, const char *id, int64_t now, struct arena *a,
	  struct file_meta *m, struct err *e)
{
	static const char sql[] = "SELECT " FILE_COLUMNS "FROM file "
				  "WHERE tenant_id = $1 AND id = $2 "
				  "AND (expires_at = 0 OR expires_at > $3)";
	struct file_meta *v = NULL;
	size_t n = 0;
	int rc = db_list(db, e, sql, a, sizeof(*v), read_meta, (void **)&v, &n, DB_INT(t->id),
			 DB_TEXT(id), DB_INT(now));

	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "error.404.text", "no file '%s' of tenant '%s'", id,
			       t->slug);
	if (rc == 0)
		*m = v[0];
	return rc;
}

static int
read_db_bytes(struct db *db, const struct file_meta *m, struct arena *a, struct str *out,
	      struct err *e)
{
	static const char sql[] = "SELECT data FROM file_data WHERE file_id = $1";
	struct db_stmt *st = NULL;
	char *bin = arena_alloc(a, (size_t)m->size + 1);
	size_t got = 0;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, m->id);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		rc = sodium_base642bin((unsigned char *)bin, (size_t)m->size + 1,
				       db_col_text(st, 0), db_col_len(st, 0), NULL, &got, NULL,
				       sodium_base64_VARIANT_ORIGINAL);
		if (rc != 0 || got != (size_t)m->size)
			rc = err_set(e, ERR_IO, "error.internal", "bytes of file '%s' damaged",
				     m->id);
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_IO, "error.internal", "file '%s' has no bytes", m->id);
	}
	db_finalize(st);
	if (rc == 0) {
		bin[got] = '\0';
		*out = (struct str){bin, got};
	}
	return rc;
}

int
files_get(struct db *db, const struct files_store *fs, const struct tenant *t, const char *id,
	  files_may_read may, void *cls, struct arena *a, struct file_meta **meta, struct str *data,
	  struct err *e)
{
	struct file_meta *m = arena_calloc(a, 1, sizeof(*m));
	int rc;

	if (!files_id_valid(id))
		return err_set(e, ERR_NOTFOUND, "error.404.text", "malformed file id");
	rc = find_meta(db, t, id, (int64_t)time(NULL), a, m, e);
	if (rc)
		return rc;
	if (!may || !may(m, cls))
		return err_set(e, ERR_NOTFOUND, "error.404.text", "file '%s' refused", id);
	if (db_dialect(db) == DB_PG)
		rc = read_db_bytes(db, m, a, data, e);
	else
		rc = files_disk_read(fs, m->tenant_id, m->id, m->size, a, data, e);
	if (rc)
		return rc;
	*meta = m;
	return 0;
}

int
files_expire(struct db *db, const struct tenant *t, const char *id, int64_t at, struct err *e)
{
	return db_run(db, e, "UPDATE file SET expires_at = $3 WHERE tenant_id = $1 AND id = $2",
		      DB_INT(t->id), DB_TEXT(id), DB_INT(at));
}

struct victim {
	const char *id;
	int64_t tenant_id;
};

static void
read_victim(struct db_stmt *st, struct arena *a, void *row)
{
	struct victim *v = row;

	v->id = db_col_dup(st, 0, a);
	v->tenant_id = db_col_int64(st, 1);
}

/* Up to PURGE_BATCH expired files, in `a`. */
static int
find_expired(struct db *db, int64_t now, struct arena *a, struct victim **v, size_t *n,
	     struct err *e)
{
	static const char sql[] = "SELECT id, tenant_id FROM file "
				  "WHERE expires_at > 0 AND expires_at <= $1 LIMIT $2";
	void *rows = NULL;
	int rc = db_list(db, e, sql, a, sizeof(**v), read_victim, &rows, n, DB_INT(now),
			 DB_INT(PURGE_BATCH));

	*v = rows;
	return rc;
}

/* Delete one expired row; *gone tells whether this call removed it (another instance may). */
static int
delete_row(struct db *db, const char *id, int64_t now, bool *gone, struct err *e)
{
	static const char sql[] =
		"DELETE FROM file WHERE id = $1 AND expires_at > 0 AND expires_at <= $2";
	int64_t changed = 0;
	int rc = db_run_count(db, e, &changed, sql, DB_TEXT(id), DB_INT(now));

	*gone = rc == 0 && changed > 0;
	return rc;
}

int
files_purge_expired(struct db *db, const struct files_store *fs, int64_t now, int64_t *n,
		    struct err *e)
{
	struct victim *v;
	size_t k;
	int64_t removed = 0;
	int rc;

	do {
		struct arena a;

		arena_init(&a);
		rc = find_expired(db, now, &a, &v, &k, e);
		for (size_t i = 0; rc == 0 && i < k; i++) {
			bool gone = false;

			/* The row first: without it the bytes are unreachable. */
			rc = delete_row(db, v[i].id, now, &gone, e);
			if (rc == 0 && gone && db_dialect(db) == DB_SQLITE)
				rc = files_disk_remove(fs, v[i].tenant_id, v[i].id, e);
			removed += gone;
		}
		arena_release(&a);
	} while (rc == 0 && k == PURGE_BATCH);
	if (n)
		*n = removed;
	return rc;
}
