/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Bookable slots of one day: the counters open in each grid unit from the
 * weekly schedule, dated exceptions, blocked times and the Land's public
 * holidays, and the starts where a booking's units are all open and free.
 * Pure: no clock, no storage.  Local times are Europe/Berlin by rule
 * (core/civil.h); a start in the hour skipped in spring does not exist, and
 * a booking whose units would straddle a clock change is not offered, so
 * every booking's units are evenly spaced in Unix time.
 */
#include "features/appointments/appt.h"

#include "core/civil.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static void
fill(int *cap, int g, const struct appt_window *w)
{
	for (int u = 0; u < 1440 / g; u++)
		if (u * g >= w->opens && (u + 1) * g <= w->closes)
			cap[u] += w->counters;
}

static void
block(int *cap, int g, const struct appt_window *w)
{
	for (int u = 0; u < 1440 / g; u++)
		if (u * g < w->closes && (u + 1) * g > w->opens)
			cap[u] = 0;
}

void
appt_day_capacity(const struct appt_schedule *s, int64_t days, int *cap)
{
	int g = s->slot_minutes;
	bool replaced = false;
	int wd = civil_weekday(days);

	assert(g >= 5 && 1440 % g == 0);
	memset(cap, 0, sizeof(*cap) * (size_t)(1440 / g));
	for (size_t i = 0; i < s->n_exceptions; i++)
		if (s->exceptions[i].days == days && s->exceptions[i].counters > 0) {
			fill(cap, g, &s->exceptions[i]);
			replaced = true;
		}
	if (!replaced && !(s->land && civil_holiday_on(s->land, days)))
		for (size_t i = 0; i < s->n_weekly; i++)
			if (s->weekly[i].weekday == wd)
				fill(cap, g, &s->weekly[i]);
	for (size_t i = 0; i < s->n_exceptions; i++)
		if (s->exceptions[i].days == days && s->exceptions[i].counters == 0)
			block(cap, g, &s->exceptions[i]);
}

int
appt_units_needed(int slot_minutes, int minutes, int persons, int buffer)
{
	int total = minutes * persons + buffer;

	assert(slot_minutes > 0 && total > 0);
	return (total + slot_minutes - 1) / slot_minutes;
}

/* Unix seconds of local `date` at `minute`, or -1 when that local time does not exist. */
static int64_t
local_utc(const char *date, int minute)
{
	char in[CIVIL_DATETIME_LEN + 1], back[CIVIL_DATETIME_LEN + 1];
	int64_t utc;

	assert(minute >= 0 && minute < 1440);
	snprintf(in, sizeof(in), "%.10sT%02u:%02u", date, (unsigned)minute / 60 % 24,
		 (unsigned)minute % 60);
	if (civil_local_to_utc(in, &utc))
		return -1;
	civil_utc_to_local(utc, true, back);
	return strcmp(in, back) == 0 ? utc : -1;
}

static const struct appt_unit *
unit_find(const struct appt_unit *v, size_t n, int64_t at)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].starts_at == at)
			return &v[mid];
		if (v[mid].starts_at < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * The Unix seconds of every grid unit's start on local `date` (`days`), -1
 * where that local time does not exist.  On the 363 days without a clock
 * change the units are evenly spaced from local midnight; only the two days
 * with one are converted unit by unit.
 */
static void
unit_instants(const char *date, int g, int n_units, int64_t *at)
{
	int64_t first = local_utc(date, 0), last = local_utc(date, (n_units - 1) * g);

	if (first >= 0 && last == first + (int64_t)(n_units - 1) * g * 60) {
		for (int u = 0; u < n_units; u++)
			at[u] = first + (int64_t)u * g * 60;
		return;
	}
	for (int u = 0; u < n_units; u++)
		at[u] = local_utc(date, u * g);
}

/* Free places of the `units` units from unit `u`, or -1 when one is closed or not evenly spaced. */
static int
free_at(const int *cap, int g, const int64_t *at, int u, int units, const struct appt_unit *booked,
	size_t n_booked)
{
	int free = 1 << 30;

	if (at[u] < 0)
		return -1;
	for (int i = 0; i < units; i++) {
		const struct appt_unit *b;
		int f;

		if (cap[u + i] <= 0 || at[u + i] != at[u] + (int64_t)i * g * 60)
			return -1;
		b = unit_find(booked, n_booked, at[u + i]);
		f = b ? b->capacity - b->booked : cap[u + i];
		if (f < free)
			free = f;
	}
	return free < 0 ? 0 : free;
}

size_t
appt_day_slots(const struct appt_schedule *s, int64_t days, int units, int minutes,
	       const struct appt_unit *booked, size_t n_booked, bool with_full,
	       struct appt_slot *out, size_t max)
{
	int cap[APPT_DAY_UNITS_MAX];
	int64_t at[APPT_DAY_UNITS_MAX];
	int g = s->slot_minutes, n_units = 1440 / g;
	struct civil_local l;
	char date[CIVIL_DATE_LEN + 1];
	size_t k = 0;

	assert(units > 0);
	appt_day_capacity(s, days, cap);
	civil_day(days, &l);
	civil_format_date(&l, date);
	unit_instants(date, g, n_units, at);
	for (int u = 0; u + units <= n_units && k < max; u++) {
		int f = free_at(cap, g, at, u, units, booked, n_booked);

		if (f < 0 || (f == 0 && !with_full))
			continue;
		out[k++] = (struct appt_slot){at[u], at[u] + (int64_t)minutes * 60, f};
	}
	return k;
}

void
appt_format_iso(int64_t utc, char *out)
{
	char local[CIVIL_DATETIME_LEN + 1];

	civil_utc_to_local(utc, true, local);
	snprintf(out, APPT_ISO_LEN + 1, "%s:00%s", local,
		 civil_berlin_dst(utc) ? "+02:00" : "+01:00");
}

/* Two digits at `s` as a number no greater than `max`, or -1. */
static int
two(const char *s, int max)
{
	int v;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	v = (s[0] - '0') * 10 + (s[1] - '0');
	return v <= max ? v : -1;
}

int
appt_parse_iso(const char *s, int64_t *out)
{
	int64_t days;
	int h, m, sec = 0, oh = 0, om = 0, sign = 1;
	const char *p;

	if (strlen(s) < 17 || s[10] != 'T' || s[13] != ':' || !civil_parse_date(s, &days))
		return ERR_INVALID;
	h = two(s + 11, 23);
	m = two(s + 14, 59);
	p = s + 16;
	if (*p == ':') {
		sec = two(p + 1, 59);
		p += 3;
	}
	if (h < 0 || m < 0 || sec < 0)
		return ERR_INVALID;
	if (*p == 'Z' && p[1] == '\0') {
		*out = days * 86400 + h * 3600 + m * 60 + sec;
		return 0;
	}
	if ((*p != '+' && *p != '-') || strlen(p) != 6 || p[3] != ':')
		return ERR_INVALID;
	sign = *p == '-' ? -1 : 1;
	oh = two(p + 1, 14);
	om = two(p + 4, 59);
	if (oh < 0 || om < 0)
		return ERR_INVALID;
	*out = days * 86400 + h * 3600 + m * 60 + sec - sign * (oh * 3600 + om * 60);
	return 0;
}
