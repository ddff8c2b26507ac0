/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A booking as an iCalendar object (RFC 5545) for the citizen's calendar.
 * One event with times in UTC, so no VTIMEZONE; checked by
 * tests/unit/appt_test.c and tests/tools/ical_check.mjs.
 */
#include "features/appointments/appt.h"

#include "core/ical.h"

#include <stdio.h>

int
appt_ics_render(const struct appt_ics *ev, struct buf *out)
{
	int rc = ical_begin(out, "Terminbuchung", false);

	rc = rc ? rc : ical_line(out, "BEGIN:VEVENT");
	rc = rc ? rc : ical_text(out, "UID", ev->uid);
	rc = rc ? rc : ical_utc(out, "DTSTAMP", ev->stamp);
	if (rc == 0) { /* a moved booking updates the entry already in the calendar */
		char seq[32];

		snprintf(seq, sizeof(seq), "SEQUENCE:%d", ev->sequence > 0 ? ev->sequence : 0);
		rc = ical_line(out, seq);
	}
	rc = rc ? rc : ical_utc(out, "DTSTART", ev->starts_at);
	rc = rc ? rc : ical_utc(out, "DTEND", ev->ends_at);
	rc = rc ? rc : ical_text(out, "SUMMARY", ev->summary);
	rc = rc ? rc : ical_text(out, "LOCATION", ev->location);
	rc = rc ? rc : ical_text(out, "DESCRIPTION", ev->description);
	rc = rc ? rc : ical_line(out, "STATUS:CONFIRMED");
	rc = rc ? rc : ical_line(out, "TRANSP:OPAQUE");
	rc = rc ? rc : ical_line(out, "END:VEVENT");
	rc = rc ? rc : ical_end(out);
	return rc || out->toobig ? ERR_TOOBIG : 0;
}
