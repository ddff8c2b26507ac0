/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reading a tenant's offices: the directory, one office with its weekly
 * hours, the exceptions and public holidays ahead, and the office
 * responsible for a service.  Every query is bound to the tenant's id;
 * hours and exceptions are reached through their office, so through it too.
 */
#include "features/offices/office.h"

#include "core/civil.h"
#include "db/db.h"

#include <string.h>
#include <time.h>

#define OFFICE_COLS                                                                                \
	"o.id, o.slug, o.name, o.street, o.postal_code, o.city, o.phone, o.email, o.web, "         \
	"o.lat, o.lon, o.accessibility, o.appointment_only, o.appointment_url, o.is_default "

/* Rows of hours, exceptions and holidays read for one office; more is a data error. */
#define OFFICE_ROWS_MAX 256

static void
office_of_row(struct db_stmt *st, struct arena *a, struct office *o)
{
	memset(o, 0, sizeof(*o));
	o->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &o->slug, &o->name, &o->street, &o->postal_code, &o->city, &o->phone,
		    &o->email, &o->web, &o->lat, &o->lon, &o->accessibility);
	o->hours.appointment_only = db_col_int64(st, 12) != 0;
	o->appointment_url = db_col_dup(st, 13, a);
	o->is_default = db_col_int64(st, 14) != 0;
}

static const char OFFICE_LIST_SQL[] = "SELECT " OFFICE_COLS "FROM office o "
				      "WHERE o.tenant_id = $1 ORDER BY o.name, o.id";

static void
read_office(struct db_stmt *st, struct arena *a, void *row)
{
	office_of_row(st, a, row);
}

int
office_list(struct db *db, const struct tenant *t, struct arena *a, struct office **out, size_t *n,
	    struct err *e)
{
	void *v = NULL;
	int rc = db_list(db, e, OFFICE_LIST_SQL, a, sizeof(**out), read_office, &v, n,
			 DB_INT(t->id));

	*out = v;
	return rc;
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

/* The office whose hours are read, and its arena. */
struct hours_rows {
	struct arena *a;
	struct office *o;
};

static int
read_rule(struct db_stmt *st, void *ctx, struct err *e)
{
	struct hours_rows *h = ctx;
	struct office_rule *r = &h->o->rules[h->o->hours.n_rules];

	if (h->o->hours.n_rules == OFFICE_ROWS_MAX)
		return 0;
	r->weekday = (int)db_col_int64(st, 0);
	r->opens = civil_parse_time(db_col_text(st, 1));
	r->closes = civil_parse_time(db_col_text(st, 2));
	r->note = db_col_dup(st, 3, h->a);
	if (r->opens >= 0 && r->closes > r->opens)
		h->o->hours.n_rules++;
	return 0;
}

static int
read_exception(struct db_stmt *st, void *ctx, struct err *e)
{
	struct hours_rows *h = ctx;
	struct office_exception *x = &h->o->exceptions[h->o->hours.n_exceptions];

	if (h->o->hours.n_exceptions == OFFICE_ROWS_MAX || db_col_len(st, 0) != CIVIL_DATE_LEN)
		return 0;
	memcpy(x->date, db_col_text(st, 0), CIVIL_DATE_LEN);
	x->is_closed = db_col_int64(st, 1) != 0;
	x->opens = civil_parse_time(db_col_text(st, 2));
	x->closes = civil_parse_time(db_col_text(st, 3));
	x->note = db_col_dup(st, 4, h->a);
	/* An open day without valid times would open nothing: read it as closed. */
	if (!x->is_closed && (x->opens < 0 || x->closes <= x->opens))
		x->is_closed = true;
	h->o->hours.n_exceptions++;
	return 0;
}

static int
read_holiday(struct db_stmt *st, void *ctx, struct err *e)
{
	struct hours_rows *h = ctx;
	struct office_holiday *d = &h->o->holidays[h->o->hours.n_holidays];

	if (h->o->hours.n_holidays == OFFICE_ROWS_MAX || db_col_len(st, 0) != CIVIL_DATE_LEN)
		return 0;
	memcpy(d->date, db_col_text(st, 0), CIVIL_DATE_LEN);
	d->name = db_col_dup(st, 1, h->a);
	h->o->hours.n_holidays++;
	return 0;
}

/* The weekly rules, then the exceptions and holidays from `from` to `to`. */
static int
load_tables(struct db *db, const struct tenant *t, struct office *o, const char *from,
	    const char *to, struct arena *a, struct err *e)
{
	const char *land = office_land_of_ars(t->ars);
	struct hours_rows h = {a, o};
	int rc;

	o->rules = arena_calloc(a, OFFICE_ROWS_MAX, sizeof(*o->rules));
	o->exceptions = arena_calloc(a, OFFICE_ROWS_MAX, sizeof(*o->exceptions));
	o->hours.rules = o->rules;
	o->hours.exceptions = o->exceptions;
	o->hours.n_rules = o->hours.n_exceptions = o->hours.n_holidays = 0;
	rc = db_each(db, e, HOURS_SQL, read_rule, &h, DB_INT(t->id), DB_INT(o->id));
	if (rc == 0)
		rc = db_each(db, e, EXCEPTIONS_SQL, read_exception, &h, DB_INT(t->id),
			     DB_INT(o->id), DB_TEXT(from), DB_TEXT(to));
	if (rc || !land)
		return rc;
	o->holidays = arena_calloc(a, OFFICE_ROWS_MAX, sizeof(*o->holidays));
	o->hours.holidays = o->holidays;
	return db_each(db, e, HOLIDAYS_SQL, read_holiday, &h, DB_TEXT(land), DB_TEXT(from),
		       DB_TEXT(to));
}

int
office_load_hours(struct db *db, const struct tenant *t, struct office *o, int64_t today,
		  struct arena *a, struct err *e)
{
	char from[CIVIL_DATE_LEN + 1], to[CIVIL_DATE_LEN + 1];
	struct civil_local l;

	civil_day(today, &l);
	civil_format_date(&l, from);
	civil_day(today + OFFICE_LOOKAHEAD, &l);
	civil_format_date(&l, to);
	return load_tables(db, t, o, from, to, a, e);
}

static const char OFFICE_FIND_SQL[] = "SELECT " OFFICE_COLS "FROM office o "
				      "WHERE o.tenant_id = $1 AND o.slug = $2";

int
office_find(struct db *db, const struct tenant *t, const char *slug, int64_t today, struct arena *a,
	    struct office **out, struct err *e)
{
	void *v = NULL;
	size_t n = 0;
	int rc = db_list(db, e, OFFICE_FIND_SQL, a, sizeof(**out), read_office, &v, &n,
			 DB_INT(t->id), DB_TEXT(slug));

	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "error.404.text", "no office '%s' of tenant '%s'",
			       slug, t->slug);
	if (rc)
		return rc;
	*out = v;
	return office_load_hours(db, t, *out, today, a, e);
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
	struct civil_local now;
	void *v = NULL;
	size_t n = 0;
	int rc = db_list(db, e, OFFICE_FOR_SQL, a, sizeof(**out), read_office, &v, &n,
			 DB_INT(t->id), DB_TEXT(leika));

	if (rc == 0 && n == 0)
		return err_set(e, ERR_NOTFOUND, "error.404.text",
			       "no office of tenant '%s' for service '%s'", t->slug, leika);
	if (rc)
		return rc;
	*out = v;
	civil_local_at((int64_t)time(NULL), &now);
	return office_load_hours(db, t, *out, now.days, a, e);
}
