/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Opening hours as pure logic: local time in Europe/Berlin from UTC, the
 * intervals in force on a day (exceptions over holidays over weekly rules),
 * and whether an office is open now or when it opens next.  No database, no
 * clock, no TZ: callers pass the time, so every boundary can be tested.
 *
 * Caveat: the summer-time rule is the EU one in force since 1996 (Directive
 * 2000/84/EC); dates before that are computed with it as well.
 */
#include "features/offices/office.h"

#include <string.h>

#define SECS_PER_DAY 86400
#define RULES_PER_DAY_MAX 16 /* intervals of one day considered; real offices have 1-3 */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
office_parse_date(const char *s, int64_t *days)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2))
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

/* 1 = Monday .. 7 = Sunday; 1970-01-01 was a Thursday. */
static int
weekday_of(int64_t days)
{
	return (int)(((days % 7) + 7 + 3) % 7) + 1;
}

void
office_local_day(int64_t days, struct office_local *out)
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
	out->weekday = weekday_of(days);
	out->minute = 0;
	out->days = days;
}

/* Unix seconds of the last Sunday of `month` in `year` at 01:00 UTC. */
static int64_t
last_sunday_0100_utc(int year, int month)
{
	int64_t last = days_from_civil(year, month, 31);

	last -= weekday_of(last) % 7; /* Sunday is 7: stays */
	return last * SECS_PER_DAY + 3600;
}

/*
 * CEST from the last Sunday of March 01:00 UTC until the last Sunday of
 * October 01:00 UTC (Directive 2000/84/EC, Art. 2 and 3).
 */
bool
office_berlin_dst(int64_t utc)
{
	int64_t days = utc >= 0 ? utc / SECS_PER_DAY : (utc - SECS_PER_DAY + 1) / SECS_PER_DAY;
	struct office_local l;

	office_local_day(days, &l);
	return utc >= last_sunday_0100_utc(l.year, 3) && utc < last_sunday_0100_utc(l.year, 10);
}

void
office_local_at(int64_t utc, struct office_local *out)
{
	int64_t local = utc + (office_berlin_dst(utc) ? 7200 : 3600);
	int64_t days =
		local >= 0 ? local / SECS_PER_DAY : (local - SECS_PER_DAY + 1) / SECS_PER_DAY;

	office_local_day(days, out);
	out->minute = (int)((local - days * SECS_PER_DAY) / 60);
}

int
office_parse_time(const char *s)
{
	int h, m;

	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
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
office_format_time(int minute, char *out)
{
	if (minute < 0 || minute > 24 * 60)
		minute = 0;
	put_digits(out, minute / 60, 2);
	out[2] = ':';
	put_digits(out + 3, minute % 60, 2);
	out[5] = '\0';
}

void
office_format_date(const struct office_local *l, char *out)
{
	put_digits(out, l->year < 0 ? 0 : l->year, 4);
	out[4] = '-';
	put_digits(out + 5, l->month, 2);
	out[7] = '-';
	put_digits(out + 8, l->day, 2);
	out[OFFICE_DATE_LEN] = '\0';
}

static void
sort_intervals(struct office_rule *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct office_rule x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1].opens > x.opens; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The exception rows of `date`: their count, and whether one closes the day. */
static size_t
exceptions_on(const struct office_hours *h, const char *date, bool *closed, const char **note)
{
	size_t n = 0;

	*closed = false;
	for (size_t i = 0; i < h->n_exceptions; i++) {
		if (strcmp(h->exceptions[i].date, date) != 0)
			continue;
		n++;
		*closed |= h->exceptions[i].is_closed;
		if (h->exceptions[i].note[0])
			*note = h->exceptions[i].note;
	}
	return n;
}

static const struct office_holiday *
holiday_on(const struct office_hours *h, const char *date)
{
	for (size_t i = 0; i < h->n_holidays; i++)
		if (strcmp(h->holidays[i].date, date) == 0)
			return &h->holidays[i];
	return NULL;
}

size_t
office_day_intervals(const struct office_hours *h, const struct office_local *l,
		     struct office_rule *out, size_t max, const char **note)
{
	char date[OFFICE_DATE_LEN + 1];
	const struct office_holiday *hol;
	bool closed;
	size_t n = 0;

	*note = "";
	office_format_date(l, date);
	if (exceptions_on(h, date, &closed, note)) {
		if (closed)
			return 0;
		for (size_t i = 0; i < h->n_exceptions; i++) {
			const struct office_exception *x = &h->exceptions[i];

			if (strcmp(x->date, date) != 0)
				continue;
			if (n < max)
				out[n] = (struct office_rule){l->weekday, x->opens, x->closes,
							      x->note};
			n++;
		}
	} else if ((hol = holiday_on(h, date))) {
		*note = hol->name;
		return 0;
	} else {
		for (size_t i = 0; i < h->n_rules; i++) {
			if (h->rules[i].weekday != l->weekday)
				continue;
			if (n < max)
				out[n] = h->rules[i];
			n++;
		}
	}
	sort_intervals(out, n < max ? n : max);
	return n;
}

bool
office_day_is_special(const struct office_hours *h, const struct office_local *l)
{
	char date[OFFICE_DATE_LEN + 1];
	const char *note = "";
	bool closed;

	office_format_date(l, date);
	return exceptions_on(h, date, &closed, &note) > 0 || holiday_on(h, date) != NULL;
}

/*
 * The closing minute of the run of intervals that contains `minute`, with
 * touching or overlapping intervals merged; -1 when none contains it.
 */
static int
open_until(const struct office_rule *v, size_t n, int minute)
{
	int end = -1;

	for (size_t i = 0; i < n; i++) {
		if (end >= 0 && v[i].opens <= end) {
			if (v[i].closes > end)
				end = v[i].closes;
		} else if (end >= 0) {
			break;
		} else if (v[i].opens <= minute && minute < v[i].closes) {
			end = v[i].closes;
		}
	}
	return end;
}

void
office_status_at(const struct office_hours *h, const struct office_local *now,
		 struct office_status *out)
{
	struct office_rule v[RULES_PER_DAY_MAX];
	const char *note;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->appointment_only = h->appointment_only;
	out->closes = -1;
	n = office_day_intervals(h, now, v, RULES_PER_DAY_MAX, &note);
	if (n > RULES_PER_DAY_MAX)
		n = RULES_PER_DAY_MAX;
	if (!h->appointment_only) {
		out->closes = open_until(v, n, now->minute);
		out->is_open = out->closes >= 0;
		if (out->is_open)
			return;
	}
	for (int d = 0; d <= OFFICE_LOOKAHEAD; d++) {
		struct office_local day;

		office_local_day(now->days + d, &day);
		n = office_day_intervals(h, &day, v, RULES_PER_DAY_MAX, &note);
		if (n > RULES_PER_DAY_MAX)
			n = RULES_PER_DAY_MAX;
		for (size_t i = 0; i < n; i++) {
			if (d == 0 && v[i].opens <= now->minute)
				continue;
			out->has_next = true;
			out->next_days = d;
			out->next_weekday = day.weekday;
			out->next_minute = v[i].opens;
			office_format_date(&day, out->next_date);
			return;
		}
	}
}

/* Länder by the first two digits of the ARS (Amtlicher Regionalschlüssel). */
static const char *const lands[] = {
	NULL, "SH", "HH", "NI", "HB", "NW", "HE", "RP", "BW",
	"BY", "SL", "BE", "BB", "MV", "SN", "ST", "TH",
};

const char *
office_land_of_ars(const char *ars)
{
	int n;

	if (!ars || ars[0] < '0' || ars[0] > '9' || ars[1] < '0' || ars[1] > '9')
		return NULL;
	n = (ars[0] - '0') * 10 + (ars[1] - '0');
	return n >= 1 && n <= 16 ? lands[n] : NULL;
}
