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

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OFFICE_COLS                                                                                \
	"o.id, o.slug, o.name, o.street, o.postal_code, o.city, o.phone, o.email, o.web, "         \
	"o.lat, o.lon, o.accessibility, o.appointment_only, o.appointment_url, o.is_default "

/* Rows of hours, exceptions and holidays read for one office; more is a data error. */
#define OFFICE_ROWS_MAX 256

/* The OFFICE_COLS of a row from column `c` on. */
static void
office_of_row(struct db_stmt *st, int c, struct arena *a, struct office *o)
{
	memset(o, 0, sizeof(*o));
	o->id = db_col_int64(st, c);
	db_cols_dup(st, c + 1, a, &o->slug, &o->name, &o->street, &o->postal_code, &o->city,
		    &o->phone, &o->email, &o->web, &o->lat, &o->lon, &o->accessibility);
	o->hours.appointment_only = db_col_int64(st, c + 12) != 0;
	o->appointment_url = db_col_dup(st, c + 13, a);
	o->is_default = db_col_int64(st, c + 14) != 0;
}

static const char OFFICE_LIST_SQL[] = "SELECT " OFFICE_COLS "FROM office o "
				      "WHERE o.tenant_id = $1 ORDER BY o.name, o.id";

static void
read_office(struct db_stmt *st, struct arena *a, void *row)
{
	office_of_row(st, 0, a, row);
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

/*
 * One office picked by `pick` (the id of an office of tenant $1, chosen by
 * $2) with its weekly rules (kind 0), its exceptions (1) and its Land's
 * holidays (2) from $3 to $4, in one statement: each is a round trip to
 * PostgreSQL.  The office's row is kind OFFICE_ROW and carries OFFICE_COLS
 * after the HOURS_COLS hours columns; the hours' rows leave those empty.
 * The few rows are put in order here: an ORDER BY over the union would cost
 * SQLite a temporary b-tree for each part.
 */
#define HOURS_COLS 7
#define OFFICE_ROW 9
#define NO_OFFICE "0, '', '', '', '', '', '', '', '', '', '', '', 0, '', 0 "
#define OFFICE_WITH_HOURS_SQL(pick)                                                                \
	"WITH pick AS (SELECT " pick " AS id) "                                                    \
	"SELECT 9, 0, '', 0, '', '', '', " OFFICE_COLS                                             \
	"FROM pick JOIN office o ON o.id = pick.id "                                               \
	"UNION ALL SELECT 0, h.weekday, '', 0, h.opens, h.closes, h.note, " NO_OFFICE              \
	"FROM pick JOIN office_hours h ON h.office_id = pick.id "                                  \
	"UNION ALL SELECT 1, 0, x.date, x.closed, x.opens, x.closes, x.note, " NO_OFFICE           \
	"FROM pick JOIN office_exception x ON x.office_id = pick.id "                              \
	"WHERE x.date >= $3 AND x.date <= $4 "                                                     \
	"UNION ALL SELECT 2, 0, date, 0, '', '', name, " NO_OFFICE "FROM holiday "                 \
	"WHERE land = $5 AND date >= $3 AND date <= $4"

/* The office whose hours are read, its arena and the arrays' room; with the
 * office itself in the same statement, its row (kind 9) and whether it came. */
struct hours_rows {
	struct arena *a;
	struct office *o;
	size_t cap[3];
	struct office row;
	bool found;
};

static void
read_rule(struct db_stmt *st, struct hours_rows *h)
{
	struct office_rule r = {
		.weekday = (int)db_col_int64(st, 1),
		.opens = civil_parse_time(db_col_text(st, 4)),
		.closes = civil_parse_time(db_col_text(st, 5)),
	};

	if (r.opens < 0 || r.closes <= r.opens)
		return;
	r.note = db_col_dup(st, 6, h->a);
	h->o->rules = arena_grow(h->a, h->o->rules, h->o->hours.n_rules, &h->cap[0],
				 sizeof(*h->o->rules));
	h->o->rules[h->o->hours.n_rules++] = r;
}

static void
read_exception(struct db_stmt *st, struct hours_rows *h)
{
	struct office_exception x = {
		.is_closed = db_col_int64(st, 3) != 0,
		.opens = civil_parse_time(db_col_text(st, 4)),
		.closes = civil_parse_time(db_col_text(st, 5)),
	};

	memcpy(x.date, db_col_text(st, 2), CIVIL_DATE_LEN);
	x.note = db_col_dup(st, 6, h->a);
	/* An open day without valid times would open nothing: read it as closed. */
	if (!x.is_closed && (x.opens < 0 || x.closes <= x.opens))
		x.is_closed = true;
	h->o->exceptions = arena_grow(h->a, h->o->exceptions, h->o->hours.n_exceptions, &h->cap[1],
				      sizeof(*h->o->exceptions));
	h->o->exceptions[h->o->hours.n_exceptions++] = x;
}

static void
read_holiday(struct db_stmt *st, struct hours_rows *h)
{
	struct office_holiday d = {.name = db_col_dup(st, 6, h->a)};

	memcpy(d.date, db_col_text(st, 2), CIVIL_DATE_LEN);
	h->o->holidays = arena_grow(h->a, h->o->holidays, h->o->hours.n_holidays, &h->cap[2],
				    sizeof(*h->o->holidays));
	h->o->holidays[h->o->hours.n_holidays++] = d;
}

static int
read_hours_row(struct db_stmt *st, void *ctx, struct err *e)
{
	struct hours_rows *h = ctx;
	int64_t kind = db_col_int64(st, 0);
	size_t n = kind == 0   ? h->o->hours.n_rules
		   : kind == 1 ? h->o->hours.n_exceptions
			       : h->o->hours.n_holidays;

	(void)e;
	if (kind == OFFICE_ROW) {
		office_of_row(st, HOURS_COLS, h->a, &h->row);
		h->found = true;
		return 0;
	}
	if (n >= OFFICE_ROWS_MAX || (kind != 0 && db_col_len(st, 2) != CIVIL_DATE_LEN))
		return 0;
	if (kind == 0)
		read_rule(st, h);
	else if (kind == 1)
		read_exception(st, h);
	else
		read_holiday(st, h);
	return 0;
}

static int
by_day_and_time(const void *x, const void *y)
{
	const struct office_rule *a = x, *b = y;

	return a->weekday != b->weekday ? a->weekday - b->weekday : a->opens - b->opens;
}

static int
by_date_and_time(const void *x, const void *y)
{
	const struct office_exception *a = x, *b = y;
	int c = memcmp(a->date, b->date, CIVIL_DATE_LEN);

	return c ? c : a->opens - b->opens;
}

static int
by_date(const void *x, const void *y)
{
	return memcmp(((const struct office_holiday *)x)->date,
		      ((const struct office_holiday *)y)->date, CIVIL_DATE_LEN);
}

/* The dates from `today` to OFFICE_LOOKAHEAD days ahead, as the hours' statements take them. */
static void
date_range(int64_t today, char from[CIVIL_DATE_LEN + 1], char to[CIVIL_DATE_LEN + 1])
{
	struct civil_local l;

	civil_day(today, &l);
	civil_format_date(&l, from);
	civil_day(today + OFFICE_LOOKAHEAD, &l);
	civil_format_date(&l, to);
}

/* The rules, exceptions and holidays `sql` gives for $2 = `key` from `today` on, into h->o. */
static int
load_tables(struct db *db, const struct tenant *t, const char *sql, struct db_arg key,
	    int64_t today, struct hours_rows *h, struct err *e)
{
	const char *land = office_land_of_ars(t->ars);
	char from[CIVIL_DATE_LEN + 1], to[CIVIL_DATE_LEN + 1];
	struct office *o = h->o;
	int rc;

	date_range(today, from, to);
	o->rules = NULL;
	o->exceptions = NULL;
	o->holidays = NULL;
	o->hours.n_rules = o->hours.n_exceptions = o->hours.n_holidays = 0;
	rc = db_each(db, e, sql, read_hours_row, h, DB_INT(t->id), key, DB_TEXT(from), DB_TEXT(to),
		     DB_TEXT(land ? land : ""));
	if (o->hours.n_rules)
		qsort(o->rules, o->hours.n_rules, sizeof(*o->rules), by_day_and_time);
	if (o->hours.n_exceptions)
		qsort(o->exceptions, o->hours.n_exceptions, sizeof(*o->exceptions),
		      by_date_and_time);
	if (o->hours.n_holidays)
		qsort(o->holidays, o->hours.n_holidays, sizeof(*o->holidays), by_date);
	o->hours.rules = o->rules;
	o->hours.exceptions = o->exceptions;
	o->hours.holidays = o->holidays;
	return rc;
}

static const char HOURS_SQL[] =
	OFFICE_WITH_HOURS_SQL("(SELECT s.id FROM office s WHERE s.tenant_id = $1 AND s.id = $2)");

int
office_load_hours(struct db *db, const struct tenant *t, struct office *o, int64_t today,
		  struct arena *a, struct err *e)
{
	struct hours_rows h = {.a = a, .o = o};

	return load_tables(db, t, HOURS_SQL, DB_INT(o->id), today, &h, e);
}

/* The office `sql` picks by $2 = `key`, with its hours: ERR_NOTFOUND when there is none. */
static int
office_with_hours(struct db *db, const struct tenant *t, const char *sql, const char *key,
		  int64_t today, struct arena *a, struct office **out, struct err *e)
{
	struct office hours = {0}, *o;
	struct hours_rows h = {.a = a, .o = &hours};
	int rc = load_tables(db, t, sql, DB_TEXT(key), today, &h, e);

	if (rc)
		return rc;
	if (!h.found)
		return err_set(e, ERR_NOTFOUND, "error.404.text", "no office '%s' of tenant '%s'",
			       key, t->slug);
	o = arena_alloc(a, sizeof(*o));
	*o = h.row;
	o->rules = hours.rules;
	o->exceptions = hours.exceptions;
	o->holidays = hours.holidays;
	hours.hours.appointment_only = o->hours.appointment_only; /* the row's */
	o->hours = hours.hours;
	*out = o;
	return 0;
}

static const char OFFICE_FIND_SQL[] =
	OFFICE_WITH_HOURS_SQL("(SELECT s.id FROM office s WHERE s.tenant_id = $1 AND s.slug = $2)");

int
office_find(struct db *db, const struct tenant *t, const char *slug, int64_t today, struct arena *a,
	    struct office **out, struct err *e)
{
	return office_with_hours(db, t, OFFICE_FIND_SQL, slug, today, a, out, e);
}

/* The responsibility row's office (one a service, of the same tenant), else the default one. */
static const char OFFICE_FOR_SQL[] = OFFICE_WITH_HOURS_SQL(
	"COALESCE((SELECT r.office_id FROM responsibility r WHERE r.tenant_id = $1 AND r.leika = "
	"$2), "
	"(SELECT d.id FROM office d WHERE d.tenant_id = $1 AND d.is_default = 1))");

int
office_for_service(struct db *db, const struct tenant *t, const char *leika, struct arena *a,
		   struct office **out, struct err *e)
{
	struct civil_local now;

	civil_local_at((int64_t)time(NULL), &now);
	return office_with_hours(db, t, OFFICE_FOR_SQL, leika, now.days, a, out, e);
}
