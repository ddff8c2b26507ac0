/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Server-side sessions.  The cookie carries a 256-bit random token; the
 * table keeps only its BLAKE2b hash, so reading the table opens no session.
 * A session belongs to one tenant: a token shown to another tenant is unknown.
 */
#include "auth/auth.h"

#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Write the expiry at most this often, so browsing does not write per request. */
#define SESSION_TOUCH_S 60

int
auth_init(void)
{
	return sodium_init() < 0 ? ERR_INTERNAL : 0;
}

void
auth_token(char *buf)
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(buf, AUTH_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void
auth_token_hash(const char *token, char out[65])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

bool
auth_token_ok(const char *token)
{
	size_t n = token ? strlen(token) : 0;

	return n == AUTH_TOKEN_LEN &&
	       strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
		       n;
}

int
session_load(struct db *db, const struct tenant *t, const char *token, int ttl_s,
	     struct session *out, struct err *e)
{
	static const char sql[] = "SELECT COALESCE(user_id, 0), csrf, expires_at FROM session "
				  "WHERE id_hash = $1 AND tenant_id = $2 AND expires_at > $3";
	static const char touch_sql[] =
		"UPDATE session SET seen_at = $2, expires_at = $3 WHERE id_hash = $1";
	struct db_stmt *st = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!auth_token_ok(token))
		return ERR_NOTFOUND;
	auth_token_hash(token, out->id_hash);
	rc = db_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, out->id_hash);
	db_bind_int64(st, 2, t->id);
	db_bind_int64(st, 3, now);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		out->user_id = db_col_int64(st, 0);
		snprintf(out->csrf, sizeof(out->csrf), "%s", db_col_text(st, 1));
		out->expires_at = db_col_int64(st, 2);
		out->tenant_id = t->id;
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = ERR_NOTFOUND;
	}
	db_finalize(st);
	if (rc || out->expires_at - now > ttl_s - SESSION_TOUCH_S)
		return rc;
	out->expires_at = now + ttl_s;
	/* A failed touch only shortens the session; the request goes on. */
	rc = db_run(db, e, touch_sql, DB_TEXT(out->id_hash), DB_INT(now), DB_INT(out->expires_at));
	return 0;
}

int
session_create(struct db *db, const struct tenant *t, int64_t user_id, int ttl_s,
	       struct session *out, struct err *e)
{
	static const char sql[] =
		"INSERT INTO session (id_hash, tenant_id, user_id, csrf, created_at, seen_at, "
		"expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)";
	int64_t now = (int64_t)time(NULL);

	memset(out, 0, sizeof(*out));
	auth_token(out->token);
	auth_token(out->csrf);
	auth_token_hash(out->token, out->id_hash);
	out->tenant_id = t->id;
	out->user_id = user_id;
	out->expires_at = now + ttl_s;
	out->is_new = true;
	return db_run(db, e, sql, DB_TEXT(out->id_hash), DB_INT(t->id), DB_ID(user_id),
		      DB_TEXT(out->csrf), DB_INT(now), DB_INT(out->expires_at));
}

int
session_destroy(struct db *db, const struct session *s, struct err *e)
{
	static const char sql[] = "DELETE FROM session WHERE id_hash = $1";

	return db_run(db, e, sql, DB_TEXT(s->id_hash));
}

int
session_purge(struct db *db, int64_t *n, struct err *e)
{
	static const char sql[] = "DELETE FROM session WHERE expires_at <= $1";
	static const char rl_sql[] = "DELETE FROM rate_limit WHERE window_start < $1";
	int64_t now = (int64_t)time(NULL);
	int rc = db_run_count(db, e, n, sql, DB_INT(now));

	return rc ? rc : db_run(db, e, rl_sql, DB_INT(now - 86400));
}

bool
session_csrf_ok(const struct session *s, const char *token)
{
	size_t n = strlen(s->csrf);

	if (!token || n == 0 || strlen(token) != n)
		return false;
	return sodium_memcmp(s->csrf, token, n) == 0;
}
