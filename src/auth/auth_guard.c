/* SPDX-License-Identifier: EUPL-1.2 */
/* Rate limits in fixed windows shared through the database, and the audit log. */
#include "auth/auth.h"

#include "db/db.h"

#include <time.h>

int
ratelimit_hit(struct db *db, const char *bucket, int window_s, int limit, struct err *e)
{
	static const char sql[] =
		"INSERT INTO rate_limit (bucket, window_start, hits) VALUES ($1, $2, 1) "
		"ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + 1 "
		"RETURNING hits";
	int64_t now = (int64_t)time(NULL);
	struct db_stmt *st = NULL;
	int64_t hits = 0;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	db_bind_text(st, 1, bucket);
	db_bind_int64(st, 2, now - now % window_s);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		hits = db_col_int64(st, 0);
		rc = 0;
	}
	db_finalize(st);
	if (rc == 0 && hits > limit)
		rc = err_set(e, ERR_RATELIMIT, "error.rate_limit", "%s: %lld hits in %d s", bucket,
			     (long long)hits, window_s);
	return rc;
}

int
audit_log(struct db *db, const struct tenant *t, int64_t user_id, const char *action,
	  const char *detail, const char *ip, struct err *e)
{
	static const char sql[] = "INSERT INTO audit_log (tenant_id, user_id, action, detail, "
				  "ip, at) VALUES ($1, $2, $3, $4, $5, $6)";
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, sql, &st, e);

	if (rc)
		return rc;
	if (t)
		db_bind_int64(st, 1, t->id);
	else
		db_bind_null(st, 1);
	if (user_id)
		db_bind_int64(st, 2, user_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, action);
	db_bind_text(st, 4, detail ? detail : "");
	db_bind_text(st, 5, ip ? ip : "");
	db_bind_int64(st, 6, (int64_t)time(NULL));
	rc = db_step(st, e);
	db_finalize(st);
	return rc == DB_DONE ? 0 : rc;
}
