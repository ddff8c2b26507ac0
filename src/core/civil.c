/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Calendar arithmetic and Europe/Berlin local time.  Days are counted with
 * H. Hinnant's civil-from-days algorithms, exact for any proleptic
 * Gregorian date.
 *
 * Caveat: the summer-time rule is the EU one in force since 1996 (Directive
 * 2000/84/EC); dates before that are computed with it as well.
 */
#include "core/civil.h"

#include "core/err.h"

#include <string.h>

#define SECS_PER_DAY 86400
#define MINUTES_PER_DAY (24 * 60)
#define CIVIL_YEAR_MIN 2000 /* what civil_parse_date() accepts */
#define CIVIL_YEAR_MAX 2199

int64_t
civil_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* 1970-01-01 was a Thursday. */
int
civil_weekday(int64_t days)
{
	return (int)(((days % 7) + 7 + 3) % 7) + 1;
}

void
civil_day(int64_t days, struct civil_local *out)
{
	int64_t z = days + 719468, era, doe, yoe, y, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int)(y + (out->month <= 2));
	out->weekday = civil_weekday(days);
	out->minute = 0;
	out->days = days;
}

/* Floor division of Unix seconds into days. */
static int64_t
day_of(int64_t secs)
{
	return secs >= 0 ? secs / SECS_PER_DAY : (secs - SECS_PER_DAY + 1) / SECS_PER_DAY;
}

/* Unix seconds of the last Sunday of `month` in `year` at 01:00 UTC. */
static int64_t
last_sunday_0100_utc(int year, int month)
{
	int64_t last = civil_days(year, month, 31);

	last -= civil_weekday(last) % 7; /* Sunday is 7: stays */
	return last * SECS_PER_DAY + 3600;
}

/*
 * CEST from the last Sunday of March 01:00 UTC until the last Sunday of
 * October 01:00 UTC (Directive 2000/84/EC, Art. 2 and 3).
 */
bool
civil_berlin_dst(int64_t utc)
{
	struct civil_local l;

	civil_day(day_of(utc), &l);
	return utc >= last_sunday_0100_utc(l.year, 3) && utc < last_sunday_0100_utc(l.year, 10);
}

void
civil_local_at(int64_t utc, struct civil_local *out)
{
	int64_t local = utc + (civil_berlin_dst(utc) ? 7200 : 3600);
	int64_t days = day_of(local);

	civil_day(days, out);
	out->minute = (int)((local - days * SECS_PER_DAY) / 60);
}

static bool
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The value of `n` decimal digits at `s` (checked by the caller). */
static int
number(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool
civil_parse_date(const char *s, int64_t *days)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (strnlen(s, CIVIL_DATE_LEN) < CIVIL_DATE_LEN || !digits(s, 4) || s[4] != '-' ||
	    !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
		return false;
	y = number(s, 4);
	m = number(s + 5, 2);
	d = number(s + 8, 2);
	if (y < CIVIL_YEAR_MIN || y > CIVIL_YEAR_MAX || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	*days = civil_days(y, m, d);
	return true;
}

bool
civil_date_valid(const char *s)
{
	int64_t days;

	return strlen(s) == CIVIL_DATE_LEN && civil_parse_date(s, &days);
}

int
civil_parse_time(const char *s)
{
	int h, m;

	if (!s || strlen(s) != 5 || s[2] != ':' || !digits(s, 2) || !digits(s + 3, 2))
		return -1;
	h = number(s, 2);
	m = number(s + 3, 2);
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

/* Write `n` decimal digits of `v` (taken modulo 10^n) at `out`. */
static void
put_digits(char *out, int v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
civil_format_time(int minute, char *out)
{
	if (minute < 0 || minute > MINUTES_PER_DAY)
		minute = 0;
	put_digits(out, minute / 60, 2);
	out[2] = ':';
	put_digits(out + 3, minute % 60, 2);
	out[5] = '\0';
}

void
civil_format_date(const struct civil_local *l, char *out)
{
	put_digits(out, l->year < 0 ? 0 : l->year, 4);
	out[4] = '-';
	put_digits(out + 5, l->month, 2);
	out[7] = '-';
	put_digits(out + 8, l->day, 2);
	out[CIVIL_DATE_LEN] = '\0';
}

int
civil_local_to_utc(const char *s, int64_t *out)
{
	int64_t days, local, utc;
	int minute;

	if (strlen(s) != CIVIL_DATETIME_LEN || s[10] != 'T' || !civil_parse_date(s, &days))
		return ERR_INVALID;
	minute = civil_parse_time(s + 11);
	if (minute < 0 || minute >= MINUTES_PER_DAY)
		return ERR_INVALID;
	local = days * SECS_PER_DAY + minute * 60;
	utc = local - 7200; /* summer time, unless that instant is in winter */
	if (!civil_berlin_dst(utc))
		utc = local - 3600;
	*out = utc;
	return 0;
}

void
civil_utc_to_local(int64_t utc, bool iso, char out[CIVIL_DATETIME_LEN + 1])
{
	struct civil_local l;
	char date[CIVIL_DATE_LEN + 1];
	int m;

	civil_local_at(utc, &l);
	civil_format_date(&l, date);
	m = l.minute >= 0 && l.minute < MINUTES_PER_DAY ? l.minute : 0;
	memcpy(out, date, CIVIL_DATE_LEN);
	out[10] = iso ? 'T' : ' ';
	civil_format_time(m, out + 11);
}

/* Länder by the first two digits of the ARS (Amtlicher Regionalschlüssel). */
static const char *const lands[] = {
	NULL, "SH", "HH", "NI", "HB", "NW", "HE", "RP", "BW",
	"BY", "SL", "BE", "BB", "MV", "SN", "ST", "TH",
};

const char *
civil_land_code(const char *key)
{
	int n;

	if (!key || !digits(key, 1) || !digits(key + 1, 1))
		return NULL;
	n = number(key, 2);
	return n >= 1 && n <= 16 ? lands[n] : NULL;
}
