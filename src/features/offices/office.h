/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * office: the places where a tenant serves people (Bürgerbüro, Standesamt,
 * Zulassungsstelle) with their addresses, contacts and opening hours, and
 * which office is responsible for which service.
 *
 * The opening-hours logic (office_hours.c) is pure: it takes weekly rules,
 * exceptions, public holidays and a local time and touches no database, so
 * it is tested on its own.  Times of day are minutes since local midnight;
 * dates and local time in Europe/Berlin come from core/civil.h.
 *
 * Storage functions take `const struct tenant *` and read only that
 * tenant's offices.  Public holidays are per Land (the first two ARS digits)
 * and shared by all tenants; they are read from the imported holiday table,
 * so an operator's list wins over civil_holidays()' rule.  office knows nothing of templates; the
 * page side (office_view(), offices_register()) is declared at the end.
 */
#ifndef RATHAUS_OFFICE_H
#define RATHAUS_OFFICE_H

#include "app/feature.h"
#include "core/arena.h"
#include "core/civil.h"
#include "core/err.h"
#include "tenant/tenant.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* ---- Opening hours (office_hours.c, no database) ------------------------ */

/* One opening interval of a weekday; several per day are allowed. */
struct office_rule {
	int weekday;	   /* 1 = Monday .. 7 = Sunday (ISO 8601) */
	int opens, closes; /* minutes since midnight, opens < closes */
	const char *note;  /* "" if none */
};

/*
 * A date that differs from the weekly rules: closed all day, or open only
 * in the intervals of its rows (all rows of one date replace that day's
 * rules; one closed row closes the day).
 */
struct office_exception {
	char date[CIVIL_DATE_LEN + 1];
	bool is_closed;
	int opens, closes; /* when open */
	const char *note;  /* "" if none */
};

/* A public holiday of the office's Land: closed unless an exception opens it. */
struct office_holiday {
	char date[CIVIL_DATE_LEN + 1];
	const char *name;
};

struct office_hours {
	const struct office_rule *rules;
	size_t n_rules;
	const struct office_exception *exceptions;
	size_t n_exceptions;
	const struct office_holiday *holidays;
	size_t n_holidays;
	bool appointment_only; /* no walk-in: the hours are appointment times */
};

/* What an office's door says at one moment. */
struct office_status {
	bool is_open;	       /* open now (never for appointment_only offices) */
	bool appointment_only; /* copied from the hours */
	int closes;	       /* when open: minute of closing, intervals merged */
	bool has_next;	       /* when closed: an opening within OFFICE_LOOKAHEAD days */
	int next_days;	       /* days from today to the next opening, 0 = today */
	int next_weekday;      /* 1..7 */
	int next_minute;
	char next_date[CIVIL_DATE_LEN + 1];
};

/* How far ahead the next opening is searched: a closed month says "unknown". */
#define OFFICE_LOOKAHEAD 31

/*
 * The intervals in force on the day `l` (its weekday and date): the
 * exception rows of that date, else none when it is a holiday, else the
 * weekly rules; sorted by opening time.  Writes at most `max` to `out`
 * and returns how many there are.  *note gets the exception note or the
 * holiday's name ("" if none; borrowed from `h`).
 */
size_t office_day_intervals(const struct office_hours *h, const struct civil_local *l,
			    struct office_rule *out, size_t max, const char **note);

/* Whether `l`'s date is changed by an exception or a holiday (closed days too). */
bool office_day_is_special(const struct office_hours *h, const struct civil_local *l);

/* The status at local time `now`. */
void office_status_at(const struct office_hours *h, const struct civil_local *now,
		      struct office_status *out);

/* The two-letter Land code ("NI") of an ARS, or NULL when the prefix is unknown. */
const char *office_land_of_ars(const char *ars);

/* ---- Offices (office_store.c, office_save.c) --------------------------- */

struct office {
	int64_t id;
	const char *slug, *name;
	const char *street, *postal_code, *city;
	const char *phone, *email, *web;
	const char *lat, *lon; /* decimal degrees as text, "" if unknown */
	const char *accessibility;
	const char *appointment_url; /* "" if none */
	bool is_default;	     /* responsible when no responsibility row names another */
	struct office_hours hours;   /* exceptions and holidays: today + OFFICE_LOOKAHEAD */
	struct office_rule *rules;   /* the same arrays, writable */
	struct office_exception *exceptions;
	struct office_holiday *holidays;
};

/*
 * The offices of tenant `t` by name, without hours.  *out is an array of
 * *n offices in arena `a`.  Returns 0 or ERR_DB.
 */
int office_list(struct db *db, const struct tenant *t, struct arena *a, struct office **out,
		size_t *n, struct err *e);

/*
 * Load the weekly hours of office `o` (of tenant `t`, from office_list) and
 * its exceptions and holidays from local day `today` for the lookahead.
 * Returns 0 or ERR_DB.
 */
int office_load_hours(struct db *db, const struct tenant *t, struct office *o, int64_t today,
		      struct arena *a, struct err *e);

/*
 * The office `slug` of tenant `t` with its weekly hours and the exceptions
 * and holidays from local day `today` (days since 1970-01-01) on.  *out lives
 * in arena `a`.  Returns 0, ERR_NOTFOUND or ERR_DB.
 */
int office_find(struct db *db, const struct tenant *t, const char *slug, int64_t today,
		struct arena *a, struct office **out, struct err *e);

/*
 * The office of tenant `t` responsible for service `leika`: the one its
 * responsibility row names, else its default office, with hours as
 * office_find() loads them for the current day.  Returns 0, ERR_NOTFOUND
 * (neither exists) or ERR_DB.
 */
int office_for_service(struct db *db, const struct tenant *t, const char *leika, struct arena *a,
		       struct office **out, struct err *e);

/*
 * Insert or update the office with o->slug of tenant `t` and replace its
 * weekly rules with o->hours.rules; sets o->id.  A default office takes the
 * flag from any other office of the tenant.  Returns 0, ERR_INVALID (bad
 * slug or times) or ERR_DB.  *changed tells whether anything differed.
 */
int office_save(struct db *db, const struct tenant *t, struct office *o, bool *changed,
		struct err *e) MUST_CHECK;

/*
 * Make office `office_id` of tenant `t` responsible for every service the
 * tenant offers whose LeiKa key starts with one of the `n` prefixes, unless
 * a responsibility is recorded already.  *added counts new rows.
 */
int office_claim_services(struct db *db, const struct tenant *t, int64_t office_id,
			  const char *const *prefixes, size_t n, int *added,
			  struct err *e) MUST_CHECK;

/*
 * Import public holidays from a CSV file in the format of
 * data/feiertage/feiertage_de_laender.csv (columns datum, land, teilgebiet,
 * name); rows for a part of a Land only are skipped.  Idempotent: *added
 * counts new or renamed days, *total the rows read.  All or nothing.
 */
int office_import_holidays(struct db *db, const char *path, int *added, int *total,
			   struct err *e) MUST_CHECK;

/* ---- Pages (office_routes.c) ------------------------------------------ */

struct app;
struct rq;
struct view_val;

/* The offices as documents for the citizen search (office_search.c). */
struct search_source;
extern const struct search_source office_search_source;

/* The tenant's offices as an editorial kind (office_edit.c). */
struct ed_kind;
extern const struct ed_kind office_edit_kind;

/* /stellen, /stellen/:slug and /api/v1/offices. */
extern const struct feature offices_feature;

/*
 * The template map of office `o` for request `q`: name, url, address lines,
 * phone, tel (URI digits), email, web, appointment_url, appointment_only,
 * open_now, status, hours (a list of {day, times}).  Lives in the request arena.
 */
struct view_val *office_view(struct rq *q, const struct office *o);

/* /api/v1/offices and /api/v1/offices/{slug}; called by offices_register(). */
void office_api_register(struct app *app);

#endif
