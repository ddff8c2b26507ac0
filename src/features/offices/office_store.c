/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reading a tenant's offices: the directory, one office with its weekly
 * hours, the exceptions and public holidays ahead, and the office
 * responsible for a service.  Every query is bound to the tenant's id;
 * hours and exceptions are reached through their office, so through it too.
 */
#include "features/offices/office.h"

#include "db/db.h"

#include <string.h>
#include <time.h>

#define OFFICE_COLS                                                                                \
	"o.id, o.slug, o.name, o.street, o.postal_code, o.city, o.phone, o.email, o.web, "         \
	"o.lat, o.lon, o.accessibility, o.appointment_only, o.appointment_url, o.is_default "

/* Rows of hours, exceptions and holidays read for one office; more is a data error. */
#define OFFICE_ROWS_MAX 256

static const char *
dup(struct arena *a, struct db_stmt *st, int i)
{
	return arena_strdup(a, db_col_text(st, i));
}

static void
office_of_row(struct db_stmt *st, struct arena *a, struct office *o)
{
	memset(o, 0, sizeof(*o));
	o->id = db_col_int64(st, 0);
	o->slug = dup(a, st, 1);
	o->name = dup(a, st, 2);
	o->street = dup(a, st, 3);
	o->postal_code = dup(a, st, 4);
	o->city = dup(a, st, 5);
	o->phone = dup(a, st, 6);
	o->email = dup(a, st, 7);
	o->web = dup(a, st, 8);
	o->lat = dup(a, st, 9);
	o->lon = dup(a, st, 10);
	o->accessibility = dup(a, st, 11);
	o->hours.appointment_only = db_col_int64(st, 12) != 0;
	o->appointment_url = dup(a, st, 13);
	o->is_default = db_col_int64(st, 14) != 0;
}

static const char OFFICE_LIST_SQL[] = "SELECT " OFFICE_COLS "FROM office o "
				      "WHERE o.tenant_id = $1 ORDER BY o.name, o.id";

int
office_list(struct db *db, const struct tenant *t, struct arena *a, struct office **out, size_t *n,
	    struct err *e)
{
	struct db_stmt *st = NULL;
	struct office *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_prepare(db, OFFICE_LIST_SQL, &st, e);
	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	while ((rc = db_step(st, e)) == DB_ROW) {
		if (*n == cap) {
			struct office *w = arena_calloc(a, cap ? cap * 2 : 8, sizeof(*w));

			if (*n)
				memcpy(w, v, *n * sizeof(*w));
			v = w;
			cap = cap ? cap * 2 : 8;
		}
		office_of_row(st, a, &v[(*n)++]);
	}
	db_finalize(st);
	*out = v;
	return rc == DB_DONE ? 0 : rc;
}

static const char HOURS_SQL[] =
	"SELECT h.weekday, h.opens, h.closes, h.note FROM office_hours h "
	"JOIN office o ON o.id = h.office_id "
	"WHERE o.tenant_id = $1 AND h.office_id = $2 ORDER BY h.weekday, h.opens";

static const char EXCEPTIONS_SQL[] =
	"SELECT x.date, x.closed, x.opens, x.closes, x.note FROM office_exception x "
	"JOIN office o ON o.id = x.office_id "
	"WHERE o.tenant_id = $1 AND x.office_id = $2 AND x.date >= $3 AND x.date <= $4 "
	"ORDER BY x.date, x.opens";

static const char HOLIDAYS_SQL[] = "SELECT date, name FROM holiday "
				   "WHERE land = $1 AND date >= $2 AND date <= $3 ORDER BY date";

static int
load_rules(struct db *db, const struct tenant *t, struct office *o, struct arena *a, struct err *e)
{
	struct db_stmt *st = NULL;
	size_t n = 0;
	int rc = db_prepare(db, HOURS_SQL, &st, e);

	if (rc)
		return rc;
	o->rules = arena_calloc(a, OFFICE_ROWS_MAX, sizeof(*o->rules));
	db_bind_int64(st, 1, t->id);
	db_bind_int64(st, 2, o->id);
	while ((rc = db_step(st, e)) == DB_ROW && n < OFFICE_ROWS_MAX) {
		struct office_rule *r = &o->rules[n];

		r->weekday = (int)db_col_int64(st, 0);
		r->opens = office_parse_time(db_col_text(st, 1));
		r->closes = office_parse_time(db_col_text(st, 2));
		r->note = dup(a, st, 3);
		if (r->opens >= 0 && r->closes > r->opens)
			n++;
	}
	db_finalize(st);
	o->hours.rules = o->rules;
	o->hours.n_rules = n;
	return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

static int
load_exceptions(struct db *db, const struct tenant *t, struct office *o, const char *from,
		const char *to, struct arena *a, struct err *e)
{
	struct db_stmt *st = NULL;
	size_t n = 0;
	int rc = db_prepare(db, EXCEPTIONS_SQL, &st, e);

	if (rc)
		return rc;
	o->exceptions = arena_calloc(a, OFFICE_ROWS_MAX, sizeof(*o->exceptions));
	db_bind_int64(st, 1, t->id);
	db_bind_int64(st, 2, o->id);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	while ((rc = db_step(st, e)) == DB_ROW && n < OFFICE_ROWS_MAX) {
		struct office_exception *x = &o->exceptions[n];

		if (db_col_len(st, 0) != OFFICE_DATE_LEN)
			continue;
		memcpy(x->date, db_col_text(st, 0), OFFICE_DATE_LEN);
		x->is_closed = db_col_int64(st, 1) != 0;
		x->opens = office_parse_time(db_col_text(st, 2));
		x->closes = office_parse_time(db_col_text(st, 3));
		x->note = dup(a, st, 4);
		/* An open day without valid times would open nothing: read it as closed. */
		if (!x->is_closed && (x->opens < 0 || x->closes <= x->opens))
			x->is_closed = true;
		n++;
	}
	db_finalize(st);
	o->hours.exceptions = o->exceptions;
	o->hours.n_exceptions = n;
	return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

static int
load_holidays(struct db *db, const struct tenant *t, struct office *o, const char *from,
	      const char *to, struct arena *a, struct err *e)
{
	const char *land = office_land_of_ars(t->ars);
	struct db_stmt *st = NULL;
	size_t n = 0;
	int rc;

	if (!land)
		return 0;
	rc = db_prepare(db, HOLIDAYS_SQL, &st, e);
	if (rc)
		return rc;
	o->holidays = arena_calloc(a, OFFICE_ROWS_MAX, sizeof(*o->holidays));
	db_bind_text(st, 1, land);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	while ((rc = db_step(st, e)) == DB_ROW && n < OFFICE_ROWS_MAX) {
		if (db_col_len(st, 0) != OFFICE_DATE_LEN)
			continue;
		memcpy(o->holidays[n].date, db_col_text(st, 0), OFFICE_DATE_LEN);
		o->holidays[n].name = dup(a, st, 1);
		n++;
	}
	db_finalize(st);
	o->hours.holidays = o->holidays;
	o->hours.n_holidays = n;
	return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

int
office_load_hours(struct db *db, const struct tenant *t, struct office *o, int64_t today,
		  struct arena *a, struct err *e)
{
	char from[OFFICE_DATE_LEN + 1], to[OFFICE_DATE_LEN + 1];
	struct office_local l;
	int rc;

	office_local_day(today, &l);
	office_format_date(&l, from);
	office_local_day(today + OFFICE_LOOKAHEAD, &l);
	office_format_date(&l, to);
	rc = load_rules(db, t, o, a, e);
	if (rc == 0)
		rc = load_exceptions(db, t, o, from, to, a, e);
	if (rc == 0)
		rc = load_holidays(db, t, o, from, to, a, e);
	return rc;
}

static const char OFFICE_FIND_SQL[] = "SELECT " OFFICE_COLS "FROM office o "
				      "WHERE o.tenant_id = $1 AND o.slug = $2";

int
office_find(struct db *db, const struct tenant *t, const char *slug, int64_t today, struct arena *a,
	    struct office **out, struct err *e)
{
	struct db_stmt *st = NULL;
	int rc = db_prepare(db, OFFICE_FIND_SQL, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, slug);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof(**out));
		office_of_row(st, a, *out);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOTFOUND, "error.404.text", "no office '%s' of tenant '%s'",
			     slug, t->slug);
	}
	db_finalize(st);
	return rc ? rc : office_load_hours(db, t, *out, today, a, e);
}

/* The responsibility row's office first, then the default one. */
static const char OFFICE_FOR_SQL[] =
	"SELECT " OFFICE_COLS "FROM office o "
	"LEFT JOIN responsibility r ON r.office_id = o.id AND r.tenant_id = $1 AND r.leika = $2 "
	"WHERE o.tenant_id = $1 AND (r.leika IS NOT NULL OR o.is_default = 1) "
	"ORDER BY CASE WHEN r.leika IS NULL THEN 1 ELSE 0 END, o.id LIMIT 1";

int
office_for_service(struct db *db, const struct tenant *t, const char *leika, struct arena *a,
		   struct office **out, struct err *e)
{
	struct db_stmt *st = NULL;
	struct office_local now;
	int rc = db_prepare(db, OFFICE_FOR_SQL, &st, e);

	if (rc)
		return rc;
	db_bind_int64(st, 1, t->id);
	db_bind_text(st, 2, leika);
	rc = db_step(st, e);
	if (rc == DB_ROW) {
		*out = arena_alloc(a, sizeof(**out));
		office_of_row(st, a, *out);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOTFOUND, "error.404.text",
			     "no office of tenant '%s' for service '%s'", t->slug, leika);
	}
	db_finalize(st);
	if (rc)
		return rc;
	office_local_at((int64_t)time(NULL), &now);
	return office_load_hours(db, t, *out, now.days, a, e);
}
