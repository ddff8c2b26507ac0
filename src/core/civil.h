/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * civil: calendar dates and local time in Europe/Berlin, and the public
 * holidays of the German Länder, all computed by rule.
 *
 * Dates are proleptic Gregorian, counted as days since 1970-01-01; times of
 * day are minutes since local midnight.  Local time follows the EU rule for
 * summer time, never the process's TZ, so results do not depend on the
 * host.  civil is a low-level primitive: it reads no clock (callers pass the
 * instant), allocates nothing and knows nothing of storage or HTTP.
 */
#ifndef RATHAUS_CIVIL_H
#define RATHAUS_CIVIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CIVIL_DATE_LEN 10     /* "YYYY-MM-DD" */
#define CIVIL_DATETIME_LEN 16 /* "YYYY-MM-DDTHH:MM" */

/* A local date and time in Europe/Berlin. */
struct civil_local {
	int year, month, day;
	int weekday;  /* 1 = Monday .. 7 = Sunday (ISO 8601) */
	int minute;   /* since local midnight */
	int64_t days; /* days since 1970-01-01, for arithmetic */
};

/* Days since 1970-01-01 of the date y-m-d (m 1..12, d 1..31; not checked). */
int64_t civil_days(int64_t y, int m, int d);

/* The weekday of day `days`: 1 = Monday .. 7 = Sunday. */
int civil_weekday(int64_t days);

/* The local date `days` days after 1970-01-01 at midnight. */
void civil_day(int64_t days, struct civil_local *out);

/* Whether Central European Summer Time is in force at `utc` (Unix seconds). */
bool civil_berlin_dst(int64_t utc);

/* The local time in Europe/Berlin at `utc` (Unix seconds). */
void civil_local_at(int64_t utc, struct civil_local *out);

/*
 * A real date "YYYY-MM-DD" (years 2000..2199) at the start of `s` into days
 * since 1970-01-01; false when malformed or not in the calendar.  Text after
 * the date is not looked at: civil_date_valid() wants the date alone.
 */
bool civil_parse_date(const char *s, int64_t *days);

/* Whether `s` is exactly a real date "YYYY-MM-DD" (years 2000..2199). */
bool civil_date_valid(const char *s);

/* "HH:MM" (00:00..24:00) as minutes; -1 when malformed. */
int civil_parse_time(const char *s);

/* Minutes 0..1440 as "HH:MM" into `out` (6 bytes); others print as 00:00. */
void civil_format_time(int minute, char *out);

/* "YYYY-MM-DD" of `l` into `out` (CIVIL_DATE_LEN + 1 bytes). */
void civil_format_date(const struct civil_local *l, char *out);

/*
 * A local time in Europe/Berlin "YYYY-MM-DDTHH:MM" as Unix seconds.  A time
 * in the hour skipped in spring is read as winter time (02:30 is 03:30
 * summer time); one in the hour repeated in autumn, as its first (summer
 * time) occurrence.  Returns 0 or ERR_INVALID.
 */
int civil_local_to_utc(const char *s, int64_t *out);

/*
 * The local time at `utc` as "YYYY-MM-DDTHH:MM" (iso) or "YYYY-MM-DD HH:MM"
 * into `out` (CIVIL_DATETIME_LEN + 1 bytes).
 */
void civil_utc_to_local(int64_t utc, bool iso, char out[CIVIL_DATETIME_LEN + 1]);

/*
 * The two-letter code ("NI") of the Land whose key ("01".."16", the first
 * two digits of an ARS) starts `key`, or NULL when there is none.
 */
const char *civil_land_code(const char *key);

/* The day of Easter Sunday of `year` (Gregorian; Gauss's rule as Meeus gives it). */
int64_t civil_easter(int year);

/* A public holiday: its day and German name (static storage). */
struct civil_holiday {
	int64_t days;
	const char *name;
};

/* More than any Land has in one year (Bavaria: 13). */
#define CIVIL_HOLIDAYS_MAX 20

/*
 * The statutory public holidays of the Land `key` ("01".."16", as in
 * civil_land_code()) in `year`, by date, into `out` (CIVIL_HOLIDAYS_MAX
 * entries).  Returns how many; 0 for an unknown key.  Holidays of parts of
 * a Land only (Augsburg's Friedensfest, Fronleichnam in parts of Saxony and
 * Thuringia) are not included; Sundays that are formal holidays are.
 */
size_t civil_holidays(const char *key, int year, struct civil_holiday *out);

/* The name of the public holiday of Land `key` on day `days`, or NULL. */
const char *civil_holiday_on(const char *key, int64_t days);

#endif
