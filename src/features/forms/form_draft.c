/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Drafts: the answers of a citizen between the steps of a form, kept on the
 * server and found by the hash of a secret token that only the citizen's
 * cookie and resume link carry.  A draft expires FORM_DRAFT_TTL_S after its
 * last change; the periodic purge deletes it.
 */
#include "features/forms/form_int.h"

#include "auth/auth.h"
#include "db/db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
form_json_free(void *p)
{
	json_decref(p);
}

void
form_token_new(char out[FORM_TOKEN_LEN + 1])
{
	unsigned char raw[FORM_TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, FORM_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
form_token_hash(const char *token, char out[65])
{
	size_t n = token ? strlen(token) : 0;

	if (n != FORM_TOKEN_LEN ||
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != n)
		return false;
	auth_token_hash(token, out);
	return true;
}

int
form_draft_create(struct db *db, const struct tenant *t, const struct form *f,
		  const char *token_hash, int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO form_draft (token_hash, tenant_id, form_id, form_version, answers, "
		"step, updated_at, expires_at) VALUES ($1, $2, $3, $4, '{}', 0, $5, $6)";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, t->id);
	db_bind_text(st, 3, f->id);
	db_bind_int64(st, 4, f->version);
	db_bind_int64(st, 5, now);
	db_bind_int64(st, 6, now + FORM_DRAFT_TTL_S);
	rc = db_step(st, e);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}

int
form_draft_load(struct db *db, const struct tenant *t, const char *form_id, const char *token_hash,
		int64_t now, struct arena *a, struct form_draft *out, struct err *e)
{
	static const char sql[] = "SELECT answers, step, case_no, expires_at FROM form_draft "
				  "WHERE token_hash = $1 AND tenant_id = $2 AND form_id = $3 "
				  "AND expires_at >= $4";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, token_hash);
	db_bind_int64(st, 2, t->id);
	db_bind_text(st, 3, form_id);
	db_bind_int64(st, 4, now);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		out->answers = json_loads(db_col_text(st, 0), 0, NULL);
		out->step = db_col_int64(st, 1);
		out->case_no = arena_strdup(a, db_col_text(st, 2));
		out->expires_at = db_col_int64(st, 3);
		snprintf(out->token_hash, sizeof(out->token_hash), "%s", token_hash);
		if (!json_is_object(out->answers)) {
			json_decref(out->answers);
			out->answers = json_object();
		}
		arena_defer(a, form_json_free, out->answers);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = ERR_NOTFOUND;
	}
	db_finalize(st);
	return rc;
}

int
form_draft_save(struct db *db, const struct tenant *t, const struct form_draft *d, int64_t now,
		struct err *e)
{
	static const char sql[] = "UPDATE form_draft SET answers = $3, step = $4, case_no = $5, "
				  "updated_at = $6, expires_at = $7 WHERE token_hash = $1 AND "
				  "tenant_id = $2";
	char *text = json_dumps(d->answers, JSON_COMPACT);
	struct db_stmt *st = NULL;
	int rc = text ? db_prepare(db, sql, &st, e) : ERR_INTERNAL;

	if (rc == 0) {
		db_bind_text(st, 1, d->token_hash);
		db_bind_int64(st, 2, t->id);
		db_bind_text(st, 3, text);
		db_bind_int64(st, 4, d->step);
		db_bind_text(st, 5, d->case_no ? d->case_no : "");
		db_bind_int64(st, 6, now);
		db_bind_int64(st, 7, now + FORM_DRAFT_TTL_S);
		rc = db_step(st, e);
		rc = rc == DB_DONE ? 0 : rc;
	}
	db_finalize(st);
	free(text);
	return rc;
}
