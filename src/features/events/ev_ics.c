/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * iCalendar (RFC 5545) for one event and for a calendar list.  One event
 * keeps its rule: DTSTART in Europe/Berlin with the VTIMEZONE below, the
 * RRULE and EXDATEs, so a calendar program repeats it itself.  A list
 * carries each occurrence as its own VEVENT in UTC.  Lines end in CRLF and
 * are folded at 75 octets between UTF-8 characters (checked by
 * tests/tools/ical_check.mjs).
 */
#include "features/events/ev_int.h"

#include "app/app.h"
#include "core/civil.h"
#include "mail/mail.h"

#include <stdio.h>
#include <string.h>

#define ICS_LINE_MAX 75

/* Europe/Berlin by the EU rule since 1996: enough for any event we hold. */
static const char *const VTIMEZONE[] = {
	"BEGIN:VTIMEZONE",
	"TZID:Europe/Berlin",
	"BEGIN:DAYLIGHT",
	"TZOFFSETFROM:+0100",
	"TZOFFSETTO:+0200",
	"TZNAME:CEST",
	"DTSTART:19700329T020000",
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD",
	"TZOFFSETFROM:+0200",
	"TZOFFSETTO:+0100",
	"TZNAME:CET",
	"DTSTART:19701025T030000",
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
};

static int
add_line(struct buf *out, const char *line)
{
	size_t n = strlen(line), used = 0, room = ICS_LINE_MAX;
	int rc = 0;

	while (rc == 0 && n - used > room) {
		size_t cut = used + room;

		while (cut > used && ((unsigned char)line[cut] & 0xc0) == 0x80)
			cut--;
		rc = buf_add(out, line + used, cut - used);
		rc = rc ? rc : buf_adds(out, "\r\n ");
		used = cut;
		room = ICS_LINE_MAX - 1;
	}
	rc = rc ? rc : buf_add(out, line + used, n - used);
	return rc ? rc : buf_adds(out, "\r\n");
}

static int
prop_text(struct rq *q, struct buf *out, const char *name, const char *s)
{
	struct buf b;
	int rc;

	buf_init(&b, 256 * 1024);
	(void)buf_adds(&b, name);
	(void)buf_addc(&b, ':');
	for (; s && *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			(void)buf_addc(&b, '\\');
		if (*s == '\n')
			(void)buf_adds(&b, "\\n");
		else if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			(void)buf_addc(&b, *s);
	}
	(void)q;
	rc = b.toobig ? ERR_TOOBIG : add_line(out, b.p);
	buf_release(&b);
	return rc;
}

static void
utc_stamp(int64_t t, char out[24])
{
	struct civil_local d;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400, sec = t - days * 86400;

	civil_day(days, &d);
	snprintf(out, 24, "%04d%02d%02dT%02d%02d%02dZ", d.year % 10000, d.month % 100, d.day % 100,
		 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

static int
prop_utc(struct buf *out, const char *name, int64_t t)
{
	char v[24], line[64];

	utc_stamp(t, v);
	snprintf(line, sizeof(line), "%s:%s", name, v);
	return add_line(out, line);
}

/* DTSTART/DTEND of a local time: a DATE for all-day, else a TZID date-time. */
static int
prop_local(struct buf *out, const char *name, int64_t utc, bool all_day, int64_t day)
{
	struct civil_local l;
	char line[96];

	if (all_day) {
		civil_day(day, &l);
		snprintf(line, sizeof(line), "%s;VALUE=DATE:%04d%02d%02d", name, l.year % 10000,
			 l.month % 100, l.day % 100);
	} else {
		civil_local_at(utc, &l);
		snprintf(line, sizeof(line), "%s;TZID=Europe/Berlin:%04d%02d%02dT%02d%02d00", name,
			 l.year % 10000, l.month % 100, l.day % 100, l.minute / 60 % 100,
			 l.minute % 60);
	}
	return add_line(out, line);
}

static int
begin(struct buf *out, bool tz)
{
	int rc = add_line(out, "BEGIN:VCALENDAR");

	rc = rc ? rc : add_line(out, "VERSION:2.0");
	rc = rc ? rc : add_line(out, "PRODID:-//Rathaus//Veranstaltungen//DE");
	rc = rc ? rc : add_line(out, "CALSCALE:GREGORIAN");
	rc = rc ? rc : add_line(out, "METHOD:PUBLISH");
	for (size_t i = 0; tz && rc == 0 && i < sizeof(VTIMEZONE) / sizeof(VTIMEZONE[0]); i++)
		rc = add_line(out, VTIMEZONE[i]);
	return rc;
}

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
		rc = add_line(out, arena_printf(q->a, "RRULE:%s;UNTIL=%04d%02d%02d", rule, l.year,
						l.month, l.day));
	} else if (r.until_day >= 0) {
		char v[24];

		utc_stamp(ev_local_midnight(r.until_day + 1) - 1, v);
		rc = add_line(out, arena_printf(q->a, "RRULE:%s;UNTIL=%s", rule, v));
	} else {
		rc = add_line(out, arena_printf(q->a, "RRULE:%s", rule));
	}
	for (size_t i = 0; rc == 0 && i < nex; i++) {
		int64_t shift = first->starts_at - ev_local_midnight(first->start_day);
		int64_t t = ev_local_midnight(ex[i]) + shift;

		rc = prop_local(out, "EXDATE", t, ev->when.all_day, ex[i]);
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
	rc = rc ? rc : begin(out, !ev->when.all_day);
	rc = rc ? rc : add_line(out, "BEGIN:VEVENT");
	rc = rc ? rc
		: prop_text(q, out, "UID",
			    arena_printf(q->a, "%s-%s@rathaus", q->tenant->slug, ev->slug));
	rc = rc ? rc : prop_utc(out, "DTSTAMP", ev->updated_at);
	rc = rc ? rc : prop_local(out, "DTSTART", o[0].starts_at, ev->when.all_day, o[0].start_day);
	rc = rc ? rc : prop_local(out, "DTEND", o[0].ends_at, ev->when.all_day, o[0].end_day + 1);
	rc = rc ? rc : rule_lines(q, ev, &o[0], out);
	rc = rc ? rc : prop_text(q, out, "SUMMARY", ev->title);
	if (place(q, ev)[0])
		rc = rc ? rc : prop_text(q, out, "LOCATION", place(q, ev));
	rc = rc ? rc : prop_text(q, out, "DESCRIPTION", ev->summary);
	rc = rc ? rc : add_line(out, arena_printf(q->a, "URL:%s", url));
	rc = rc ? rc : add_line(out, "END:VEVENT");
	rc = rc ? rc : add_line(out, "END:VCALENDAR");
	return rc ? rc : out->toobig ? ERR_TOOBIG : 0;
}

int
ev_ics_list(struct rq *q, const struct ev_row *v, size_t n, struct buf *out)
{
	int rc = begin(out, false);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		char stamp[24];

		utc_stamp(v[i].starts_at, stamp);
		rc = add_line(out, "BEGIN:VEVENT");
		rc = rc ? rc
			: prop_text(q, out, "UID",
				    arena_printf(q->a, "%s-%s-%s@rathaus", q->tenant->slug,
						 v[i].slug, stamp));
		rc = rc ? rc : prop_utc(out, "DTSTAMP", v[i].updated_at);
		if (v[i].all_day) {
			rc = rc ? rc : prop_local(out, "DTSTART", 0, true, v[i].start_day);
			rc = rc ? rc : prop_local(out, "DTEND", 0, true, v[i].end_day + 1);
		} else {
			rc = rc ? rc : prop_utc(out, "DTSTART", v[i].starts_at);
			rc = rc ? rc : prop_utc(out, "DTEND", v[i].ends_at);
		}
		rc = rc ? rc : prop_text(q, out, "SUMMARY", v[i].title);
		if (v[i].place[0])
			rc = rc ? rc : prop_text(q, out, "LOCATION", v[i].place);
		rc = rc ? rc
			: add_line(out,
				   arena_printf(
					   q->a, "URL:%s",
					   ev_abs_url(q, arena_printf(q->a, "/veranstaltungen/%s",
								      v[i].slug))));
		rc = rc ? rc : add_line(out, "END:VEVENT");
	}
	rc = rc ? rc : add_line(out, "END:VCALENDAR");
	return rc || out->toobig ? ERR_TOOBIG : 0;
}

const char *
ev_abs_url(struct rq *q, const char *path)
{
	struct buf b;
	const char *s;

	if (!q->app->mail)
		return rq_url(q, path);
	buf_init(&b, 4096);
	if (mail_link(q->app->mail, q->tenant, path, &b))
		buf_reset(&b);
	s = arena_strdup(q->a, b.p);
	buf_release(&b);
	return s;
}
