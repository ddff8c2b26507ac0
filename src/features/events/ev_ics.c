/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * iCalendar (RFC 5545) for one event and for a calendar list.  One event
 * keeps its rule: DTSTART in Europe/Berlin with the VTIMEZONE, the RRULE and
 * EXDATEs, so a calendar program repeats it itself.  A list carries each
 * occurrence as its own VEVENT in UTC.  core/ical.h writes the lines; the
 * tests check the files with tests/tools/ical_check.mjs.
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "core/civil.h"
#include "core/ical.h"

#include <stdio.h>
#include <string.h>

static const char *
place(struct rq *q, const struct ev_event *ev)
{
	if (ev->office_name[0])
		return arena_printf(q->a, "%s, %s, %s %s", ev->office_name, ev->office_street,
				    ev->office_postal, ev->office_city);
	if (ev->location_address[0])
		return arena_printf(q->a, "%s, %s", ev->location_name, ev->location_address);
	return ev->location_name;
}

/* RRULE with UNTIL as the UTC end of its day (RFC 5545 3.3.10) and the EXDATEs. */
static int
rule_lines(struct rq *q, const struct ev_event *ev, const struct ev_occ *first, struct buf *out)
{
	struct ev_rrule r;
	int64_t ex[EV_EXDATES_MAX];
	size_t nex = 0;
	char rule[EV_RRULE_MAX + 64];
	int rc = 0;

	if (ev_rrule_parse(ev->when.rrule, &r, &q->err) || r.freq == EV_ONCE)
		return 0;
	(void)ev_exdates_parse(ev->when.exdates, ex, &nex, &q->err);
	ev_rrule_format(&r, false, rule, sizeof(rule));
	if (r.until_day >= 0 && ev->when.all_day) {
		struct civil_local l;

		civil_day(r.until_day, &l);
		rc = ical_line(out, arena_printf(q->a, "RRULE:%s;UNTIL=%04d%02d%02d", rule, l.year,
						 l.month, l.day));
	} else if (r.until_day >= 0) {
		char v[ICAL_UTC_LEN + 1];

		ical_utc_format(ev_local_midnight(r.until_day + 1) - 1, v);
		rc = ical_line(out, arena_printf(q->a, "RRULE:%s;UNTIL=%s", rule, v));
	} else {
		rc = ical_line(out, arena_printf(q->a, "RRULE:%s", rule));
	}
	for (size_t i = 0; rc == 0 && i < nex; i++) {
		int64_t shift = first->starts_at - ev_local_midnight(first->start_day);
		int64_t t = ev_local_midnight(ex[i]) + shift;

		rc = ical_local(out, "EXDATE", t, ev->when.all_day, ex[i]);
	}
	return rc;
}

int
ev_ics_event(struct rq *q, const struct ev_event *ev, const char *url, struct buf *out)
{
	struct ev_occ *o = NULL;
	size_t n = 0;
	int rc = ev_expand(&ev->when, ev_today() + EV_HORIZON_DAYS, q->a, &o, &n, &q->err);

	if (rc == 0 && n == 0) /* every date excluded: nothing to put in a calendar */
		return err_set(&q->err, ERR_NOTFOUND, "error.404.text", "event without dates");
	rc = rc ? rc : ical_begin(out, "Veranstaltungen", !ev->when.all_day);
	rc = rc ? rc : ical_line(out, "BEGIN:VEVENT");
	rc = rc ? rc
		: ical_text(out, "UID",
			    arena_printf(q->a, "%s-%s@rathaus", q->tenant->slug, ev->slug));
	rc = rc ? rc : ical_utc(out, "DTSTAMP", ev->updated_at);
	rc = rc ? rc : ical_local(out, "DTSTART", o[0].starts_at, ev->when.all_day, o[0].start_day);
	rc = rc ? rc : ical_local(out, "DTEND", o[0].ends_at, ev->when.all_day, o[0].end_day + 1);
	rc = rc ? rc : rule_lines(q, ev, &o[0], out);
	rc = rc ? rc : ical_text(out, "SUMMARY", ev->title);
	if (place(q, ev)[0])
		rc = rc ? rc : ical_text(out, "LOCATION", place(q, ev));
	rc = rc ? rc : ical_text(out, "DESCRIPTION", ev->summary);
	rc = rc ? rc : ical_line(out, arena_printf(q->a, "URL:%s", url));
	rc = rc ? rc : ical_line(out, "END:VEVENT");
	rc = rc ? rc : ical_end(out);
	return rc ? rc : out->toobig ? ERR_TOOBIG : 0;
}

int
ev_ics_list(struct rq *q, const struct ev_row *v, size_t n, struct buf *out)
{
	int rc = ical_begin(out, "Veranstaltungen", false);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		char stamp[ICAL_UTC_LEN + 1];

		ical_utc_format(v[i].starts_at, stamp);
		rc = ical_line(out, "BEGIN:VEVENT");
		rc = rc ? rc
			: ical_text(out, "UID",
				    arena_printf(q->a, "%s-%s-%s@rathaus", q->tenant->slug,
						 v[i].slug, stamp));
		rc = rc ? rc : ical_utc(out, "DTSTAMP", v[i].updated_at);
		if (v[i].all_day) {
			rc = rc ? rc : ical_local(out, "DTSTART", 0, true, v[i].start_day);
			rc = rc ? rc : ical_local(out, "DTEND", 0, true, v[i].end_day + 1);
		} else {
			rc = rc ? rc : ical_utc(out, "DTSTART", v[i].starts_at);
			rc = rc ? rc : ical_utc(out, "DTEND", v[i].ends_at);
		}
		rc = rc ? rc : ical_text(out, "SUMMARY", v[i].title);
		if (v[i].place[0])
			rc = rc ? rc : ical_text(out, "LOCATION", v[i].place);
		rc = rc ? rc
			: ical_line(out,
				    arena_printf(
					    q->a, "URL:%s",
					    rq_abs_url(q, arena_printf(q->a, "/veranstaltungen/%s",
								       v[i].slug))));
		rc = rc ? rc : ical_line(out, "END:VEVENT");
	}
	rc = rc ? rc : ical_end(out);
	return rc || out->toobig ? ERR_TOOBIG : 0;
}
