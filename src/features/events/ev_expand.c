/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * When an event takes place: its start, end and rule checked, and expanded
 * into occurrences with libical's iterator in floating local time, each
 * placed in Europe/Berlin by core/civil afterwards.  An occurrence keeps
 * the local length of the first one (days and end time), so an evening
 * concert ends at 22:00 also on the night the clocks change.
 */
#include "features/events/ev_int.h"

#include "core/civil.h"

#include <libical/ical.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* "YYYY-MM-DDTHH:MM" into a local day and minute. */
static bool
parse_local(const char *s, int64_t *day, int *minute)
{
	char t[6];

	if (!s || strlen(s) != CIVIL_DATETIME_LEN || s[10] != 'T')
		return false;
	if (!civil_parse_date(s, day))
		return false;
	memcpy(t, s + 11, 5);
	t[5] = '\0';
	*minute = civil_parse_time(t);
	return *minute >= 0 && *minute < 24 * 60 && t[2] == ':';
}

/* The instant of local day `day` at `minute` in Europe/Berlin. */
static int64_t
local_utc(int64_t day, int minute)
{
	struct civil_local l;
	char s[32];
	int64_t t = 0;

	civil_day(day, &l);
	snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d", l.year % 10000, l.month % 100,
		 l.day % 100, minute / 60 % 100, minute % 60);
	if (civil_local_to_utc(s, &t))
		t = day * 86400 + minute * 60; /* not reached for checked dates */
	return t;
}

int
ev_when_check(const struct ev_when *w, struct err *e)
{
	int64_t sd = 0, ed = 0, ex[EV_EXDATES_MAX];
	int sm = 0, em = 0;
	size_t nex = 0;
	struct ev_rrule r;

	if (!parse_local(w->starts, &sd, &sm))
		return err_set(e, ERR_INVALID, "ev.err.starts", "bad start");
	if (!parse_local(w->ends, &ed, &em))
		return err_set(e, ERR_INVALID, "ev.err.ends", "bad end");
	if (w->all_day ? ed < sd : (ed < sd || (ed == sd && em <= sm)))
		return err_set(e, ERR_INVALID, "ev.err.ends", "end before start");
	if (ed - sd > EV_SPAN_DAYS)
		return err_set(e, ERR_INVALID, "ev.err.span", "event longer than a month");
	if (ev_rrule_parse(w->rrule ? w->rrule : "", &r, e))
		return ERR_INVALID;
	if (ev_exdates_parse(w->exdates ? w->exdates : "", ex, &nex, e))
		return ERR_INVALID;
	if (nex && r.freq == EV_ONCE)
		return err_set(e, ERR_INVALID, "ev.err.exdates", "exception dates without a rule");
	return 0;
}

static void
occ_at(const struct ev_when *w, int64_t day, int sm, int64_t span, int em, struct ev_occ *o)
{
	o->start_day = day;
	o->end_day = day + span;
	if (w->all_day) {
		o->starts_at = local_utc(day, 0);
		o->ends_at = local_utc(day + span + 1, 0);
	} else {
		o->starts_at = local_utc(day, sm);
		o->ends_at = local_utc(day + span, em);
		/* A start in the hour skipped in spring is read as winter time. */
		if (o->ends_at <= o->starts_at)
			o->ends_at = o->starts_at + 60;
	}
}

static bool
excluded(const int64_t *ex, size_t n, int64_t day)
{
	for (size_t i = 0; i < n; i++)
		if (ex[i] == day)
			return true;
	return false;
}

static int
iterate(const struct ev_when *w, const struct ev_rrule *r, int64_t horizon, struct ev_occ *v,
	size_t *n, struct err *e)
{
	char rule[EV_RRULE_MAX + 64];
	int64_t sd = 0, ed = 0, ex[EV_EXDATES_MAX];
	int sm = 0, em = 0;
	size_t nex = 0, steps = 0;
	struct civil_local l;
	struct icalrecurrencetype rt;
	struct icaltimetype start = icaltime_null_time(), t;
	icalrecur_iterator *it;

	(void)parse_local(w->starts, &sd, &sm);
	(void)parse_local(w->ends, &ed, &em);
	(void)ev_exdates_parse(w->exdates ? w->exdates : "", ex, &nex, e);
	ev_rrule_format(r, false, rule, sizeof(rule));
	rt = icalrecurrencetype_from_string(rule);
	if (rt.freq == ICAL_NO_RECURRENCE)
		return err_set(e, ERR_INVALID, "ev.err.rrule", "libical refused '%s'", rule);
	civil_day(sd, &l);
	start.year = l.year, start.month = l.month, start.day = l.day;
	start.hour = w->all_day ? 0 : sm / 60, start.minute = w->all_day ? 0 : sm % 60;
	it = icalrecur_iterator_new(rt, start);
	if (!it)
		return err_set(e, ERR_INVALID, "ev.err.rrule", "libical refused '%s'", rule);
	while (*n < EV_OCC_MAX && steps++ < EV_OCC_MAX + EV_EXDATES_MAX + 1) {
		int64_t day;

		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		day = civil_days(t.year, t.month, t.day);
		if (day > horizon || (r->until_day >= 0 && day > r->until_day))
			break;
		if (day < sd || excluded(ex, nex, day))
			continue;
		occ_at(w, day, sm, ed - sd, em, &v[(*n)++]);
	}
	icalrecur_iterator_free(it);
	return 0;
}

int
ev_expand(const struct ev_when *w, int64_t horizon, struct arena *a, struct ev_occ **out, size_t *n,
	  struct err *e)
{
	struct ev_rrule r;
	int64_t sd = 0, ed = 0;
	int sm = 0, em = 0;

	*out = NULL;
	*n = 0;
	if (ev_when_check(w, e))
		return ERR_INVALID;
	(void)ev_rrule_parse(w->rrule ? w->rrule : "", &r, e);
	(void)parse_local(w->starts, &sd, &sm);
	(void)parse_local(w->ends, &ed, &em);
	if (r.freq == EV_ONCE) {
		*out = arena_calloc(a, 1, sizeof(**out));
		occ_at(w, sd, sm, ed - sd, em, *out);
		*n = 1;
		return 0;
	}
	*out = arena_calloc(a, EV_OCC_MAX, sizeof(**out));
	return iterate(w, &r, horizon, *out, n, e);
}

int64_t
ev_local_midnight(int64_t day)
{
	return local_utc(day, 0);
}

int64_t
ev_today(void)
{
	struct civil_local l;

	civil_local_at((int64_t)time(NULL), &l);
	return l.days;
}
