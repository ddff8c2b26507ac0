/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A booking as an iCalendar object (RFC 5545) for the citizen's calendar.
 * Written by hand rather than with libical: one event with times in UTC
 * needs no VTIMEZONE, and the rules that matter (text escaping, CRLF, lines
 * folded at 75 octets between UTF-8 characters) fit in this file and are
 * checked by tests/unit/appt_test.c and tests/tools/ical_check.mjs.
 */
#include "features/appointments/appt.h"

#include "core/buf.h"
#include "core/civil.h"

#include <stdio.h>
#include <string.h>

/* RFC 5545 3.1: lines of at most 75 octets, excluding the line break. */
#define ICS_LINE_MAX 75

/* Append `line` with CRLF, folded before 75 octets and never inside a UTF-8 character. */
static int
add_line(struct buf *out, const char *line)
{
	size_t n = strlen(line), used = 0, room = ICS_LINE_MAX;
	int rc = 0;

	while (rc == 0 && n - used > room) {
		size_t cut = used + room;

		while (cut > used && ((unsigned char)line[cut] & 0xc0) == 0x80)
			cut--; /* back to the start of the character */
		rc = buf_add(out, line + used, cut - used);
		rc = rc ? rc : buf_adds(out, "\r\n ");
		used = cut;
		room = ICS_LINE_MAX - 1; /* the leading space counts */
	}
	rc = rc ? rc : buf_add(out, line + used, n - used);
	return rc ? rc : buf_adds(out, "\r\n");
}

/* RFC 5545 3.3.11: a TEXT value with backslash, semicolon, comma and newline escaped. */
static void
add_text(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == ';' || *s == ',')
			(void)buf_addc(b, '\\');
		if (*s == '\n')
			(void)buf_adds(b, "\\n");
		else if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			(void)buf_addc(b, *s);
	}
}

/* RFC 5545 3.3.5 form 2: a date-time in UTC. */
static void
utc_stamp(int64_t t, char *out, size_t n)
{
	struct civil_local d;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400, sec = t - days * 86400;

	civil_day(days, &d);
	snprintf(out, n, "%04d%02d%02dT%02d%02d%02dZ", d.year % 10000, d.month % 100, d.day % 100,
		 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

static int
prop_text(struct buf *out, const char *name, const char *value)
{
	struct buf line;
	int rc;

	buf_init(&line, 64 * 1024);
	(void)buf_adds(&line, name);
	(void)buf_addc(&line, ':');
	add_text(&line, value);
	rc = line.toobig ? ERR_TOOBIG : add_line(out, line.p);
	buf_release(&line);
	return rc;
}

static int
prop_time(struct buf *out, const char *name, int64_t t)
{
	char v[32], line[64];

	utc_stamp(t, v, sizeof(v));
	snprintf(line, sizeof(line), "%s:%s", name, v);
	return add_line(out, line);
}

int
appt_ics_render(const struct appt_ics *ev, struct buf *out)
{
	int rc = add_line(out, "BEGIN:VCALENDAR");

	rc = rc ? rc : add_line(out, "VERSION:2.0");
	rc = rc ? rc : add_line(out, "PRODID:-//Rathaus//Terminbuchung//DE");
	rc = rc ? rc : add_line(out, "CALSCALE:GREGORIAN");
	rc = rc ? rc : add_line(out, "METHOD:PUBLISH");
	rc = rc ? rc : add_line(out, "BEGIN:VEVENT");
	rc = rc ? rc : prop_text(out, "UID", ev->uid);
	rc = rc ? rc : prop_time(out, "DTSTAMP", ev->stamp);
	if (rc == 0) {
		char seq[32];

		snprintf(seq, sizeof(seq), "SEQUENCE:%d", ev->sequence > 0 ? ev->sequence : 0);
		rc = add_line(out, seq);
	}
	rc = rc ? rc : prop_time(out, "DTSTART", ev->starts_at);
	rc = rc ? rc : prop_time(out, "DTEND", ev->ends_at);
	rc = rc ? rc : prop_text(out, "SUMMARY", ev->summary);
	rc = rc ? rc : prop_text(out, "LOCATION", ev->location);
	rc = rc ? rc : prop_text(out, "DESCRIPTION", ev->description);
	rc = rc ? rc : add_line(out, "STATUS:CONFIRMED");
	rc = rc ? rc : add_line(out, "TRANSP:OPAQUE");
	rc = rc ? rc : add_line(out, "END:VEVENT");
	rc = rc ? rc : add_line(out, "END:VCALENDAR");
	return rc || out->toobig ? ERR_TOOBIG : 0;
}
