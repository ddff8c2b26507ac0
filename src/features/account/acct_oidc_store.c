/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The statements of the OpenID Connect login: the pending logins
 * (citizen_oidc), the linked identities (citizen_identity), accounts made
 * by a provider, the trust level of a session and the cache of discovery
 * documents and key sets (oidc_cache).
 */
#include "features/account/acct_int.h"

#include "db/db.h"

#include <string.h>
#include <time.h>

static int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

int
acct_oidc_pending_new(struct db *db, const struct tenant *t, const struct acct_oidc_pending *p,
		      char *token, struct err *e)
{
	static const char sql[] =
		"INSERT INTO citizen_oidc (id_hash, tenant_id, state, nonce, verifier, next, "
		"citizen_id, issuer, subject, trust_level, created_at, expires_at) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
	char h[65];
	int64_t now = now_s();

	auth_token(token);
	auth_token_hash(token, h);
	return db_run(db, e, sql, DB_TEXT(h), DB_INT(t->id), DB_TEXT(p->state), DB_TEXT(p->nonce),
		      DB_TEXT(p->verifier), DB_TEXT(p->next), DB_ID(p->citizen_id),
		      DB_TEXT(p->issuer), DB_TEXT(p->subject), DB_INT(p->trust_level), DB_INT(now),
		      DB_INT(now + ACCT_OIDC_TTL_S));
}

static void
read_pending(struct db_stmt *st, struct arena *a, void *row)
{
	struct acct_oidc_pending *p = row;

	db_cols_dup(st, 0, a, &p->state, &p->nonce, &p->verifier, &p->next);
	p->citizen_id = db_col_int64(st, 4);
	db_cols_dup(st, 5, a, &p->issuer, &p->subject);
	p->trust_level = (int)db_col_int64(st, 7);
}

int
acct_oidc_pending_load(struct db *db, const char *token, const struct tenant *t, bool consume,
		       struct arena *a, struct acct_oidc_pending *p, struct err *e)
{
	static const char sel[] =
		"SELECT state, nonce, verifier, next, citizen_id, issuer, subject, trust_level "
		"FROM citizen_oidc WHERE id_hash = $1 AND tenant_id = $2 AND expires_at > $3";
	static const char del[] =
		"DELETE FROM citizen_oidc WHERE id_hash = $1 AND tenant_id = $2 AND expires_at > "
		"$3 "
		"RETURNING state, nonce, verifier, next, citizen_id, issuer, subject, trust_level";
	char h[65];

	memset(p, 0, sizeof(*p));
	if (!auth_token_ok(token))
		return ERR_NOTFOUND;
	auth_token_hash(token, h);
	return db_get(db, e, consume ? del : sel, a, read_pending, p, DB_TEXT(h), DB_INT(t->id),
		      DB_INT(now_s()));
}

int
acct_identity_find(struct db *db, const struct tenant *t, const char *iss, const char *sub,
		   int64_t *citizen_id, struct err *e)
{
	static const char sql[] = "SELECT citizen_id FROM citizen_identity WHERE tenant_id = $1 "
				  "AND issuer = $2 AND subject = $3";
	static const char seen[] = "UPDATE citizen_identity SET login_at = $4 WHERE tenant_id = $1 "
				   "AND issuer = $2 AND subject = $3";
	int rc = db_int64(db, e, citizen_id, sql, DB_INT(t->id), DB_TEXT(iss), DB_TEXT(sub));

	if (rc == 0)
		rc = db_run(db, e, seen, DB_INT(t->id), DB_TEXT(iss), DB_TEXT(sub),
			    DB_INT(now_s()));
	return rc;
}

int
acct_identity_add(struct db *db, const struct tenant *t, const char *iss, const char *sub,
		  int64_t citizen_id, struct err *e)
{
	static const char sql[] =
		"INSERT INTO citizen_identity (tenant_id, issuer, subject, "
		"citizen_id, created_at, login_at) VALUES ($1, $2, $3, $4, $5, $5)";

	return db_run(db, e, sql, DB_INT(t->id), DB_TEXT(iss), DB_TEXT(sub), DB_INT(citizen_id),
		      DB_INT(now_s()));
}

int
acct_create_external(struct db *db, const char *email, int64_t *id, struct err *e)
{
	/* No password: acct_hash_ok() refuses the empty hash, as it does a dummy one. */
	static const char sql[] =
		"INSERT INTO citizen (email, password_hash, verified_at, "
		"created_at, updated_at) VALUES ($1, '', $2, $2, $2) RETURNING id";

	return db_int64(db, e, id, sql, DB_TEXT(email), DB_INT(now_s()));
}

int
acct_session_trust(struct db *db, const char *token, int level, struct err *e)
{
	static const char sql[] = "UPDATE citizen_session SET trust_level = $2 WHERE id_hash = $1";
	char h[65];

	auth_token_hash(token, h);
	return db_run(db, e, sql, DB_TEXT(h), DB_INT(level));
}

struct cached {
	const char *body;
	int64_t fetched_at;
};

static void
read_cached(struct db_stmt *st, struct arena *a, void *row)
{
	struct cached *c = row;

	c->body = db_col_dup(st, 0, a);
	c->fetched_at = db_col_int64(st, 1);
}

int
acct_provider_cache_get(struct db *db, const char *url, struct arena *a, const char **body,
			int64_t *age, struct err *e)
{
	static const char sql[] = "SELECT body, fetched_at FROM oidc_cache WHERE url = $1";
	struct cached c = {0};
	int rc = db_get(db, e, sql, a, read_cached, &c, DB_TEXT(url));

	*body = c.body;
	*age = now_s() - c.fetched_at;
	return rc;
}

int
acct_provider_cache_put(struct db *db, const char *url, const char *body, struct err *e)
{
	static const char sql[] =
		"INSERT INTO oidc_cache (url, body, fetched_at) VALUES ($1, $2, $3) "
		"ON CONFLICT (url) DO UPDATE SET body = excluded.body, "
		"fetched_at = excluded.fetched_at";

	return db_run(db, e, sql, DB_TEXT(url), DB_TEXT(body), DB_INT(now_s()));
}

int
acct_password_hash(struct db *db, int64_t id, struct arena *a, const char **hash, struct err *e)
{
	return db_text(db, e, a, hash, "SELECT password_hash FROM citizen WHERE id = $1",
		       DB_INT(id));
}
