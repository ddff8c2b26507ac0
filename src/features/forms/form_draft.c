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

	return db_run(db, e, sql, DB_TEXT(token_hash), DB_INT(t->id), DB_TEXT(f->id),
		      DB_INT(f->version), DB_INT(now), DB_INT(now + FORM_DRAFT_TTL_S));
}

static void
read_draft(struct db_stmt *st, struct arena *a, void *row)
{
	struct form_draft *d = row;

	d->answers = json_loads(db_col_text(st, 0), 0, NULL);
	if (!json_is_object(d->answers)) {
		json_decref(d->answers);
		d->answers = json_object();
	}
	arena_defer(a, form_json_free, d->answers);
	d->step = db_col_int64(st, 1);
	d->case_no = db_col_dup(st, 2, a);
	d->expires_at = db_col_int64(st, 3);
}

int
form_draft_load(struct db *db, const struct tenant *t, const char *form_id, const char *token_hash,
		int64_t now, struct arena *a, struct form_draft *out, struct err *e)
{
	static const char sql[] = "SELECT answers, step, case_no, expires_at FROM form_draft "
				  "WHERE token_hash = $1 AND tenant_id = $2 AND form_id = $3 "
				  "AND expires_at >= $4";
	int rc = db_get(db, e, sql, a, read_draft, out, DB_TEXT(token_hash), DB_INT(t->id),
			DB_TEXT(form_id), DB_INT(now));

	if (rc == 0)
		snprintf(out->token_hash, sizeof(out->token_hash), "%s", token_hash);
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
	int rc = text ? db_run(db, e, sql, DB_TEXT(d->token_hash), DB_INT(t->id), DB_TEXT(text),
			       DB_INT(d->step), DB_TEXT(d->case_no ? d->case_no : ""), DB_INT(now),
			       DB_INT(now + FORM_DRAFT_TTL_S))
		      : ERR_INTERNAL;

	free(text);
	return rc;
}
