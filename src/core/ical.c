/* SPDX-License-Identifier: EUPL-1.2 */
/* iCalendar writing: see ical.h. */
#include "core/ical.h"

#include "core/civil.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

/* RFC 5545 3.1: lines of at most 75 octets, excluding the line break. */
#define ICAL_LINE_MAX 75

/* Europe/Berlin by the EU rule since 1996 (see core/civil.c). */
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

int
ical_line(struct buf *out, const char *line)
{
	size_t n = strlen(line), used = 0, room = ICAL_LINE_MAX;
	int rc = 0;

	while (rc == 0 && n - used > room) {
		size_t cut = used + room;

		while (cut > used && ((unsigned char)line[cut] & 0xc0) == 0x80)
			cut--; /* back to the start of the character */
		rc = buf_add(out, line + used, cut - used);
		rc = rc ? rc : buf_adds(out, "\r\n ");
		used = cut;
		room = ICAL_LINE_MAX - 1; /* the leading space counts */
	}
	rc = rc ? rc : buf_add(out, line + used, n - used);
	rc = rc ? rc : buf_adds(out, "\r\n");
	return rc || out->toobig ? ERR_TOOBIG : 0;
}

int
ical_begin(struct buf *out, const char *product, bool berlin)
{
	char prodid[128];
	int rc = ical_line(out, "BEGIN:VCALENDAR");

	snprintf(prodid, sizeof(prodid), "PRODID:-//Rathaus//%s//DE", product);
	rc = rc ? rc : ical_line(out, "VERSION:2.0");
	rc = rc ? rc : ical_line(out, prodid);
	rc = rc ? rc : ical_line(out, "CALSCALE:GREGORIAN");
	rc = rc ? rc : ical_line(out, "METHOD:PUBLISH");
	for (size_t i = 0; berlin && rc == 0 && i < sizeof(VTIMEZONE) / sizeof(VTIMEZONE[0]); i++)
		rc = ical_line(out, VTIMEZONE[i]);
	return rc;
}

int
ical_end(struct buf *out)
{
	return ical_line(out, "END:VCALENDAR");
}

int
ical_text(struct buf *out, const char *name, const char *value)
{
	struct buf b;
	int rc;

	buf_init(&b, 256 * 1024);
	(void)buf_adds(&b, name);
	(void)buf_addc(&b, ':');
	for (const char *s = value; s && *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			(void)buf_addc(&b, '\\');
		if (*s == '\n')
			(void)buf_adds(&b, "\\n");
		else if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			(void)buf_addc(&b, *s);
	}
	rc = b.toobig ? ERR_TOOBIG : ical_line(out, b.p);
	buf_release(&b);
	return rc;
}

void
ical_utc_format(int64_t t, char out[ICAL_UTC_LEN + 1])
{
	struct civil_local d;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400, sec = t - days * 86400;

	civil_day(days, &d);
	snprintf(out, ICAL_UTC_LEN + 1, "%04u%02u%02uT%02u%02u%02uZ", (unsigned)d.year % 10000u,
		 (unsigned)d.month % 100u, (unsigned)d.day % 100u, (unsigned)(sec / 3600) % 100u,
		 (unsigned)(sec / 60 % 60) % 100u, (unsigned)(sec % 60) % 100u);
}

int
ical_utc(struct buf *out, const char *name, int64_t t)
{
	char v[ICAL_UTC_LEN + 1], line[64];

	ical_utc_format(t, v);
	snprintf(line, sizeof(line), "%s:%s", name, v);
	return ical_line(out, line);
}

int
ical_local(struct buf *out, const char *name, int64_t utc, bool all_day, int64_t day)
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
	return ical_line(out, line);
}
