/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The statements of the SAML login: the key pair kept in the database
 * (saml_sp_key), the requests sent (citizen_saml) and the assertions
 * accepted (saml_assertion), whose primary key lets each in once across
 * every instance.
 */
#include "features/account/acct_int.h"

#include "core/seal.h"
#include "db/db.h"

#include <time.h>

int
acct_saml_key_load(struct db *db, struct arena *a, const char **key_pem, const char **cert_pem,
		   struct err *e)
{
	const char *key = NULL, *cert = NULL;
	int rc = db_text2(db, e, a, &key, &cert,
			  "SELECT key_pem, cert_pem FROM saml_sp_key WHERE id = 1");

	/* The private key is stored sealed when the installation has a key (core/seal.h). */
	if (rc == 0)
		rc = seal_open(a, key, &key, e);
	*key_pem = key;
	*cert_pem = cert;
	return rc;
}

int
acct_saml_key_save(struct db *db, const char *key_pem, const char *cert_pem, struct err *e)
{
	static const char sql[] = "INSERT INTO saml_sp_key (id, key_pem, cert_pem, created_at) "
				  "VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING";
	struct arena a;
	int rc;

	arena_init(&a);
	rc = db_run(db, e, sql, DB_TEXT(seal_text(&a, key_pem)), DB_TEXT(cert_pem),
		    DB_INT((int64_t)time(NULL)));
	arena_release(&a);
	return rc;
}

int
acct_saml_pending_new(struct db *db, const struct tenant *t, const char *request_id,
		      const char *next, char *token, struct err *e)
{
	static const char sql[] =
		"INSERT INTO citizen_saml (id_hash, tenant_id, request_id, next, created_at, "
		"expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
	char h[65];
	int64_t now = (int64_t)time(NULL);

	auth_token(token);
	auth_token_hash(token, h);
	return db_run(db, e, sql, DB_TEXT(h), DB_INT(t->id), DB_TEXT(request_id), DB_TEXT(next),
		      DB_INT(now), DB_INT(now + ACCT_SAML_TTL_S));
}

int
acct_saml_pending_load(struct db *db, const char *token, const struct tenant *t, struct arena *a,
		       const char **request_id, const char **next, struct err *e)
{
	static const char sql[] = "SELECT request_id, next FROM citizen_saml WHERE id_hash = $1 "
				  "AND tenant_id = $2 AND expires_at > $3";
	char h[65];

	*request_id = NULL;
	*next = NULL;
	if (!auth_token_ok(token))
		return ERR_NOTFOUND;
	auth_token_hash(token, h);
	return db_text2(db, e, a, request_id, next, sql, DB_TEXT(h), DB_INT(t->id),
			DB_INT((int64_t)time(NULL)));
}

int
acct_saml_assertion_use(struct db *db, const char *issuer, const char *id, int64_t expires_at,
			struct err *e)
{
	static const char sql[] =
		"INSERT INTO saml_assertion (issuer, assertion_id, expires_at) VALUES ($1, $2, $3) "
		"ON CONFLICT (issuer, assertion_id) DO NOTHING RETURNING 1";
	int64_t one = 0;
	int rc = db_int64(db, e, &one, sql, DB_TEXT(issuer), DB_TEXT(id), DB_INT(expires_at));

	return rc == ERR_NOTFOUND ? ERR_CONFLICT : rc;
}
