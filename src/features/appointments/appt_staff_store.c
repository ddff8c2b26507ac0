/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The bookings of a location as staff handle them: the list of a day or a
 * week with each booking's visit, status changes with their times and call
 * numbers, and the recent calls for the call display.
 *
 * A status change runs in one transaction that first writes the location's
 * row (a no-op update): on PostgreSQL that row lock serialises the changes
 * at one location, so two counters never draw the same call number; SQLite
 * serialises every writer anyway.  The UNIQUE (office_id, day, number) of
 * appt_visit is the last guard.
 */
#include "features/appointments/appt_staff.h"

#include "core/civil.h"
#include "db/db.h"

#include <assert.h>
#include <string.h>

static const char *const STATUS_NAMES[APPT_STATUS_N] = {
	[APPT_BOOKED] = "booked", [APPT_CHECKED_IN] = "checked_in", [APPT_CALLED] = "called",
	[APPT_DONE] = "done",	  [APPT_NO_SHOW] = "no_show",	    [APPT_CANCELLED] = "cancelled",
};

const char *
appt_status_name(enum appt_status s)
{
	return (unsigned)s < APPT_STATUS_N ? STATUS_NAMES[s] : "";
}

int
appt_status_parse(const char *s, enum appt_status *out)
{
	for (int i = 0; s && i < APPT_STATUS_N; i++)
		if (strcmp(s, STATUS_NAMES[i]) == 0) {
			*out = (enum appt_status)i;
			return 0;
		}
	return ERR_INVALID;
}

bool
appt_status_may(enum appt_status from, enum appt_status to)
{
	switch (to) {
	case APPT_CHECKED_IN: /* also a late arrival first marked as no-show */
		return from == APPT_BOOKED || from == APPT_NO_SHOW;
	case APPT_CALLED: /* calling again is allowed */
		return from == APPT_CHECKED_IN || from == APPT_CALLED;
	case APPT_DONE:
		return from == APPT_CHECKED_IN || from == APPT_CALLED;
	case APPT_NO_SHOW:
		return from == APPT_BOOKED || from == APPT_CHECKED_IN || from == APPT_CALLED;
	default:
		return false;
	}
}

int64_t
appt_day_start(int64_t days)
{
	/* Midnight always exists in Europe/Berlin: the clocks change at night. */
	int64_t utc = days * 86400 - 7200;

	return civil_berlin_dst(utc) ? utc : utc + 3600;
}

/* The visit's status from the booking's state and the visit row's status. */
static enum appt_status
status_of(const char *state, const char *visit)
{
	enum appt_status s = APPT_BOOKED;

	if (strcmp(state, "cancelled") == 0)
		return APPT_CANCELLED;
	if (visit[0] && appt_status_parse(visit, &s))
		return APPT_BOOKED;
	return s;
}

static const char ENTRIES_SQL[] =
	"SELECT a.id, a.starts_at, a.ends_at, a.created_at, a.persons, a.units, t.name, a.name, "
	"a.email, a.phone, a.state, v.status, v.number, v.desk, a.cancelled_at, "
	"v.checked_in_at, v.called_at, v.done_at, v.no_show_at "
	"FROM appointment a JOIN appt_type t ON t.id = a.type_id "
	"LEFT JOIN appt_visit v ON v.appointment_id = a.id "
	"WHERE a.tenant_id = $1 AND a.office_id = $2 AND a.starts_at >= $3 AND a.starts_at < $4 "
	"ORDER BY a.starts_at, a.id";

static void
read_entry(struct db_stmt *st, struct arena *a, void *row)
{
	struct appt_entry *x = row;

	db_cols_int64(st, 0, &x->id, &x->starts_at, &x->ends_at, &x->created_at);
	x->persons = (int)db_col_int64(st, 4);
	x->units = (int)db_col_int64(st, 5);
	db_cols_dup(st, 6, a, &x->type_name, &x->name, &x->email, &x->phone);
	x->status = status_of(db_col_text(st, 10), db_col_text(st, 11));
	x->number = (int)db_col_int64(st, 12);
	x->desk = db_col_dup(st, 13, a);
	/* Columns 14..18 are the times of cancelled, checked in, called, done, no-show. */
	switch (x->status) {
	case APPT_CANCELLED:
		x->changed_at = db_col_int64(st, 14);
		break;
	case APPT_BOOKED:
		break;
	default:
		x->changed_at = db_col_int64(st, 14 + (int)x->status);
	}
}

int
appt_entries_load(struct db *db, const struct tenant *t, const struct appt_location *loc,
		  int64_t from, int64_t to, struct arena *a, struct appt_entry **out, size_t *n,
		  struct err *e)
{
	return db_list_of(db, e, ENTRIES_SQL, a, read_entry, out, n, DB_INT(t->id),
			  DB_INT(loc->office_id), DB_INT(from), DB_INT(to));
}

void
appt_entries_mark(const struct appt_location *loc, struct appt_entry *v, size_t n)
{
	int cap[APPT_DAY_UNITS_MAX];
	int slot = loc->schedule.slot_minutes, per_day = 1440 / slot;
	int64_t day = -1;

	for (size_t i = 0; i < n; i++) {
		struct civil_local l;
		int first;

		if (v[i].status == APPT_CANCELLED)
			continue;
		civil_local_at(v[i].starts_at, &l);
		if (l.days != day) {
			appt_day_capacity(&loc->schedule, l.days, cap);
			day = l.days;
		}
		first = l.minute / slot;
		for (int k = first; k < first + v[i].units && k < per_day; k++)
			if (cap[k] == 0)
				v[i].conflict = true;
	}
}

/* Takes the location's row lock (PostgreSQL) and proves the location is the tenant's. */
static const char LOCK_SQL[] =
	"UPDATE appt_location SET lead_days = lead_days WHERE tenant_id = $1 AND office_id = $2";

static const char CURRENT_SQL[] = "SELECT a.state, a.starts_at, v.status FROM appointment a "
				  "LEFT JOIN appt_visit v ON v.appointment_id = a.id "
				  "WHERE a.tenant_id = $1 AND a.office_id = $2 AND a.id = $3";

/* A time column: `now` ($7) when the new status ($5) is `st`, else `other`. */
#define STATUS_AT(st, other) "CASE WHEN $5 = '" st "' THEN CAST($7 AS BIGINT) ELSE " other " END"

static const char VISIT_ADD_SQL[] =
	"INSERT INTO appt_visit (appointment_id, tenant_id, office_id, day, "
	"number, status, desk, "
	"checked_in_at, called_at, done_at, no_show_at, changed_by) "
	"SELECT CAST($3 AS BIGINT), CAST($1 AS BIGINT), CAST($2 AS BIGINT), "
	"CAST($4 AS TEXT), "
	"COALESCE(MAX(number), 0) + 1, CAST($5 AS TEXT), CAST($6 AS "
	"TEXT), " STATUS_AT("checked_in", "NULL") ", " STATUS_AT("called", "NULL") ", " STATUS_AT(
		"done", "NULL") ", " STATUS_AT("no_show", "NULL") ", "
								  "CAST($8 AS "
								  "BIGINT) "
								  "FROM "
								  "appt_visit "
								  "WHERE "
								  "office_id = "
								  "$2 AND day "
								  "= $4";

static const char VISIT_SET_SQL[] =
	"UPDATE appt_visit SET status = $5, "
	"desk = CASE WHEN $5 = 'called' THEN CAST($6 AS TEXT) ELSE desk END, "
	"checked_in_at = " STATUS_AT(
		"checked_in",
		"checked_in_at") ", "
				 "called_at = " STATUS_AT(
					 "called",
					 "called_at") ", "
						      "done_at = " STATUS_AT(
							      "done",
							      "done_at") ", "
									 "no_show_at = " STATUS_AT(
										 "no_show",
										 "no_show_at") ", "
											       "cha"
											       "nge"
											       "d_"
											       "by "
											       "= "
											       "$8 "
											       "WHE"
											       "RE "
											       "ten"
											       "ant"
											       "_id"
											       " = "
											       "$1 "
											       "AND"
											       " of"
											       "fic"
											       "e_"
											       "id "
											       "= "
											       "$2 "
											       "AND"
											       " ap"
											       "poi"
											       "ntm"
											       "ent"
											       "_id"
											       " = "
											       "$3 "
											       "AND"
											       " st"
											       "atu"
											       "s "
											       "= "
											       "$4";

struct current {
	enum appt_status status;
	int64_t starts_at;
};

static int
read_current(struct db_stmt *st, void *ctx, struct err *e)
{
	struct current *c = ctx;

	(void)e;
	c->status = status_of(db_col_text(st, 0), db_col_text(st, 2));
	c->starts_at = db_col_int64(st, 1);
	return 0;
}

static int
status_write(struct db *db, const struct tenant *t, const struct appt_location *loc, int64_t id,
	     enum appt_status to, const char *desk, int64_t now, int64_t user_id, struct err *e)
{
	struct current c = {0};
	struct civil_local l;
	char day[CIVIL_DATE_LEN + 1];
	int64_t changed = 0;
	int rc;

	rc = db_run_count(db, e, &changed, LOCK_SQL, DB_INT(t->id), DB_INT(loc->office_id));
	if (rc == 0 && changed == 0)
		rc = ERR_NOTFOUND;
	if (rc == 0)
		rc = db_one(db, e, CURRENT_SQL, read_current, &c, DB_INT(t->id),
			    DB_INT(loc->office_id), DB_INT(id));
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "appt.staff.err.booking",
			       "no booking %lld at location '%s' of tenant '%s'", (long long)id,
			       loc->slug, t->slug);
	if (rc)
		return rc;
	if (c.status == APPT_CANCELLED)
		return err_set(e, ERR_CONFLICT, "appt.staff.err.cancelled",
			       "booking %lld is cancelled", (long long)id);
	if (!appt_status_may(c.status, to))
		return err_set(e, ERR_CONFLICT, "appt.staff.err.step", "booking %lld: %s to %s",
			       (long long)id, appt_status_name(c.status), appt_status_name(to));
	if (c.status != APPT_BOOKED)
		return db_run(db, e, VISIT_SET_SQL, DB_INT(t->id), DB_INT(loc->office_id),
			      DB_INT(id), DB_TEXT(appt_status_name(c.status)),
			      DB_TEXT(appt_status_name(to)), DB_TEXT(desk), DB_INT(now),
			      DB_ID(user_id));
	civil_local_at(c.starts_at, &l);
	civil_format_date(&l, day);
	return db_run(db, e, VISIT_ADD_SQL, DB_INT(t->id), DB_INT(loc->office_id), DB_INT(id),
		      DB_TEXT(day), DB_TEXT(appt_status_name(to)),
		      DB_TEXT(to == APPT_CALLED ? desk : ""), DB_INT(now), DB_ID(user_id));
}

int
appt_status_set(struct db *db, const struct tenant *t, const struct appt_location *loc, int64_t id,
		enum appt_status to, const char *desk, int64_t now, int64_t user_id, struct err *e)
{
	int rc;

	assert(desk && strlen(desk) <= APPT_DESK_MAX);
	rc = db_begin(db, e);
	if (rc)
		return rc;
	return db_end(db, status_write(db, t, loc, id, to, desk, now, user_id, e), e);
}

static const char CALLS_SQL[] = "SELECT number, desk, called_at FROM appt_visit "
				"WHERE tenant_id = $1 AND office_id = $2 AND called_at >= $3 "
				"ORDER BY called_at DESC, number DESC LIMIT $4";

static void
read_call(struct db_stmt *st, struct arena *a, void *row)
{
	struct appt_call *c = row;

	c->number = (int)db_col_int64(st, 0);
	c->desk = db_col_dup(st, 1, a);
	c->called_at = db_col_int64(st, 2);
}

int
appt_calls_load(struct db *db, const struct tenant *t, const struct appt_location *loc,
		int64_t since, size_t max, struct arena *a, struct appt_call **out, size_t *n,
		struct err *e)
{
	return db_list_of(db, e, CALLS_SQL, a, read_call, out, n, DB_INT(t->id),
			  DB_INT(loc->office_id), DB_INT(since), DB_INT((int64_t)max));
}

static const char STATS_SQL[] =
	"SELECT t.name, count(*), "
	"CAST(SUM(CASE WHEN a.state = 'cancelled' THEN 1 ELSE 0 END) AS BIGINT), "
	"CAST(SUM(CASE WHEN v.status = 'no_show' THEN 1 ELSE 0 END) AS BIGINT), "
	"CAST(SUM(CASE WHEN v.status = 'done' THEN 1 ELSE 0 END) AS BIGINT), "
	"CAST(SUM(a.starts_at - a.created_at) AS BIGINT) "
	"FROM appointment a JOIN appt_type t ON t.id = a.type_id "
	"LEFT JOIN appt_visit v ON v.appointment_id = a.id "
	"WHERE a.tenant_id = $1 AND t.tenant_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 "
	"AND (a.office_id = $4 OR $4 = 0) "
	"GROUP BY t.id, t.name, t.position ORDER BY t.position, t.name";

static void
read_stat(struct db_stmt *st, struct arena *a, void *row)
{
	struct appt_stat *s = row;

	s->type_name = db_col_dup(st, 0, a);
	db_cols_int64(st, 1, &s->bookings, &s->cancelled, &s->no_shows, &s->done, &s->lead_seconds);
}

int
appt_stats_load(struct db *db, const struct tenant *t, int64_t office_id, int64_t from, int64_t to,
		struct arena *a, struct appt_stat **out, size_t *n, struct appt_stat *total,
		struct err *e)
{
	int rc = db_list_of(db, e, STATS_SQL, a, read_stat, out, n, DB_INT(t->id), DB_INT(from),
			    DB_INT(to), DB_INT(office_id));
	const struct appt_stat *s = *out;

	memset(total, 0, sizeof(*total));
	for (size_t i = 0; i < *n; i++) {
		total->bookings += s[i].bookings;
		total->cancelled += s[i].cancelled;
		total->no_shows += s[i].no_shows;
		total->done += s[i].done;
		total->lead_seconds += s[i].lead_seconds;
	}
	return rc;
}
