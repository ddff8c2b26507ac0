/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * auth: staff users with roles per tenant, server-side sessions in the
 * database (so several instances share them), CSRF tokens, login rate limits
 * and the audit log.  Passwords are hashed with Argon2id (libsodium);
 * session ids are 256-bit random tokens stored only as hashes.
 *
 * auth reads and writes through db.h and knows nothing of HTTP: the caller
 * moves tokens between cookies and these functions.
 */
#ifndef RATHAUS_AUTH_H
#define RATHAUS_AUTH_H

#include "core/arena.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stdint.h>

struct db;

#define AUTH_TOKEN_LEN 43 /* base64url of 32 random bytes, without padding */

enum auth_role {
	ROLE_ADMIN = 1 << 0,
	ROLE_EDITOR = 1 << 1,
	ROLE_CASEWORKER = 1 << 2,
};

struct session {
	char token[AUTH_TOKEN_LEN + 1]; /* the cookie value; only set when is_new */
	char id_hash[65];		/* hex of the token's hash, the key in the table */
	char csrf[AUTH_TOKEN_LEN + 1];	/* the form token of this session */
	int64_t tenant_id;
	int64_t user_id; /* 0: anonymous */
	int64_t expires_at;
	bool is_new; /* the cookie must be (re)sent */
};

struct staff_user {
	int64_t id;
	const char *email;
	const char *name;
	unsigned roles; /* enum auth_role bits in the current tenant */
};

/* Call once at start-up; returns 0 or ERR_INTERNAL when libsodium fails. */
int auth_init(void) MUST_CHECK;

/* Fill `buf` (AUTH_TOKEN_LEN + 1 bytes) with a fresh random token. */
void auth_token(char *buf);
/* True when `token` has the shape auth_token() gives: AUTH_TOKEN_LEN base64url characters. */
bool auth_token_ok(const char *token);
/* The hex BLAKE2b-256 of `token` (64 digits and a NUL): how secret tokens are stored. */
void auth_token_hash(const char *token, char out[65]);

/*
 * The live session of tenant `t` for cookie `token`.  Returns 0,
 * ERR_NOTFOUND (unknown, expired, or another tenant's), or ERR_DB.
 * Extends the expiry (sliding, at most once a minute to spare writes).
 */
int session_load(struct db *db, const struct tenant *t, const char *token, int ttl_s,
		 struct session *out, struct err *e);
/* A new session for `user_id` (0: anonymous) lasting ttl_s.  out->is_new is set. */
int session_create(struct db *db, const struct tenant *t, int64_t user_id, int ttl_s,
		   struct session *out, struct err *e) MUST_CHECK;
int session_destroy(struct db *db, const struct session *s, struct err *e);
/* Delete expired sessions and rate-limit windows; *n counts sessions removed. */
int session_purge(struct db *db, int64_t *n, struct err *e);
/* True when `token` is the session's CSRF token (constant time). */
bool session_csrf_ok(const struct session *s, const char *token);

/*
 * Staff users.  user_add hashes `password` (>= 12 characters) and returns the
 * new id in *id; ERR_CONFLICT when the email exists, ERR_INVALID for a weak
 * password or bad email.
 */
int user_add(struct db *db, const char *email, const char *name, const char *password, int64_t *id,
	     struct err *e) MUST_CHECK;
int user_grant(struct db *db, int64_t user_id, const struct tenant *t, enum auth_role role,
	       struct err *e) MUST_CHECK;
int auth_role_parse(const char *s, enum auth_role *out);
const char *auth_role_name(enum auth_role r);

/*
 * Check `email` and `password` for tenant `t`.  *out lives in arena `a`.
 * Returns 0, ERR_UNAUTHORIZED (unknown user, wrong password, disabled, or no
 * role in this tenant; the same answer and about the same time for each), or
 * ERR_DB.
 */
int user_login(struct db *db, const struct tenant *t, const char *email, const char *password,
	       struct arena *a, struct staff_user **out, struct err *e);
/* The user `id` with its roles in tenant `t`, or ERR_NOTFOUND. */
int user_find(struct db *db, const struct tenant *t, int64_t id, struct arena *a,
	      struct staff_user **out, struct err *e);

/*
 * Count a hit for `bucket` in the current window of `window_s` seconds.
 * Returns 0 while at most `limit` hits were counted, ERR_RATELIMIT above.
 */
int ratelimit_hit(struct db *db, const char *bucket, int window_s, int limit, struct err *e);

/* Append to the audit log (tenant and user may be NULL/0). */
int audit_log(struct db *db, const struct tenant *t, int64_t user_id, const char *action,
	      const char *detail, const char *ip, struct err *e);

#endif
