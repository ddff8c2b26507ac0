/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Blocked times of a location (migrations/0020_appointment_staff.sql): an
 * appt_block row for staff, and an appt_exception row with 0 counters for
 * each day it covers, which the slot logic already honours.  Both are
 * written in one transaction; deleting the block deletes its exception rows
 * by the foreign key's ON DELETE CASCADE.
 */
#include "features/appointments/appt_staff.h"

#include "core/civil.h"
#include "db/db.h"

#include <string.h>

static const char BLOCKS_SQL[] =
	"SELECT id, first_date, last_date, opens, closes, note FROM appt_block "
	"WHERE tenant_id = $1 AND office_id = $2 AND last_date >= $3 AND first_date <= $4 "
	"ORDER BY first_date, opens, id";

static void
read_block(struct db_stmt *st, struct arena *a, void *row)
{
	struct appt_block *b = row;

	b->id = db_col_int64(st, 0);
	civil_parse_date(db_col_text(st, 1), &b->first);
	civil_parse_date(db_col_text(st, 2), &b->last);
	b->opens = civil_parse_time(db_col_text(st, 3));
	b->closes = civil_parse_time(db_col_text(st, 4));
	b->note = db_col_dup(st, 5, a);
}

/* "YYYY-MM-DD" of local day `days` into `out` (CIVIL_DATE_LEN + 1 bytes). */
static void
date_of(int64_t days, char *out)
{
	struct civil_local l;

	civil_day(days, &l);
	civil_format_date(&l, out);
}

int
appt_blocks_load(struct db *db, const struct tenant *t, const struct appt_location *loc,
		 int64_t first, int64_t last, struct arena *a, struct appt_block **out, size_t *n,
		 struct err *e)
{
	char from[CIVIL_DATE_LEN + 1], to[CIVIL_DATE_LEN + 1];

	date_of(first, from);
	date_of(last, to);
	return db_list_of(db, e, BLOCKS_SQL, a, read_block, out, n, DB_INT(t->id),
			  DB_INT(loc->office_id), DB_TEXT(from), DB_TEXT(to));
}

static const char BLOCK_ADD_SQL[] =
	"INSERT INTO appt_block (tenant_id, office_id, first_date, last_date, opens, closes, note, "
	"created_by, created_at) SELECT tenant_id, office_id, CAST($3 AS TEXT), CAST($4 AS TEXT), "
	"CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS TEXT), CAST($8 AS BIGINT), "
	"CAST($9 AS BIGINT) "
	"FROM appt_location WHERE tenant_id = $1 AND office_id = $2 RETURNING id";

static const char EXCEPTION_ADD_SQL[] =
	"INSERT INTO appt_exception (office_id, date, opens, closes, counters, note, block_id) "
	"VALUES ($1, $2, $3, $4, 0, $5, $6)";

static int
block_write(struct db *db, const struct tenant *t, const struct appt_location *loc,
	    struct appt_block *b, int64_t user_id, int64_t now, struct err *e)
{
	char first[CIVIL_DATE_LEN + 1], last[CIVIL_DATE_LEN + 1], day[CIVIL_DATE_LEN + 1];
	char opens[6], closes[6];
	int rc;

	date_of(b->first, first);
	date_of(b->last, last);
	civil_format_time(b->opens, opens);
	civil_format_time(b->closes, closes);
	rc = db_int64(db, e, &b->id, BLOCK_ADD_SQL, DB_INT(t->id), DB_INT(loc->office_id),
		      DB_TEXT(first), DB_TEXT(last), DB_TEXT(opens), DB_TEXT(closes),
		      DB_TEXT(b->note), DB_ID(user_id), DB_INT(now));
	for (int64_t d = b->first; rc == 0 && d <= b->last; d++) {
		date_of(d, day);
		rc = db_run(db, e, EXCEPTION_ADD_SQL, DB_INT(loc->office_id), DB_TEXT(day),
			    DB_TEXT(opens), DB_TEXT(closes), DB_TEXT(b->note), DB_INT(b->id));
	}
	return rc;
}

int
appt_block_add(struct db *db, const struct tenant *t, const struct appt_location *loc,
	       struct appt_block *b, int64_t user_id, int64_t now, struct err *e)
{
	int rc;

	if (b->opens < 0 || b->closes <= b->opens || b->closes > 1440 || b->last < b->first ||
	    b->last - b->first >= APPT_STAFF_DAYS_MAX)
		return err_set(e, ERR_INVALID, "appt.staff.err.block",
			       "block %d..%d on days %lld..%lld", b->opens, b->closes,
			       (long long)b->first, (long long)b->last);
	rc = db_begin(db, e);
	if (rc)
		return rc;
	return db_end(db, block_write(db, t, loc, b, user_id, now, e), e);
}

int
appt_block_delete(struct db *db, const struct tenant *t, const struct appt_location *loc,
		  int64_t id, struct err *e)
{
	int64_t n = 0;
	int rc = db_run_count(db, e, &n,
			      "DELETE FROM appt_block WHERE tenant_id = $1 AND office_id = $2 "
			      "AND id = $3",
			      DB_INT(t->id), DB_INT(loc->office_id), DB_INT(id));

	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "appt.staff.err.block_gone",
			       "no block %lld at location '%s'", (long long)id, loc->slug);
	return rc;
}
