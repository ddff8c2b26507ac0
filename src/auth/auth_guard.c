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
	int64_t hits = 0;
	int rc = db_int64(db, e, &hits, sql, DB_TEXT(bucket), DB_INT(now - now % window_s));

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

	return db_run(db, e, sql, DB_ID(t ? t->id : 0), DB_ID(user_id), DB_TEXT(action),
		      DB_TEXT(detail ? detail : ""), DB_TEXT(ip ? ip : ""),
		      DB_INT((int64_t)time(NULL)));
}
