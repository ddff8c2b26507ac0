/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Opening hours as pure logic: the intervals in force on a day (exceptions
 * over holidays over weekly rules), and whether an office is open now or
 * when it opens next.  No database, no clock, no TZ: callers pass the local
 * time (core/civil.h), so every boundary can be tested.
 */
#include "features/offices/office.h"

#include <string.h>

#define RULES_PER_DAY_MAX 16 /* intervals of one day considered; real offices have 1-3 */

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
office_day_intervals(const struct office_hours *h, const struct civil_local *l,
		     struct office_rule *out, size_t max, const char **note)
{
	char date[CIVIL_DATE_LEN + 1];
	const struct office_holiday *hol;
	bool closed;
	size_t n = 0;

	*note = "";
	civil_format_date(l, date);
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
office_day_is_special(const struct office_hours *h, const struct civil_local *l)
{
	char date[CIVIL_DATE_LEN + 1];
	const char *note = "";
	bool closed;

	civil_format_date(l, date);
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
office_status_at(const struct office_hours *h, const struct civil_local *now,
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
		struct civil_local day;

		civil_day(now->days + d, &day);
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
			civil_format_date(&day, out->next_date);
			return;
		}
	}
}

const char *
office_land_of_ars(const char *ars)
{
	return civil_land_code(ars);
}
