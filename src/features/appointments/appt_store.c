/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reading the booking model of a tenant: appointment types with their
 * locations, one location's schedule, the grid units that hold bookings, and
 * the free slots of a date range inside the booking window.
 */
#include "features/appointments/appt.h"

#include "core/civil.h"
#include "db/db.h"

#include <string.h>

static const char TYPES_SQL[] =
	"SELECT id, slug, name, leika, minutes, buffer_minutes, persons_max FROM appt_type "
	"WHERE tenant_id = $1 ORDER BY position, name";

static const char TYPE_LOCATIONS_SQL[] =
	"SELECT tl.type_id, o.slug FROM appt_type_location tl "
	"JOIN appt_type t ON t.id = tl.type_id JOIN office o ON o.id = tl.office_id "
	"WHERE t.tenant_id = $1 AND o.tenant_id = $1 ORDER BY o.name";

static void
read_type(struct db_stmt *st, struct arena *a, void *row)
{
	struct appt_type *t = row;

	t->id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &t->slug, &t->name, &t->leika);
	t->minutes = (int)db_col_int64(st, 4);
	t->buffer_minutes = (int)db_col_int64(st, 5);
	t->persons_max = (int)db_col_int64(st, 6);
}

struct type_list {
	struct appt_type *v;
	size_t n;
	struct arena *a;
};

static int
add_location(struct db_stmt *st, void *ctx, struct err *e)
{
	struct type_list *l = ctx;
	int64_t id = db_col_int64(st, 0);

	(void)e;
	for (size_t i = 0; i < l->n; i++) {
		struct appt_type *t = &l->v[i];
		const char **grown;

		if (t->id != id)
			continue;
		grown = arena_alloc(l->a, (t->n_locations + 1) * sizeof(*grown));
		if (t->n_locations)
			memcpy(grown, t->locations, t->n_locations * sizeof(*grown));
		grown[t->n_locations++] = db_col_dup(st, 1, l->a);
		t->locations = grown;
	}
	return 0;
}

int
appt_types_list(struct db *db, const struct tenant *t, struct arena *a, struct appt_type **out,
		size_t *n, struct err *e)
{
	struct type_list l = {.a = a};
	int rc = db_list_of(db, e, TYPES_SQL, a, read_type, out, n, DB_INT(t->id));

	if (rc)
		return rc;
	l.v = *out;
	l.n = *n;
	return db_each(db, e, TYPE_LOCATIONS_SQL, add_location, &l, DB_INT(t->id));
}

static const char FIND_SQL[] =
	"SELECT t.id, t.slug, t.name, t.leika, t.minutes, t.buffer_minutes, t.persons_max, "
	"o.id, o.slug, o.name, l.slot_minutes, l.lead_days FROM appt_type t "
	"JOIN appt_type_location tl ON tl.type_id = t.id "
	"JOIN appt_location l ON l.office_id = tl.office_id JOIN office o ON o.id = l.office_id "
	"WHERE t.tenant_id = $1 AND o.tenant_id = $1 AND l.tenant_id = $1 AND t.slug = $2 "
	"AND o.slug = $3";

static const char HOURS_SQL[] =
	"SELECT weekday, opens, closes, counters FROM appt_hours WHERE office_id = $1";

static const char EXCEPTIONS_SQL[] = "SELECT date, opens, closes, counters FROM appt_exception "
				     "WHERE office_id = $1 ORDER BY date";

/* What appt_find() reads: the type and its location. */
struct found {
	struct appt_type type;
	struct appt_location loc;
};

static void
read_found(struct db_stmt *st, struct arena *a, void *row)
{
	struct found *f = row;

	read_type(st, a, &f->type);
	f->loc.office_id = db_col_int64(st, 7);
	db_cols_dup(st, 8, a, &f->loc.slug, &f->loc.name);
	f->loc.schedule.slot_minutes = (int)db_col_int64(st, 10);
	f->loc.lead_days = (int)db_col_int64(st, 11);
}

static void
read_window(struct db_stmt *st, struct arena *a, void *row)
{
	struct appt_window *w = row;
	int64_t days = 0;

	(void)a;
	if (db_col_len(st, 0) == CIVIL_DATE_LEN && civil_parse_date(db_col_text(st, 0), &days))
		w->days = days;
	else
		w->weekday = (int)db_col_int64(st, 0);
	w->opens = civil_parse_time(db_col_text(st, 1));
	w->closes = civil_parse_time(db_col_text(st, 2));
	w->counters = (int)db_col_int64(st, 3);
}

/* The schedule of `loc`: weekly rows, dated rows ahead, the tenant's Land. */
static int
load_schedule(struct db *db, const struct tenant *t, struct appt_location *loc, struct arena *a,
	      struct err *e)
{
	struct appt_schedule *s = &loc->schedule;
	int rc = db_list_of(db, e, HOURS_SQL, a, read_window, &s->weekly, &s->n_weekly,
			    DB_INT(loc->office_id));

	if (rc)
		return rc;
	rc = db_list_of(db, e, EXCEPTIONS_SQL, a, read_window, &s->exceptions, &s->n_exceptions,
			DB_INT(loc->office_id));
	if (t->ars && civil_land_code(t->ars))
		s->land = arena_strndup(a, t->ars, 2);
	return rc;
}

int
appt_find(struct db *db, const struct tenant *t, const char *type_slug, const char *office_slug,
	  struct arena *a, struct appt_type **type, struct appt_location **loc, struct err *e)
{
	struct found *f = arena_calloc(a, 1, sizeof(*f));
	int rc = db_get(db, e, FIND_SQL, a, read_found, f, DB_INT(t->id), DB_TEXT(type_slug),
			DB_TEXT(office_slug));

	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "appt.err.unknown",
			       "no type '%s' at location '%s' of tenant '%s'", type_slug,
			       office_slug, t->slug);
	if (rc)
		return rc;
	rc = load_schedule(db, t, &f->loc, a, e);
	*type = &f->type;
	*loc = &f->loc;
	return rc;
}

#define LOCATION_COLS                                                                              \
	"SELECT o.id, o.slug, o.name, l.slot_minutes, l.lead_days FROM appt_location l "           \
	"JOIN office o ON o.id = l.office_id WHERE l.tenant_id = $1 AND o.tenant_id = $1 "

static const char LOCATION_SQL[] = LOCATION_COLS "AND o.slug = $2";
static const char LOCATIONS_SQL[] = LOCATION_COLS "ORDER BY o.name";

static void
read_location(struct db_stmt *st, struct arena *a, void *row)
{
	struct appt_location *l = row;

	l->office_id = db_col_int64(st, 0);
	db_cols_dup(st, 1, a, &l->slug, &l->name);
	l->schedule.slot_minutes = (int)db_col_int64(st, 3);
	l->lead_days = (int)db_col_int64(st, 4);
}

int
appt_location_find(struct db *db, const struct tenant *t, const char *office_slug, struct arena *a,
		   struct appt_location **out, struct err *e)
{
	struct appt_location *l = arena_calloc(a, 1, sizeof(*l));
	int rc = db_get(db, e, LOCATION_SQL, a, read_location, l, DB_INT(t->id),
			DB_TEXT(office_slug));

	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "appt.staff.err.location",
			       "no location '%s' of tenant '%s'", office_slug, t->slug);
	if (rc == 0)
		rc = load_schedule(db, t, l, a, e);
	*out = l;
	return rc;
}

int
appt_locations_list(struct db *db, const struct tenant *t, struct arena *a,
		    struct appt_location **out, size_t *n, struct err *e)
{
	return db_list_of(db, e, LOCATIONS_SQL, a, read_location, out, n, DB_INT(t->id));
}

static const char UNITS_SQL[] = "SELECT starts_at, capacity, booked FROM appt_unit "
				"WHERE office_id = $1 AND starts_at >= $2 AND starts_at < $3 "
				"ORDER BY starts_at";

static void
read_unit(struct db_stmt *st, struct arena *a, void *row)
{
	struct appt_unit *u = row;

	(void)a;
	u->starts_at = db_col_int64(st, 0);
	u->capacity = (int)db_col_int64(st, 1);
	u->booked = (int)db_col_int64(st, 2);
}

int
appt_units_load(struct db *db, int64_t office_id, int64_t from, int64_t to, struct arena *a,
		struct appt_unit **out, size_t *n, struct err *e)
{
	return db_list_of(db, e, UNITS_SQL, a, read_unit, out, n, DB_INT(office_id), DB_INT(from),
			  DB_INT(to));
}

int
appt_slots_range(struct db *db, const struct tenant *t, const struct appt_type *type,
		 const struct appt_location *loc, int64_t first, int64_t last, int64_t now,
		 struct arena *a, struct appt_slot **out, size_t *n, struct err *e)
{
	struct civil_local today;
	struct appt_unit *units;
	size_t n_units, per_day = (size_t)(1440 / loc->schedule.slot_minutes);
	int need = appt_units_needed(loc->schedule.slot_minutes, type->minutes, 1,
				     type->buffer_minutes);
	int rc;

	*out = NULL;
	*n = 0;
	civil_local_at(now, &today);
	if (first < today.days + loc->lead_days)
		first = today.days + loc->lead_days;
	if (last > today.days + tenant_setting_int(t, TSET_APPT_WINDOW_DAYS))
		last = today.days + tenant_setting_int(t, TSET_APPT_WINDOW_DAYS);
	if (first > last)
		return 0;
	/* Local midnight is never more than two hours from UTC midnight. */
	rc = appt_units_load(db, loc->office_id, first * 86400 - 7200, (last + 1) * 86400, a,
			     &units, &n_units, e);
	if (rc)
		return rc;
	*out = arena_calloc(a, (size_t)(last - first + 1) * per_day, sizeof(**out));
	for (int64_t d = first; d <= last; d++)
		*n += appt_day_slots(&loc->schedule, d, need, type->minutes, units, n_units, false,
				     *out + *n, per_day);
	while (*n && (*out)[0].starts_at <= now) {
		(*out)++;
		(*n)--;
	}
	return 0;
}
