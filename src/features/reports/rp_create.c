/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Writing new reports: the number is the tenant's next one, taken inside
 * the transaction that inserts the report and its first status; two
 * instances that take the same number collide on UNIQUE (tenant_id,
 * number) and the loser tries again.  The number is read back inside that
 * transaction too, so a report that was saved always has its number.  The
 * photos, stored before as expiring files, are linked and kept in the same
 * transaction.  Routing reads report_route.
 */
#include "features/reports/reports.h"

#include "db/db.h"
#include "files/files.h"

#define CREATE_TRIES 3

static const char INSERT_SQL[] =
	"INSERT INTO report (tenant_id, number, category_id, description, street, postal_code, "
	"place, lat_e6, lon_e6, office_id, contact_name, contact_email, contact_phone, consent_at, "
	"token_hash, created_at, updated_at, confirm_hash, answers, citizen_id) SELECT $1, "
	"COALESCE(MAX(number), 0) + 1, "
	"$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, $18 FROM "
	"report "
	"WHERE tenant_id = $1";
static const char STATUS_SQL[] =
	"INSERT INTO report_status (report_id, status, office_id, created_at) "
	"SELECT id, 'received', office_id, created_at FROM report WHERE token_hash = $1";

struct create {
	const struct rp_input *in;
	int64_t category_id, office_id;
	const char *token_hash, *confirm_hash;
	int64_t now;
	rp_created_fn created;
	void *ctx;
	int64_t number; /* read inside the transaction */
};

int
rp_limit_take(struct db *db, const struct tenant *t, const struct rp_input *in, struct err *e)
{
	int64_t tid = in->limit_tenant ? in->limit_tenant : t->id;
	int64_t changed = 0;
	int rc;

	if (in->limit <= 0)
		return 0;
	rc = db_run(db, e, "DELETE FROM report_limit WHERE tenant_id = $1 AND hour < $2",
		    DB_INT(tid), DB_INT(in->limit_hour));
	rc = rc ? rc
		: db_run(db, e,
			 "INSERT INTO report_limit (tenant_id, hour, key_hash, reports) VALUES "
			 "($1, $2, $3, 0) ON CONFLICT (tenant_id, hour, key_hash) DO NOTHING",
			 DB_INT(tid), DB_INT(in->limit_hour), DB_TEXT(in->limit_key));
	rc = rc ? rc
		: db_run_count(db, e, &changed,
			       "UPDATE report_limit SET reports = reports + 1 WHERE tenant_id = $1 "
			       "AND hour = $2 AND key_hash = $3 AND reports < $4",
			       DB_INT(tid), DB_INT(in->limit_hour), DB_TEXT(in->limit_key),
			       DB_INT(in->limit));
	if (rc == 0 && changed == 0)
		rc = err_set(e, ERR_RATELIMIT, "reports.err.rate", "hourly limit of %lld reached",
			     (long long)in->limit);
	return rc;
}

/* Link the report's photos and keep their files (they were stored to expire). */
static int
link_photos(struct db *db, const struct tenant *t, const struct create *c, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < c->in->n_photos; i++) {
		rc = db_run(
			db, e,
			"INSERT INTO report_photo (report_id, file_id, position) SELECT id, $3, "
			"$4 FROM report WHERE tenant_id = $1 AND token_hash = $2",
			DB_INT(t->id), DB_TEXT(c->token_hash), DB_TEXT(c->in->photos[i]),
			DB_INT((int64_t)i));
		rc = rc ? rc : files_expire(db, t, c->in->photos[i], 0, e);
	}
	return rc;
}

static int
insert(struct db *db, const struct tenant *t, struct create *c, struct err *e)
{
	const struct rp_input *in = c->in;
	int64_t category_id = c->category_id, office_id = c->office_id, now = c->now;
	const char *token_hash = c->token_hash;
	bool contact = in->name[0] || in->email[0] || in->phone[0];
	int rc = rp_limit_take(db, t, in, e);

	rc = rc ? rc
		: db_run(db, e, INSERT_SQL, DB_INT(t->id), DB_INT(category_id),
			 DB_TEXT(in->description), DB_TEXT(in->street), DB_TEXT(in->postal_code),
			 DB_TEXT(in->place), in->has_pos ? DB_INT(in->lat_e6) : DB_NULL,
			 in->has_pos ? DB_INT(in->lon_e6) : DB_NULL, DB_ID(office_id),
			 DB_TEXT(in->name), DB_TEXT(in->email), DB_TEXT(in->phone),
			 contact && in->consent ? DB_INT(now) : DB_NULL, DB_TEXT(token_hash),
			 DB_INT(now), c->confirm_hash ? DB_TEXT(c->confirm_hash) : DB_NULL,
			 DB_TEXT(in->answers ? in->answers : "{}"), DB_ID(in->citizen_id));

	if (rc == 0)
		rc = db_run(db, e, STATUS_SQL, DB_TEXT(token_hash));
	if (rc == 0)
		rc = db_int64(db, e, &c->number,
			      "SELECT number FROM report WHERE tenant_id = $1 AND token_hash = $2",
			      DB_INT(t->id), DB_TEXT(token_hash));
	if (rc == 0)
		rc = link_photos(db, t, c, e);
	if (rc == 0 && c->created)
		rc = c->created(c->ctx, c->number, e);
	return rc;
}

int
rp_create(struct db *db, const struct tenant *t, const struct rp_input *in, int64_t category_id,
	  int64_t office_id, const char *token_hash, const char *confirm_hash, int64_t now,
	  rp_created_fn created, void *ctx, int64_t *number, struct err *e)
{
	struct create c = {in,	category_id, office_id, token_hash, confirm_hash,
			   now, created,     ctx,	0};
	int rc = ERR_CONFLICT;

	for (int i = 0; rc == ERR_CONFLICT && i < CREATE_TRIES; i++) {
		rc = db_begin(db, e);
		if (rc)
			return rc;
		rc = db_end(db, insert(db, t, &c, e), e);
	}
	if (rc == 0)
		*number = c.number;
	return rc;
}

int
rp_confirm(struct db *db, const struct tenant *t, const char *hash, int64_t now, int64_t *number,
	   struct err *e)
{
	int rc = db_run(db, e,
			"UPDATE report SET confirmed_at = $3, updated_at = $3 WHERE tenant_id = $1 "
			"AND confirm_hash = $2 AND confirmed_at IS NULL",
			DB_INT(t->id), DB_TEXT(hash), DB_INT(now));

	rc = rc ? rc
		: db_int64(db, e, number,
			   "SELECT number FROM report WHERE tenant_id = $1 AND confirm_hash = $2",
			   DB_INT(t->id), DB_TEXT(hash));
	if (rc == ERR_NOTFOUND)
		err_set(e, ERR_NOTFOUND, "reports.err.confirm", "unknown confirmation token");
	return rc;
}

int
rp_route(struct db *db, const struct tenant *t, int64_t category_id, const char *plz,
	 const char *place, int64_t *office, struct err *e)
{
	static const char sql[] =
		"SELECT office_id FROM report_route WHERE tenant_id = $1 AND "
		"(category_id IS NULL OR category_id = $2) AND (postal_code = '' OR "
		"postal_code = $3) AND (place = '' OR place = $4) ORDER BY "
		"CASE WHEN category_id IS NULL THEN 1 ELSE 0 END, "
		"CASE WHEN postal_code = '' THEN 1 ELSE 0 END, "
		"CASE WHEN place = '' THEN 1 ELSE 0 END, id LIMIT 1";
	int rc = db_int64(db, e, office, sql, DB_INT(t->id), DB_INT(category_id), DB_TEXT(plz),
			  DB_TEXT(place));

	if (rc == ERR_NOTFOUND) {
		*office = 0;
		return 0;
	}
	return rc;
}
