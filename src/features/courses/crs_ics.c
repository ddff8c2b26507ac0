/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * iCalendar (RFC 5545) of a course: one VEVENT per session, in UTC, with a
 * stable UID per session, written with core/ical.h (checked by
 * tests/tools/ical_check.mjs).
 */
#include "features/courses/crs_int.h"

#include "app/app.h"
#include "core/ical.h"

int
crs_ics(struct rq *q, const struct crs_course *c, const char *url, struct buf *out)
{
	const char *where = c->location_address[0] ? arena_printf(q->a, "%s, %s", c->location_name,
								  c->location_address)
						   : c->location_name;
	int rc = ical_begin(out, "Kurse", false);

	for (size_t i = 0; rc == 0 && i < c->n_sessions; i++) {
		rc = ical_line(out, "BEGIN:VEVENT");
		rc = rc ? rc
			: ical_text(out, "UID",
				    arena_printf(q->a, "%s-kurs-%s-%lld@rathaus", q->tenant->slug,
						 c->slug, (long long)c->sessions[i].starts_at));
		rc = rc ? rc : ical_utc(out, "DTSTAMP", c->updated_at);
		rc = rc ? rc : ical_utc(out, "DTSTART", c->sessions[i].starts_at);
		rc = rc ? rc : ical_utc(out, "DTEND", c->sessions[i].ends_at);
		rc = rc ? rc
			: ical_text(out, "SUMMARY",
				    c->n_sessions > 1 ? arena_printf(q->a, "%s (%zu/%zu)", c->title,
								     i + 1, c->n_sessions)
						      : c->title);
		if (where[0])
			rc = rc ? rc : ical_text(out, "LOCATION", where);
		rc = rc ? rc : ical_text(out, "DESCRIPTION", c->summary);
		rc = rc ? rc : ical_line(out, arena_printf(q->a, "URL:%s", url));
		rc = rc ? rc : ical_line(out, "END:VEVENT");
	}
	rc = rc ? rc : ical_end(out);
	return rc || out->toobig ? ERR_TOOBIG : 0;
}
